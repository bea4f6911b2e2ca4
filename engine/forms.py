"""Form fields declared by diagrams (user tasks) and catalogues (the applicant's form),
and the server-side check of submitted values against them."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

FIELD_TYPES = {"string", "long", "boolean", "date", "enum", "email", "phone", "text"}
MAX_TEXT = 4000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .-]{8,15}$")


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str = "string"
    required: bool = False
    options: tuple[Option, ...] = ()
    pattern: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "type": self.type, "required": self.required,
                "options": [{"id": o.id, "label": o.label} for o in self.options]}


@dataclass
class FormErrors(Exception):
    """Field id -> what is wrong with it: `errors` in words (TRANSITIONAL), `codes` as a stable code and
    its parameters (`form.required`, `form.not_an_option`…) that processes/ turn into refusals."""

    errors: dict[str, str] = field(default_factory=dict)
    codes: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.errors.items())


def clean_form(fields: Iterable[FormField], data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the values converted to their types, or raise FormErrors naming every bad field.

    Unknown keys are refused: a form accepts only the fields it declares."""
    fields = list(fields)
    known = {f.id for f in fields}
    errors: dict[str, str] = {k: "không có trường này trong biểu mẫu (unknown field)"
                              for k in data if k not in known}
    codes: dict[str, tuple[str, dict[str, Any]]] = {k: ("form.unknown_field", {}) for k in errors}
    cleaned: dict[str, Any] = {}
    for f in fields:
        raw = data.get(f.id)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if f.required:
                errors[f.id] = "bắt buộc nhập (required)"
                codes[f.id] = ("required", {})
            continue
        try:
            cleaned[f.id] = _convert(f, raw)
        except FieldError as exc:
            errors[f.id] = str(exc)
            codes[f.id] = (exc.code, exc.params)
    if errors:
        raise FormErrors(errors, codes)
    return cleaned


class FieldError(ValueError):
    """One value a field refuses: its code and parameters (the words are for logs only)."""

    def __init__(self, code: str, words: str, **params: Any):
        super().__init__(words)
        self.code, self.params = code, params


IDENTITY_NUMBER = "^[0-9]{12}$"  # the citizen identity number (CCCD): its own sentence, never the regex


def _convert(f: FormField, raw: Any) -> Any:
    if f.type == "boolean":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in {"true", "1", "on", "yes"}:
            return True
        if str(raw).lower() in {"false", "0", "off", "no"}:
            return False
        raise FieldError("form.not_boolean", "phải là đúng/sai (must be true or false)")
    if f.type == "long":
        if isinstance(raw, bool):
            raise FieldError("form.not_integer", "phải là số nguyên (must be an integer)")
        try:
            return int(str(raw).strip())
        except ValueError:
            raise FieldError("form.not_integer", "phải là số nguyên (must be an integer)") from None
    if f.type == "date":
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise FieldError("form.not_date", "phải là ngày dạng YYYY-MM-DD (must be a date)") from None
    if f.type == "enum":
        ids = [o.id for o in f.options]
        if str(raw) not in ids:
            raise FieldError("form.not_an_option", f"phải là một trong {ids} (must be one of the options)",
                             options=", ".join(o.label for o in f.options))
        return str(raw)
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise FieldError("form.not_text", "phải là văn bản (must be text)")
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise FieldError("form.too_long", f"dài quá {MAX_TEXT} ký tự (longer than {MAX_TEXT} characters)",
                         max=MAX_TEXT)
    if f.type == "email" and not _EMAIL.match(text):
        raise FieldError("form.not_email", "địa chỉ thư điện tử không hợp lệ (not an e-mail address)")
    if f.type == "phone" and not _PHONE.match(text):
        raise FieldError("form.not_phone", "số điện thoại không hợp lệ (not a phone number)")
    if f.pattern and not re.fullmatch(f.pattern, text):
        raise FieldError("form.identity_number" if f.pattern == IDENTITY_NUMBER else "form.bad_format",
                         f"không đúng định dạng (does not match {f.pattern})", label=f.label)
    return text
