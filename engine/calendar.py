"""Vietnamese working calendar: office periods, public holidays, swapped days, statutory due instants.

Pure: no database, no clock. Every answer depends only on the arguments, the configuration and the
``holidays`` package (looked up once per year and cached on the instance).
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
DEFAULT_SAME_DAY_CUTOFF = time(15, 0)
MAX_WORKING_HOURS = 20_000  # about ten years of working hours; a longer duration is a mistake
MAX_SPAN = timedelta(days=366 * 30)  # longest calendar span working_hours_between will measure

_MICROS_PER_HOUR = 3_600_000_000
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")

Amount = int | float | Decimal


class CalendarError(ValueError):
    """A calendar that cannot be built, or a question it refuses to answer."""


def _parse_time(text: object, what: str) -> time:
    """``"HH:MM"`` to a time of day."""
    match = _HHMM.match(text) if isinstance(text, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise CalendarError(f"{what} {text!r} is not a time of day HH:MM")
    return time(int(match[1]), int(match[2]))


def _parse_period(text: object) -> tuple[time, time]:
    """``"HH:MM-HH:MM"`` to a (start, end) pair."""
    parts = text.split("-") if isinstance(text, str) else []
    if len(parts) != 2:
        raise CalendarError(f"office period {text!r} is not of the form HH:MM-HH:MM")
    try:
        return _parse_time(parts[0], "start"), _parse_time(parts[1], "end")
    except CalendarError:
        raise CalendarError(f"office period {text!r} is not of the form HH:MM-HH:MM") from None


def _check_periods(
    periods: Sequence[tuple[time, time]], labels: Sequence[str] | None = None
) -> tuple[tuple[time, time], ...]:
    """Validate office periods (each non-empty, none overlapping); return them sorted by start."""
    if not periods:
        raise CalendarError("at least one office period is needed")
    for pair in periods:
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(t, time) for t in pair)):
            raise CalendarError(f"office period {pair!r} is not a (start time, end time) pair")
        if pair[0].tzinfo is not None or pair[1].tzinfo is not None:
            raise CalendarError(f"office period {pair!r} must use local wall-clock times without tzinfo")
    names = list(labels) if labels is not None else [f"{s:%H:%M}-{e:%H:%M}" for s, e in periods]
    for (start, end), name in zip(periods, names, strict=True):
        if end <= start:
            raise CalendarError(f"office period {name!r} must end after it starts")
    order = sorted(range(len(periods)), key=lambda i: periods[i][0])
    for before, after in itertools.pairwise(order):
        if periods[after][0] < periods[before][1]:
            raise CalendarError(f"office period {names[after]!r} overlaps {names[before]!r}")
    return tuple(periods[i] for i in order)


def _dates(items: Iterable[date], what: str) -> frozenset[date]:
    """A set of plain dates; datetimes and other values are refused."""
    result = set()
    for item in items:
        if isinstance(item, datetime) or not isinstance(item, date):
            raise CalendarError(f"{what} must hold dates, not {item!r}")
        result.add(item)
    return frozenset(result)


def _aware(value: object, name: str) -> datetime:
    """The value as a UTC datetime; naive datetimes and non-datetimes are refused."""
    if not isinstance(value, datetime):
        raise CalendarError(f"{name} must be a datetime, not {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise CalendarError(f"{name} {value.isoformat()} is naive; pass a timezone-aware datetime")
    return value.astimezone(UTC)


class WorkCalendar:
    """Office periods on working days, in one timezone; answers working-time questions."""

    def __init__(
        self,
        *,
        timezone: str = DEFAULT_TIMEZONE,
        periods: Sequence[tuple[time, time]] = DEFAULT_PERIODS,
        same_day_cutoff: time = DEFAULT_SAME_DAY_CUTOFF,
        extra_days_off: Iterable[date] = (),
        makeup_working_days: Iterable[date] = (),
    ) -> None:
        try:
            self._tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise CalendarError(f"unknown timezone {timezone!r}") from None
        self._periods = _check_periods(periods)
        if not isinstance(same_day_cutoff, time) or same_day_cutoff.tzinfo is not None:
            raise CalendarError(f"same_day_cutoff {same_day_cutoff!r} must be a time of day without tzinfo")
        self._cutoff = same_day_cutoff
        self._days_off = _dates(extra_days_off, "extra_days_off")
        self._makeup = _dates(makeup_working_days, "makeup_working_days")
        both = sorted(self._days_off & self._makeup)
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise CalendarError(f"{listed}: listed both as an extra day off and as a make-up working day")
        day = date(2000, 1, 1)
        self._day_length = sum(
            (datetime.combine(day, end) - datetime.combine(day, start) for start, end in self._periods),
            timedelta(0),
        )
        self._years: dict[int, tuple[frozenset[date], frozenset[date]]] = {}

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, object],
        *,
        extra_days_off: Iterable[date] = (),
        makeup_working_days: Iterable[date] = (),
    ) -> WorkCalendar:
        """Build from ``{"timezone": ..., "periods": ["07:30-11:30", ...], "same_day_cutoff": "15:00"}``."""
        unknown = sorted(set(config) - {"timezone", "periods", "same_day_cutoff"})
        if unknown:
            raise CalendarError(f"unknown calendar setting(s): {', '.join(map(repr, unknown))}")
        timezone = config.get("timezone", DEFAULT_TIMEZONE)
        if not isinstance(timezone, str):
            raise CalendarError(f"unknown timezone {timezone!r}")
        raw = config.get("periods", ["07:30-11:30", "13:00-17:00"])
        if isinstance(raw, str) or not isinstance(raw, Sequence):
            raise CalendarError(f"periods must be a list of 'HH:MM-HH:MM' strings, not {raw!r}")
        periods = [_parse_period(text) for text in raw]
        periods = list(_check_periods(periods, [str(text) for text in raw]))
        cutoff = _parse_time(config.get("same_day_cutoff", "15:00"), "same_day_cutoff")
        return cls(
            timezone=timezone,
            periods=periods,
            same_day_cutoff=cutoff,
            extra_days_off=extra_days_off,
            makeup_working_days=makeup_working_days,
        )

    @property
    def timezone(self) -> ZoneInfo:
        """The timezone of office hours and of every answer."""
        return self._tz

    @property
    def hours_per_day(self) -> float:
        """Working hours in one working day (8 by default)."""
        return self._day_length / timedelta(hours=1)

    def is_working_day(self, day: date) -> bool:
        """Administrator table first, then the package's swaps and holidays, then Monday to Friday."""
        if isinstance(day, datetime) or not isinstance(day, date):
            raise CalendarError(f"is_working_day takes a date, not {day!r}")
        if day in self._makeup:
            return True
        if day in self._days_off:
            return False
        public_holidays, swapped_workdays = self._package_days(day.year)
        if day in public_holidays:
            return False
        return day in swapped_workdays or day.weekday() < 5

    def next_working_instant(self, dt: datetime) -> datetime:
        """dt itself if inside office hours, else the start of the next working period."""
        return self._add(_aware(dt, "dt"), timedelta(0))

    def add_working_hours(self, start: datetime, hours: Amount) -> datetime:
        """Walk forward through office periods only; a walk may end exactly at a period end."""
        return self._add(_aware(start, "start"), self._duration(hours, timedelta(hours=1), "working hours"))

    def add_working_days(self, start: datetime, days: Amount) -> datetime:
        """N working days are N times the working hours of a day (half a day = 4 hours by default)."""
        return self._add(_aware(start, "start"), self._duration(days, self._day_length, "working days"))

    def subtract_working_hours(self, end: datetime, hours: Amount) -> datetime:
        """The latest instant with exactly `hours` of working time between it and `end` (a walk
        backwards through office periods; a walk that ends exactly at a period start stays there)."""
        return self._back(_aware(end, "end"), self._duration(hours, timedelta(hours=1), "working hours"))

    def subtract_working_days(self, end: datetime, days: Amount) -> datetime:
        """`days` working days before `end` (e.g. when to warn before a statutory due instant)."""
        return self._back(_aware(end, "end"), self._duration(days, self._day_length, "working days"))

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        """Working hours elapsed from a to b (0 if b <= a)."""
        return self._between(_aware(a, "a"), _aware(b, "b")) / timedelta(hours=1)

    def processing_start(self, accepted_at: datetime, same_day: bool) -> datetime:
        """The instant the statutory clock starts for a dossier accepted at accepted_at."""
        local = _aware(accepted_at, "accepted_at").astimezone(self._tz)
        if same_day and self.is_working_day(local.date()) and local.time() > self._cutoff:
            day = local.date() + timedelta(days=1)
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return datetime.combine(day, self._periods[0][0], self._tz)
        return self.next_working_instant(local)

    def due(self, accepted_at: datetime, working_days: Amount, same_day: bool = False) -> datetime:
        """The appointment instant for a procedure with the given statutory working days."""
        length = self._duration(working_days, self._day_length, "working days")
        if same_day or length == timedelta(0):
            start = self.processing_start(accepted_at, same_day=True)
            return datetime.combine(start.date(), self._periods[-1][1], self._tz)
        return self._add(_aware(self.processing_start(accepted_at, same_day=False), "start"), length)

    def resume_due(self, original_due: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
        """Move the due instant forward by the working time that passed while the dossier was paused."""
        due_at = _aware(original_due, "original_due")
        paused, resumed = _aware(paused_at, "paused_at"), _aware(resumed_at, "resumed_at")
        if resumed < paused:
            raise CalendarError(
                f"resumed_at {resumed_at.isoformat()} is before paused_at {paused_at.isoformat()}"
            )
        lost = self._between(paused, resumed)
        if lost == timedelta(0):
            return due_at.astimezone(self._tz)
        return self._add(due_at, lost)

    def _package_days(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        """(public holidays, swapped weekend working days) of one year, per the holidays package."""
        cached = self._years.get(year)
        if cached is None:
            vn = holidays.country_holidays("VN", years=year)  # the same as holidays.VN(years=year)
            swapped = frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year)
            cached = (frozenset(vn.keys()), swapped)
            self._years[year] = cached
        return cached

    def _duration(self, amount: object, unit: timedelta, what: str) -> timedelta:
        """amount times unit as an exact timedelta; negative, NaN, infinite or absurd amounts are refused."""
        if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal)):
            raise CalendarError(f"{what} must be a number, not {amount!r}")
        value = Decimal(amount)  # exact for int and float
        if value.is_nan() or value.is_infinite() or value < 0:
            raise CalendarError(f"{what} must be a finite number of at least 0, not {amount!r}")
        unit_micros = unit // timedelta(microseconds=1)
        if value > Decimal(MAX_WORKING_HOURS * _MICROS_PER_HOUR) / unit_micros:
            raise CalendarError(
                f"{what} {amount!r} exceed {MAX_WORKING_HOURS} working hours (about ten years); refused"
            )
        return timedelta(microseconds=int((value * unit_micros).to_integral_value(ROUND_HALF_EVEN)))

    def _periods_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods (UTC start, UTC end) that end after instant, in order, without end."""
        day = instant.astimezone(self._tz).date()
        while True:
            if self.is_working_day(day):
                for start, end in self._periods:
                    period_end = datetime.combine(day, end, self._tz).astimezone(UTC)
                    if period_end > instant:
                        yield datetime.combine(day, start, self._tz).astimezone(UTC), period_end
            try:
                day += timedelta(days=1)
            except OverflowError:
                raise CalendarError("the walk ran past the last date the calendar can represent") from None

    def _periods_before(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods (UTC start, UTC end) that start before instant, latest first, without end."""
        day = instant.astimezone(self._tz).date()
        while True:
            if self.is_working_day(day):
                for start, end in reversed(self._periods):
                    period_start = datetime.combine(day, start, self._tz).astimezone(UTC)
                    if period_start < instant:
                        yield period_start, datetime.combine(day, end, self._tz).astimezone(UTC)
            try:
                day -= timedelta(days=1)
            except OverflowError:
                raise CalendarError("the walk ran past the first date the calendar can represent") from None

    def _back(self, end: datetime, length: timedelta) -> datetime:
        """Walk length of working time backwards from end (UTC); the answer is in local time."""
        remaining = length
        for period_start, period_end in self._periods_before(end):
            finish = min(period_end, end)
            if remaining <= finish - period_start:
                return (finish - remaining).astimezone(self._tz)
            remaining -= finish - period_start
        raise AssertionError("unreachable: working periods never run out")

    def _add(self, start: datetime, length: timedelta) -> datetime:
        """Walk length of working time forward from start (UTC); the answer is in local time."""
        remaining = length
        for period_start, period_end in self._periods_from(start):
            begin = max(period_start, start)
            if remaining <= period_end - begin:
                return (begin + remaining).astimezone(self._tz)
            remaining -= period_end - begin
        raise AssertionError("unreachable: working periods never run out")

    def _between(self, a: datetime, b: datetime) -> timedelta:
        """Working time inside [a, b], both UTC."""
        if b <= a:
            return timedelta(0)
        if b - a > MAX_SPAN:
            raise CalendarError(f"refusing to measure working time over more than {MAX_SPAN.days} days")
        total = timedelta(0)
        for period_start, period_end in self._periods_from(a):
            if period_start >= b:
                break
            total += min(period_end, b) - max(period_start, a)
        return total
