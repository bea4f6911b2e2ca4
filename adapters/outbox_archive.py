"""Where sent messages' bodies go once the outbox no longer needs them: one gzip file of JSON lines
per month of sending, `<data_dir>/archive/outbox-YYYY-MM.jsonl.gz` (or `[outbox] archive_dir`), in the
file store that every node shares. Each call appends one gzip member (a gzip file of several members
reads as one); a message archived twice (a crash between writing and recording) appears twice with
the same id, and `read` keeps the last."""
from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from adapters.config import PROJECT_ROOT, data_dir


def archive_dir(config: Mapping[str, Any]) -> Path:
    raw = str(config.get("outbox", {}).get("archive_dir") or "")
    if not raw:
        return data_dir(config) / "archive"
    path = Path(raw)
    return path if path.is_absolute() else PROJECT_ROOT / path


def file_name(month: str) -> str:
    return f"outbox-{month}.jsonl.gz"


def append(config: Mapping[str, Any], month: str, records: Iterable[Mapping[str, Any]]) -> Path:
    """Append the records (JSON-ready) to the month's file and make them durable before returning."""
    folder = archive_dir(config)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(month)
    data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records).encode("utf-8")
    with open(path, "ab") as raw:
        raw.write(gzip.compress(data))
        raw.flush()
        os.fsync(raw.fileno())
    return path


def read(config: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every archived message, one per id (the last copy), month after month."""
    folder = archive_dir(config)
    for path in sorted(folder.glob("outbox-*.jsonl.gz")) if folder.is_dir() else []:
        seen: dict[int, dict[str, Any]] = {}
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    record = json.loads(line)
                    seen[int(record["id"])] = record
        yield from seen.values()
