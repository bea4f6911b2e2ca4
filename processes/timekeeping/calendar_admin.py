"""The administrators' calendar table: extra days off and make-up working days that win over the
`holidays` package (the government sets Tết and the swapped days each year; docs/time.md rule 3).

A date is either a day off or a working day, never both: adding the other kind for a listed date is
refused (remove the entry first). Dates outside 2000–2100 are refused. Each change is audited and
the calendar cache of this process is dropped at once (other processes see it within
`CALENDAR_TTL_SECONDS`). Appointments already given keep their date; new computations use the change.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.exc import IntegrityError

from adapters.bootstrap import Services
from engine.calendar import CalendarError, WorkCalendar
from models import CalendarOverride
from processes import audit
from processes.access import acting_user, may_edit_calendar
from processes.errors import Conflict, Forbidden, Invalid, NotFound
from processes.texts import N_
from processes.uow import UnitOfWork

KINDS = {"day_off": N_("ngày nghỉ"), "working_day": N_("ngày làm việc bù")}
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_NOTE = 300
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(value: object, field: str = "day") -> date:
    """A calendar date `YYYY-MM-DD` from 2000 to 2100, or Invalid naming the field."""
    if isinstance(value, date):
        day = value
    else:
        text = value.strip() if isinstance(value, str) else ""
        try:
            if not _ISO_DAY.match(text):
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            raise Invalid({field: f"'{value}' không phải ngày dạng YYYY-MM-DD (not a date YYYY-MM-DD)"}) \
                from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid({field: f"{day.isoformat()}: năm phải trong khoảng {FIRST_YEAR}–{LAST_YEAR} "
                              f"(the year must be from {FIRST_YEAR} to {LAST_YEAR})"})
    return day


def list_overrides(services: Services, username: str, year: int | None = None) -> list[dict[str, Any]]:
    """Every entry (of one year, if given), by date, with what the calendar says without it."""
    with UnitOfWork(services.session_factory) as uow:
        _editor(uow.session, username)
        query = sa.select(CalendarOverride).order_by(CalendarOverride.day)
        if year is not None:
            query = query.where(CalendarOverride.day >= date(year, 1, 1),
                                CalendarOverride.day <= date(year, 12, 31))
        base = _base_calendar(services)
        return [_row(r, base) for r in uow.session.scalars(query)]


def add_override(services: Services, username: str, day: object, kind: object,
                 note: object = "") -> dict[str, Any]:
    """List a date as an extra day off or a make-up working day; refuse contradictions and duplicates."""
    errors: dict[str, str] = {}
    try:
        parsed = parse_day(day)
    except Invalid as exc:
        errors.update(exc.fields)
    if not isinstance(kind, str) or kind not in KINDS:
        errors["kind"] = f"phải là một trong {sorted(KINDS)} (must be day_off or working_day)"
    text = note.strip() if isinstance(note, str) else ""
    if note not in (None, "") and not isinstance(note, str):
        errors["note"] = "phải là chuỗi (must be text)"
    elif len(text) > MAX_NOTE:
        errors["note"] = f"tối đa {MAX_NOTE} ký tự (at most {MAX_NOTE} characters)"
    if errors:
        raise Invalid(errors)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = _editor(s, username)
        existing = s.get(CalendarOverride, parsed)
        if existing is not None:
            raise Conflict(_contradiction(parsed, existing.kind, str(kind)))
        rows = s.scalars(sa.select(CalendarOverride)).all()
        try:
            WorkCalendar.from_config(services.config["calendar"],
                                     extra_days_off=[r.day for r in rows if r.kind == "day_off"] +
                                     ([parsed] if kind == "day_off" else []),
                                     makeup_working_days=[r.day for r in rows if r.kind == "working_day"] +
                                     ([parsed] if kind == "working_day" else []))
        except CalendarError as exc:
            raise Invalid({"day": str(exc)}) from None
        row = CalendarOverride(day=parsed, kind=str(kind), note=text)
        s.add(row)
        audit.append(s, at=services.clock.now(), actor=user.username, kind="calendar_changed",
                     detail={"action": "added", "day": parsed.isoformat(), "kind": kind, "note": text})
        try:
            uow.commit()
        except IntegrityError:  # another administrator listed the same date a moment ago
            raise Conflict(f"{parsed.isoformat()} vừa được người khác thêm vào lịch (listed meanwhile)") \
                from None
        result = _row(row, _base_calendar(services))
    services.forget_calendar()
    return result


def remove_override(services: Services, username: str, day: object) -> dict[str, Any]:
    """Remove the entry of a date; the package's answer (holiday, weekend, swap) applies again."""
    parsed = parse_day(day)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = _editor(s, username)
        row = s.get(CalendarOverride, parsed)
        if row is None:
            raise NotFound(f"{parsed.isoformat()} không có trong bảng lịch (the date is not listed)")
        result = _row(row, _base_calendar(services))
        s.delete(row)
        audit.append(s, at=services.clock.now(), actor=user.username, kind="calendar_changed",
                     detail={"action": "removed", "day": parsed.isoformat(), "kind": row.kind,
                             "note": row.note})
        uow.commit()
    services.forget_calendar()
    return result


def _editor(s: so.Session, username: str) -> Any:
    user = acting_user(s, username)
    if not may_edit_calendar(user):
        raise Forbidden("Chỉ quản trị viên được sửa lịch làm việc (only administrators edit the calendar)")
    return user


def _contradiction(day: date, listed: str, wanted: str) -> str:
    if listed == wanted:
        return f"{day.isoformat()} đã có trong bảng là {KINDS[listed]} (already listed as {listed})"
    return (f"{day.isoformat()} đã được ghi là {KINDS[listed]} ({listed}); "
            f"một ngày không thể vừa là ngày nghỉ vừa là ngày làm việc bù — hãy xóa mục cũ trước "
            f"(a date cannot be both a day off and a make-up working day; remove the entry first)")


def _base_calendar(services: Services) -> WorkCalendar:
    """The calendar without the administrators' table: weekends, the package's holidays and swaps."""
    return WorkCalendar.from_config(services.config["calendar"])


def _row(row: CalendarOverride, base: WorkCalendar) -> dict[str, Any]:
    default = "working_day" if base.is_working_day(row.day) else "day_off"
    return {"day": row.day.isoformat(), "kind": row.kind, "note": row.note, "without_entry": default,
            "changes_calendar": default != row.kind}
