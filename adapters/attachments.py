"""Attachments: checked by content (not by name), size-limited, stored by SHA-256."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from processes.errors import Invalid

_SIGNATURES = [(b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"),
               (b"\x89PNG\r\n\x1a\n", "image/png")]


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    filename: str


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (PDF, JPEG, PNG), or None."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    return None


def safe_filename(name: str) -> str:
    """Keep the last path component and harmless characters; never a path."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\- ]", "_", base, flags=re.UNICODE).strip(" .") or "tep"
    return base[:120]


class AttachmentStore:
    def __init__(self, root: Path, max_bytes: int):
        self.root = root
        self.max_bytes = max_bytes

    def check(self, field: str, filename: str, data: bytes) -> StoredFile:
        """Refuse what is empty, too large or not really a PDF/JPEG/PNG; name the field and rule."""
        if not data:
            raise Invalid("upload.empty", field, filename=safe_filename(filename))
        if len(data) > self.max_bytes:
            raise Invalid("upload.too_large", field, filename=safe_filename(filename),
                          max_mb=round(self.max_bytes / (1024 * 1024), 1))
        content_type = sniff(data)
        if content_type is None:
            raise Invalid("upload.type_not_allowed", field, filename=safe_filename(filename))
        return StoredFile(hashlib.sha256(data).hexdigest(), len(data), content_type, safe_filename(filename))

    def save(self, stored: StoredFile, data: bytes) -> None:
        """Write the content under its hash (atomically; the same content is stored once)."""
        path = self.path_of(stored.sha256)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)

    def read(self, sha256: str) -> bytes:
        """The content, verified against its hash; a mismatch means tampering or corruption."""
        data = self.path_of(sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise IntegrityError(f"attachment {sha256[:12]}… does not match its checksum")
        return data

    def path_of(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("not a SHA-256 digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256


class IntegrityError(Exception):
    """Stored content no longer matches its checksum."""
