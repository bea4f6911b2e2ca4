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
from sqlalchemy.exc import IntegrityError

from adapters.bootstrap import Services
from engine.calendar import CalendarError, WorkCalendar
from models import CalendarOverride
from processes import audit
from processes.access import authorise, may_edit_calendar
from processes.errors import Conflict, Invalid, NotFound, Reason, collect
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
            raise Invalid("calendar.day_invalid", field, value=str(value)[:40]) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid("calendar.day_out_of_range", field, day=day.isoformat(), first=FIRST_YEAR,
                      last=LAST_YEAR)
    return day


def list_overrides(services: Services, username: str, year: int | None = None) -> list[dict[str, Any]]:
    """Every entry (of one year, if given), by date, with what the calendar says without it."""
    with UnitOfWork(services.session_factory) as uow:
        authorise(uow.session, username, may_edit_calendar)
        query = sa.select(CalendarOverride).order_by(CalendarOverride.day)
        if year is not None:
            query = query.where(CalendarOverride.day >= date(year, 1, 1),
                                CalendarOverride.day <= date(year, 12, 31))
        base = _base_calendar(services)
        return [_row(r, base) for r in uow.session.scalars(query)]


def add_override(services: Services, username: str, day: object, kind: object,
                 note: object = "") -> dict[str, Any]:
    """List a date as an extra day off or a make-up working day; refuse contradictions and duplicates."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_edit_calendar)  # the right first: a stranger learns nothing
        reasons: list[Reason] = []
        try:
            parsed = parse_day(day)
        except Invalid as exc:
            reasons.extend(exc.reasons)
        if not isinstance(kind, str) or kind not in KINDS:
            reasons.append(Reason("calendar.kind_invalid", "kind"))
        text = note.strip() if isinstance(note, str) else ""
        if note not in (None, "") and not isinstance(note, str):
            reasons.append(Reason("must_be_text", "note"))
        elif len(text) > MAX_NOTE:
            reasons.append(Reason("calendar.note_too_long", "note", {"max": MAX_NOTE}))
        collect(reasons)
        existing = s.get(CalendarOverride, parsed)
        if existing is not None:
            raise Conflict("calendar.already_listed" if existing.kind == kind else "calendar.contradiction",
                           "day", day=parsed.isoformat())
        rows = s.scalars(sa.select(CalendarOverride)).all()
        try:
            WorkCalendar.from_config(services.config["calendar"],
                                     extra_days_off=[r.day for r in rows if r.kind == "day_off"] +
                                     ([parsed] if kind == "day_off" else []),
                                     makeup_working_days=[r.day for r in rows if r.kind == "working_day"] +
                                     ([parsed] if kind == "working_day" else []))
        except CalendarError:
            raise Invalid("calendar.not_accepted", "day", day=parsed.isoformat()) from None
        row = CalendarOverride(day=parsed, kind=str(kind), note=text)
        s.add(row)
        audit.append(s, at=services.clock.now(), actor=user.username, kind="calendar_changed",
                     detail={"action": "added", "day": parsed.isoformat(), "kind": kind, "note": text})
        try:
            uow.commit()
        except IntegrityError:  # another administrator listed the same date a moment ago
            raise Conflict("calendar.listed_meanwhile", "day", day=parsed.isoformat()) from None
        result = _row(row, _base_calendar(services))
    services.forget_calendar()
    return result


def remove_override(services: Services, username: str, day: object) -> dict[str, Any]:
    """Remove the entry of a date; the package's answer (holiday, weekend, swap) applies again."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_edit_calendar)
        parsed = parse_day(day)
        row = s.get(CalendarOverride, parsed)
        if row is None:
            raise NotFound("calendar.not_listed", "day", day=parsed.isoformat())
        result = _row(row, _base_calendar(services))
        s.delete(row)
        audit.append(s, at=services.clock.now(), actor=user.username, kind="calendar_changed",
                     detail={"action": "removed", "day": parsed.isoformat(), "kind": row.kind,
                             "note": row.note})
        uow.commit()
    services.forget_calendar()
    return result


def _base_calendar(services: Services) -> WorkCalendar:
    """The calendar without the administrators' table: weekends, the package's holidays and swaps."""
    return WorkCalendar.from_config(services.config["calendar"])


def _row(row: CalendarOverride, base: WorkCalendar) -> dict[str, Any]:
    default = "working_day" if base.is_working_day(row.day) else "day_off"
    return {"day": row.day.isoformat(), "kind": row.kind, "note": row.note, "without_entry": default,
            "changes_calendar": default != row.kind}
