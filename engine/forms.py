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
    minimum: int | None = None  # whole numbers only: the smallest and largest value accepted
    maximum: int | None = None
    latest: date | None = None  # dates only: the latest day accepted (a birth date is not in the future)

    def as_dict(self) -> dict[str, Any]:
        found = {"id": self.id, "label": self.label, "type": self.type, "required": self.required,
                 "options": [{"id": o.id, "label": o.label} for o in self.options]}
        if self.minimum is not None:
            found["min"] = self.minimum
        if self.maximum is not None:
            found["max"] = self.maximum
        if self.latest is not None:
            found["max"] = self.latest.isoformat()
        return found


@dataclass
class FormErrors(Exception):
    """Field id -> what is wrong with it, as a stable code and its parameters (`required`,
    `form.not_an_option`…) that processes/ turn into refusals and web/ into sentences."""

    codes: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def errors(self) -> dict[str, str]:
        """Field id -> code (for logs and tests)."""
        return {name: code for name, (code, _params) in self.codes.items()}

    def __str__(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.errors.items())


def clean_form(fields: Iterable[FormField], data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the values converted to their types, or raise FormErrors naming every bad field.

    Unknown keys are refused: a form accepts only the fields it declares."""
    fields = list(fields)
    known = {f.id for f in fields}
    codes: dict[str, tuple[str, dict[str, Any]]] = {k: ("form.unknown_field", {}) for k in data if k not in known}
    cleaned: dict[str, Any] = {}
    for f in fields:
        raw = data.get(f.id)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if f.required:
                codes[f.id] = ("required", {})
            continue
        try:
            cleaned[f.id] = _convert(f, raw)
        except FieldError as exc:
            codes[f.id] = (exc.code, exc.params)
    if codes:
        raise FormErrors(codes)
    return cleaned


class FieldError(ValueError):
    """One value a field refuses: its code and parameters."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
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
        raise FieldError("form.not_boolean")
    if f.type == "long":
        if isinstance(raw, bool):
            raise FieldError("form.not_integer")
        text = str(raw).strip()
        if len(text) > 30:  # longer than any bound a form may declare: not worth converting
            raise FieldError("form.not_integer")
        try:
            number = int(text)
        except ValueError:
            raise FieldError("form.not_integer") from None
        if f.minimum is not None and number < f.minimum:
            raise FieldError("form.below_minimum", min=f.minimum)
        if f.maximum is not None and number > f.maximum:
            raise FieldError("form.above_maximum", max=f.maximum)
        return number
    if f.type == "date":
        try:
            day = date.fromisoformat(str(raw).strip())
        except ValueError:
            raise FieldError("form.not_date") from None
        if f.latest is not None and day > f.latest:
            raise FieldError("form.date_in_future", latest=f"{f.latest:%d/%m/%Y}")
        return day.isoformat()
    if f.type == "enum":
        ids = [o.id for o in f.options]
        if str(raw) not in ids:
            raise FieldError("form.not_an_option", options=", ".join(o.label for o in f.options))
        return str(raw)
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise FieldError("form.not_text")
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise FieldError("form.too_long", max=MAX_TEXT)
    if f.type == "email" and not _EMAIL.match(text):
        raise FieldError("form.not_email")
    if f.type == "phone" and not _PHONE.match(text):
        raise FieldError("form.not_phone")
    if f.pattern and not re.fullmatch(f.pattern, text):
        raise FieldError("form.identity_number" if f.pattern == IDENTITY_NUMBER else "form.bad_format",
                         label=f.label)
    return text
