"""Where audit checkpoints are anchored outside the database: the signing key (a file the database
never holds) and the folder of signed checkpoint files an auditor keeps (copy it off the machine, or
point `[audit] checkpoint_dir` at a mount the auditor owns)."""
from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.config import PROJECT_ROOT, data_dir

log = logging.getLogger("motcua.audit")


class AnchorError(Exception):
    """The checkpoint key is missing (outside demo mode it is never created on the fly)."""


def _path(config: Mapping[str, Any], key: str, default: str) -> Path:
    raw = str(config.get("audit", {}).get(key) or "")
    if not raw:
        return data_dir(config) / default
    path = Path(raw)
    return path if path.is_absolute() else PROJECT_ROOT / path


def key_path(config: Mapping[str, Any]) -> Path:
    return _path(config, "checkpoint_key_file", "audit-checkpoint.key")


def checkpoint_dir(config: Mapping[str, Any]) -> Path:
    return _path(config, "checkpoint_dir", "audit-checkpoints")


def load_key(config: Mapping[str, Any], *, create: bool = False) -> bytes:
    """The HMAC key; created (32 random bytes, hex, mode 0600) on first use in demo mode only."""
    path = key_path(config)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not (create and config.get("app", {}).get("demo")):
            raise AnchorError(f"no audit checkpoint key at {path} ([audit] checkpoint_key_file)") from None
        path.parent.mkdir(parents=True, exist_ok=True)
        text = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another node's sweeper created it a moment ago
            return bytes.fromhex(path.read_text(encoding="ascii").strip())
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text + "\n")
        log.warning("created the audit checkpoint key %s (demo mode): keep it away from the database", path)
    return bytes.fromhex(text)


def read_checkpoints(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every checkpoint file, oldest first (their names sort by time)."""
    folder = checkpoint_dir(config)
    if not folder.is_dir():
        return []
    docs = []
    for path in sorted(folder.glob("checkpoint-*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["file"] = path.name
        docs.append(doc)
    return docs


def write_checkpoint(config: Mapping[str, Any], doc: Mapping[str, Any]) -> Path:
    folder = checkpoint_dir(config)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = str(doc["at"]).replace(":", "").replace("-", "").split(".")[0].split("+")[0]
    path = folder / f"checkpoint-{stamp}-{str(doc['root'])[:12]}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({k: v for k, v in doc.items() if k != "file"}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    log.info("audit checkpoint %s: %d chains, %d events, root %s", path.name, doc["chains"], doc["events"],
             doc["root"])  # the log is a second place the root is kept
    return path
