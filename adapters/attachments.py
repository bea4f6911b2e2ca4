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
# The file name's extension each content type may carry, and the declared types a browser or client may
# send for it (a generic "application/octet-stream" or none at all says nothing, and is accepted).
EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}
DECLARED = {"application/pdf": {"application/pdf", "application/x-pdf"},
            "image/jpeg": {"image/jpeg", "image/jpg", "image/pjpeg"}, "image/png": {"image/png"}}
GENERIC = {"", "application/octet-stream", "binary/octet-stream"}
# What a browser would take for a page if it ever sniffed the bytes (it looks at the first 512 or so):
# a PDF or image that also reads as HTML or SVG is a polyglot and refused, whatever its name.
_MARKUP = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|a\s|img\s"
                     rb"|style|form|base|title)\b", re.IGNORECASE)
SNIFF_WINDOW = 1024


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

    def check(self, field: str, filename: str, data: bytes, declared: str = "") -> StoredFile:
        """Refuse what is empty, too large or not really a PDF/JPEG/PNG; name the field and rule.
        The content decides the type; the name's extension and the declared type (the upload's
        Content-Type) must agree with it, and no part of the first bytes may read as a web page."""
        if not data:
            raise Invalid("upload.empty", field, filename=safe_filename(filename))
        if len(data) > self.max_bytes:
            raise Invalid("upload.too_large", field, filename=safe_filename(filename),
                          max_mb=round(self.max_bytes / (1024 * 1024), 1))
        content_type = sniff(data)
        if content_type is None or _MARKUP.search(data[:SNIFF_WINDOW]):
            raise Invalid("upload.type_not_allowed", field, filename=safe_filename(filename))
        if not safe_filename(filename).lower().endswith(EXTENSIONS[content_type]):
            raise Invalid("upload.extension_mismatch", field, filename=safe_filename(filename),
                          extension=EXTENSIONS[content_type][0])
        declared = (declared or "").split(";")[0].strip().lower()
        if declared not in GENERIC and declared not in DECLARED[content_type]:
            raise Invalid("upload.declared_type_mismatch", field, filename=safe_filename(filename))
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
