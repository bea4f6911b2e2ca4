"""The one vocabulary of refusals: what a use case says when it says no.

A refusal names *what* is wrong with a stable `code` (``"dossier.declaration_required"``), *where*
with the `field` (a form field, a document key, a diagram element) and the `params` a message needs
(``max_mb=10``). It never carries prose: `web/refusals.py` turns each code into a translated sentence
a citizen can act on, and `web/errors.py` turns each kind into one HTTP status, for the API and the
pages alike. The CLI prints the same sentences.

The kind of refusal is its class:

| class          | means                                              | HTTP |
|----------------|----------------------------------------------------|------|
| `Malformed`    | the request itself cannot be read                  | 400  |
| `Forbidden`    | the caller lacks the right                         | 403  |
| `NotFound`     | no such thing (or not the caller's to see)         | 404  |
| `Conflict`     | the state changed or forbids it now                | 409  |
| `TooLarge`     | a file or body over its limit                      | 413  |
| `Invalid`      | input that breaks a rule (one reason per field)    | 422  |
| `Unprocessable`| the workflow could not advance; nothing was saved  | 422  |
| `Throttled`    | too many attempts; try again later                 | 429  |
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reason:
    """One thing that is wrong: a stable code, what it is about, and the values its message needs."""

    code: str
    field: str | None = None
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class Refused(Exception):
    """Base of every refusal. `reasons` holds one or more `Reason`s (a form can break several rules)."""

    kind = "refused"

    def __init__(self, code: str, field: str | None = None, /, **params: Any):
        self.reasons: tuple[Reason, ...] = (Reason(code, field, params),)
        super().__init__(code)

    @classmethod
    def many(cls, reasons: Iterable[Reason]) -> Refused:
        """One refusal for several reasons at once (every bad field of a form, not just the first)."""
        listed = tuple(reasons)
        if not listed:
            raise ValueError("a refusal needs at least one reason")
        refusal = cls(listed[0].code, listed[0].field, **dict(listed[0].params))
        refusal.reasons = listed
        return refusal

    @property
    def code(self) -> str:
        return self.reasons[0].code

    @property
    def field(self) -> str | None:
        return self.reasons[0].field

    @property
    def params(self) -> Mapping[str, Any]:
        return self.reasons[0].params

    @property
    def fields(self) -> dict[str, Reason]:
        """The reasons about a field, by field (the first reason per field wins)."""
        found: dict[str, Reason] = {}
        for reason in self.reasons:
            if reason.field is not None:
                found.setdefault(reason.field, reason)
        return found

    def __str__(self) -> str:  # for logs and test failures; people read web/refusals.py's sentences
        return "; ".join(f"{r.code}" + (f"[{r.field}]" if r.field else "")
                         + (f"{dict(r.params)}" if r.params else "") for r in self.reasons)


class Malformed(Refused):
    kind = "malformed"


class Forbidden(Refused):
    kind = "forbidden"


class NotFound(Refused):
    kind = "not_found"


class Conflict(Refused):
    kind = "conflict"


class TooLarge(Refused):
    kind = "too_large"


class Invalid(Refused):
    kind = "invalid"


class Unprocessable(Refused):
    kind = "unprocessable"


class Throttled(Refused):
    """Too many attempts; `retry_after` seconds until the next one is counted."""

    kind = "throttled"

    def __init__(self, code: str, field: str | None = None, /, *, retry_after: int = 60, **params: Any):
        super().__init__(code, field, retry_after=retry_after, **params)
        self.retry_after = retry_after


def collect(reasons: list[Reason], kind: type[Refused] = Invalid) -> None:
    """Raise one refusal of `kind` for every reason gathered, or nothing when the list is empty."""
    if reasons:
        raise kind.many(reasons)


def form_refusal(codes: Mapping[str, tuple[str, Mapping[str, Any]]], prefix: str) -> Invalid:
    """Every field a form refused (engine.forms' `FormErrors.codes`), as one refusal:
    `<prefix><field id>` with its code and parameters."""
    refusal = Invalid.many([Reason(code, f"{prefix}{name}", params) for name, (code, params) in codes.items()])
    assert isinstance(refusal, Invalid)
    return refusal
