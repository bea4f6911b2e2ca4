"""The catalogue sidecar of a diagram (`<name>.toml` beside `<name>.bpmn`): what the public sees
of a procedure (R5.3) and what the engine needs (statutory time, documents, the applicant's form)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.forms import FIELD_TYPES, FormField, Option
from engine.problems import Problem

REQUIRED_KEYS: dict[str, type | tuple[type, ...]] = {"code": str, "process_id": str, "name": str, "level": int, "sector": str, "field": str,
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


def form_fields(data: dict[str, Any]) -> list[FormField]:
    return [FormField(id=f["id"], label=f.get("label", f["id"]), type=f.get("type", "string"),
                      required=bool(f.get("required", False)),
                      options=tuple(Option(str(o["id"]), str(o.get("label", o["id"])))
                                    for o in f.get("options", [])),
                      pattern=f.get("pattern")) for f in data.get("form", [])]


def sidecar_path(bpmn_path: Path) -> Path:
    return bpmn_path.with_suffix(".toml")


def load_catalogue(bpmn_path: Path) -> tuple[Catalogue | None, list[Problem]]:
    """Read and check the sidecar; return it, or the problems that make it unusable."""
    path = sidecar_path(bpmn_path)
    shown = str(path)
    if not path.exists():
        return None, [Problem(str(bpmn_path), None, None,
                              f"no catalogue entry: {path.name} (code, name, level, statutory time, documents, "
                              f"form) must sit beside the diagram")]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return None, [Problem(shown, getattr(exc, "lineno", None), None, f"not valid TOML: {exc}")]
    problems = check_catalogue(data, shown)
    return (Catalogue(shown, data), []) if not problems else (None, problems)


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
        problems.append(Problem(path, None, "processing_time_days", "statutory time must be 0–365 working days"))
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
    return problems
