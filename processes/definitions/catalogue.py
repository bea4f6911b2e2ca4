"""The catalogue sidecar of a diagram (`<name>.toml` beside `<name>.bpmn`): what the public sees
of a procedure (R5.3) and what the engine needs (statutory time, documents, the applicant's form)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from engine.forms import FIELD_TYPES, FormField, Option
from engine.problems import Problem

REQUIRED_KEYS: dict[str, type | tuple[type, ...]] = {
    "code": str, "process_id": str, "name": str, "level": int, "sector": str, "field": str,
    "agency_level": str, "processing_time_days": (int, float)}


@dataclass(frozen=True)
class Catalogue:
    path: str
    data: dict[str, Any]

    @property
    def code(self) -> str:
        return str(self.data["code"])

    @property
    def process_id(self) -> str:
        return str(self.data["process_id"])

    def form_fields(self) -> list[FormField]:
        return form_fields(self.data)


# An applicant's whole number (a capital, a count of workers, an area, a number of copies) is never
# negative unless the catalogue says otherwise, and never beyond a quadrillion đồng.
LONG_MIN = 0
LONG_MAX = 10**15


def form_fields(data: dict[str, Any], today: date | None = None) -> list[FormField]:
    """The applicant's form as the catalogue declares it; whole numbers carry their bounds (`min`, `max`,
    by default LONG_MIN..LONG_MAX), and with `today` a date is not after it unless the field says
    `future = true` (a birth, a death, a registration has happened); the server checks both and the page
    writes them as min/max attributes."""
    def bound(f: dict[str, Any], key: str, default: int) -> int | None:
        return int(f.get(key, default)) if f.get("type") == "long" else None
    return [FormField(id=f["id"], label=f.get("label", f["id"]), type=f.get("type", "string"),
                      required=bool(f.get("required", False)),
                      options=tuple(Option(str(o["id"]), str(o.get("label", o["id"])))
                                    for o in f.get("options", [])),
                      pattern=f.get("pattern"), minimum=bound(f, "min", LONG_MIN),
                      maximum=bound(f, "max", LONG_MAX),
                      latest=today if f.get("type") == "date" and not f.get("future") else None)
            for f in data.get("form", [])]


MAX_CATALOGUE_BYTES = 256 * 1024  # the largest real entry is a few kilobytes
MAX_NESTING = 16  # a catalogue entry nests three or four levels (agencies, documents, form options)


def sidecar_path(bpmn_path: Path) -> Path:
    return bpmn_path.with_suffix(".toml")


def load_catalogue(bpmn_path: Path) -> tuple[Catalogue | None, list[Problem]]:
    """Read and check the sidecar; return it, or the problems that make it unusable."""
    path = sidecar_path(bpmn_path)
    if not path.exists():
        return None, [Problem(str(bpmn_path), None, None,
                              f"no catalogue entry: {path.name} (code, name, level, statutory time, "
                              f"documents, form) must sit beside the diagram")]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), None, None, f"cannot read the file: {exc.strerror}")]
    return parse_catalogue(raw, str(path))


def parse_catalogue(raw: bytes, shown: str) -> tuple[Catalogue | None, list[Problem]]:
    """Check sidecar text (a file, or an upload shown as `shown`); problems carry the key's line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, raw.count(b"\n", 0, exc.start) + 1, None, "the file is not UTF-8 text")]
    if len(raw) > MAX_CATALOGUE_BYTES:
        return None, [Problem(shown, None, None, f"the file is {len(raw):,} bytes; a catalogue entry is at "
                                                 f"most {MAX_CATALOGUE_BYTES:,} bytes")]
    too_deep = _nesting_line(text)
    if too_deep is not None:
        return None, [Problem(shown, too_deep, None, f"arrays and tables nested deeper than {MAX_NESTING} "
                                                     f"levels; a catalogue entry needs a few at most")]
    try:
        data = tomllib.loads(text)
    except RecursionError:  # the scan above should have caught it; never a 500 in any case
        return None, [Problem(shown, None, None, f"nested deeper than {MAX_NESTING} levels")]
    except tomllib.TOMLDecodeError as exc:
        # tomllib keeps the position only in its message: "... (at line 3, column 7)".
        found = re.search(r"at line (\d+)", str(exc))
        return None, [Problem(shown, int(found.group(1)) if found else None, None, f"not valid TOML: {exc}")]
    if _depth(data) > MAX_NESTING:  # dotted keys (a.b.c…) nest without a bracket
        return None, [Problem(shown, None, None, f"keys nested deeper than {MAX_NESTING} levels")]
    problems = [Problem(p.path, p.line or key_line(text, p.element_id), p.element_id, p.message)
                for p in check_catalogue(data, shown)]
    return (Catalogue(shown, data), []) if not problems else (None, problems)


def _nesting_line(text: str) -> int | None:
    """The line where brackets and braces (outside strings and comments) open deeper than allowed;
    tomllib recurses once per level, so a deep file would otherwise end in a RecursionError."""
    depth, line, i, n = 0, 1, 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            end = i + len(quote)
            while end < n and not text.startswith(quote, end):
                end += 2 if quote == '"' and text[end] == "\\" else 1
                if quote in ('"', "'") and end < n and text[end] == "\n":
                    break  # an unterminated one-line string: tomllib will say where
            line += text.count("\n", i, end)
            i = end + len(quote)
            continue
        elif c in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line
        elif c in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return None


def _depth(data: Any) -> int:
    """How deeply tables and arrays nest in parsed data (counted without recursion)."""
    deepest, pending = 0, [(data, 0)]
    while pending:
        value, level = pending.pop()
        deepest = max(deepest, level)
        if deepest > MAX_NESTING:
            break
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        pending.extend((child, level + 1) for child in children)
    return deepest


def key_line(text: str, key: str | None) -> int | None:
    """The line of a catalogue key in the sidecar text: `level`, `agencies.police`, `documents[1]`
    (the second ``[[documents]]``) or `form.so_dinh_danh` (the ``id`` line of that form field)."""
    if not key:
        return None
    lines = text.splitlines()
    table_item = re.fullmatch(r"(\w+)\[(\d+)\]", key)
    if table_item:
        headers = [n for n, line in enumerate(lines, 1)
                   if re.match(rf"\s*\[\[\s*{re.escape(table_item.group(1))}\s*\]\]", line)]
        index = int(table_item.group(2))
        return headers[index] if index < len(headers) else None
    table, _, name = key.rpartition(".")
    if table == "form":
        pattern = rf"\s*id\s*=\s*[\"']{re.escape(name)}[\"']"
    else:
        pattern = rf"\s*[\"']?{re.escape(name)}[\"']?\s*="
    in_table = not table
    for n, line in enumerate(lines, 1):
        header = re.match(r"\s*\[\[?\s*([\w.]+)\s*\]", line)
        if header and table != "form":
            in_table = header.group(1) == table
            continue
        if (in_table or table == "form") and re.match(pattern, line):
            return n
    return None


def check_catalogue(data: dict[str, Any], path: str) -> list[Problem]:
    problems = []
    for key, kind in REQUIRED_KEYS.items():
        if key not in data:
            problems.append(Problem(path, None, key, f"catalogue key '{key}' is missing"))
        elif not isinstance(data[key], kind) or isinstance(data[key], bool):
            problems.append(Problem(path, None, key, f"catalogue key '{key}' has the wrong type"))
    if isinstance(data.get("level"), int) and data["level"] not in (2, 3, 4):
        problems.append(Problem(path, None, "level", "level must be 2, 3 or 4 (R5.1)"))
    days = data.get("processing_time_days")
    if isinstance(days, (int, float)) and not 0 <= days <= 365:
        problems.append(Problem(path, None, "processing_time_days",
                                "statutory time must be 0–365 working days"))
    for i, doc in enumerate(data.get("documents", [])):
        if not isinstance(doc, dict) or not {"key", "name"} <= set(doc):
            problems.append(Problem(path, None, f"documents[{i}]", "a document needs key and name"))
    for i, f in enumerate(data.get("form", [])):
        if not isinstance(f, dict) or "id" not in f:
            problems.append(Problem(path, None, f"form[{i}]", "a form field needs an id"))
        elif f.get("type", "string") not in FIELD_TYPES:
            problems.append(Problem(path, None, f"form.{f['id']}", f"unknown field type '{f.get('type')}'"))
        elif f.get("type") == "enum" and not f.get("options"):
            problems.append(Problem(path, None, f"form.{f['id']}", "an enum field needs options"))
        elif any(k in f for k in ("min", "max")) and f.get("type") != "long":
            problems.append(Problem(path, None, f"form.{f['id']}", "min and max apply to whole numbers (type long)"))
        elif any(not isinstance(f.get(k, 0), int) or isinstance(f.get(k), bool) for k in ("min", "max")):
            problems.append(Problem(path, None, f"form.{f['id']}", "min and max must be whole numbers"))
        elif f.get("min", LONG_MIN) > f.get("max", LONG_MAX):
            problems.append(Problem(path, None, f"form.{f['id']}", "min must not exceed max"))
        elif "future" in f and (f.get("type") != "date" or not isinstance(f["future"], bool)):
            problems.append(Problem(path, None, f"form.{f['id']}", "future = true|false applies to dates only"))
    return problems
