"""The Vietnamese working calendar (R8.1 statutory time, R14.4 half a working day), checked by hand."""
from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar import DEFAULT_PERIODS, CalendarError, WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Hanoi wall-clock instant."""
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def in_office_or_at_period_end(cal: WorkCalendar, instant: datetime) -> bool:
    """Inside an office period of a working day, or exactly at a period's end."""
    local = instant.astimezone(VN)
    if not cal.is_working_day(local.date()):
        return False
    return any(start <= local.time() <= end for start, end in DEFAULT_PERIODS)


# --- office hours and weekends ---------------------------------------------------------------


def test_default_day_is_two_periods_of_eight_working_hours() -> None:
    assert CAL.hours_per_day == 8.0
    assert CAL.timezone == VN


def test_saturday_and_sunday_are_not_working_days() -> None:
    assert CAL.is_working_day(date(2026, 3, 6))  # Friday
    assert not CAL.is_working_day(date(2026, 3, 7))
    assert not CAL.is_working_day(date(2026, 3, 8))


def test_walk_ending_at_period_end_stays_at_17_00() -> None:
    assert CAL.add_working_hours(at(2026, 3, 2, 13), 4) == at(2026, 3, 2, 17)
    assert CAL.add_working_hours(at(2026, 3, 2, 7, 30), 8) == at(2026, 3, 2, 17)
    assert CAL.add_working_days(at(2026, 3, 2, 7, 30), 1) == at(2026, 3, 2, 17)


def test_walk_ending_at_morning_end_stays_at_11_30() -> None:
    assert CAL.add_working_hours(at(2026, 3, 2, 9, 30), 2) == at(2026, 3, 2, 11, 30)


def test_walk_skips_the_lunch_break() -> None:
    assert CAL.add_working_hours(at(2026, 3, 2, 11), 1) == at(2026, 3, 2, 13, 30)


def test_walk_past_17_00_continues_next_working_morning() -> None:
    assert CAL.add_working_hours(at(2026, 3, 2, 16), 2) == at(2026, 3, 3, 8, 30)
    assert CAL.add_working_hours(at(2026, 3, 6, 16), 2) == at(2026, 3, 9, 8, 30)  # Friday to Monday


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 3, 2, 6), at(2026, 3, 2, 8, 30)),  # before opening
        (at(2026, 3, 2, 12), at(2026, 3, 2, 14)),  # lunch break
        (at(2026, 3, 2, 18), at(2026, 3, 3, 8, 30)),  # evening
        (at(2026, 3, 7, 10), at(2026, 3, 9, 8, 30)),  # Saturday
    ],
)
def test_start_outside_office_hours_begins_at_next_period(start: datetime, expected: datetime) -> None:
    assert CAL.add_working_hours(start, 1) == expected


def test_zero_hours_outside_office_hours_is_the_start_of_next_period() -> None:
    assert CAL.add_working_hours(at(2026, 3, 2, 12), 0) == at(2026, 3, 2, 13)
    assert CAL.add_working_hours(at(2026, 3, 6, 17), 0) == at(2026, 3, 9, 7, 30)  # 17:00 is already closed


def test_zero_hours_inside_office_hours_is_the_start_itself() -> None:
    assert CAL.add_working_hours(at(2026, 3, 2, 9, 15), 0) == at(2026, 3, 2, 9, 15)


def test_next_working_instant_inside_office_hours_is_itself() -> None:
    assert CAL.next_working_instant(at(2026, 3, 2, 7, 30)) == at(2026, 3, 2, 7, 30)
    assert CAL.next_working_instant(at(2026, 3, 2, 16, 59)) == at(2026, 3, 2, 16, 59)


def test_due_instant_outside_office_hours_moves_to_start_of_next_working_period() -> None:
    assert CAL.next_working_instant(at(2026, 3, 2, 11, 45)) == at(2026, 3, 2, 13)
    assert CAL.next_working_instant(at(2026, 3, 6, 17, 30)) == at(2026, 3, 9, 7, 30)


def test_answers_are_in_the_calendar_timezone() -> None:
    result = CAL.add_working_hours(datetime(2026, 3, 2, 1, 0, tzinfo=UTC), 1)  # 08:00 in Hanoi
    assert result == at(2026, 3, 2, 9)
    assert result.tzinfo == VN


def test_naive_datetime_refused() -> None:
    with pytest.raises(CalendarError, match="naive"):
        CAL.add_working_hours(datetime(2026, 3, 2, 9), 1)


# --- Vietnamese public holidays and swapped days (holidays package) ----------------------------


def test_tet_2026_is_skipped() -> None:
    for day in range(16, 21):
        assert not CAL.is_working_day(date(2026, 2, day))
    # Friday 10:00 + 24 h: 5.5 h on Friday, Tết and two weekends, 8 h + 8 h, then 2.5 h on Wednesday.
    assert CAL.add_working_days(at(2026, 2, 13, 10), 3) == at(2026, 2, 25, 10)


def test_tet_2025_is_skipped() -> None:
    for day in range(27, 32):
        assert not CAL.is_working_day(date(2025, 1, day))
    # Friday 16:00: 1 h that day, Tết, then 7 h from Monday 3 February.
    assert CAL.add_working_days(at(2025, 1, 24, 16), 1) == at(2025, 2, 3, 16)


def test_swapped_saturday_2026_08_22_is_a_working_day() -> None:
    assert CAL.is_working_day(date(2026, 8, 22))
    assert CAL.add_working_days(at(2026, 8, 21, 9), 1) == at(2026, 8, 22, 9)


def test_swapped_saturday_2025_04_26_is_a_working_day() -> None:
    assert CAL.is_working_day(date(2025, 4, 26))
    assert not CAL.is_working_day(date(2025, 5, 2))  # the day off it pays for


def test_substituted_monday_2026_08_31_and_national_day_are_skipped() -> None:
    assert not CAL.is_working_day(date(2026, 8, 31))
    assert not CAL.is_working_day(date(2026, 9, 1))
    assert not CAL.is_working_day(date(2026, 9, 2))
    # Friday 28 Aug 13:00: 4 h that day; the weekend, 31 Aug, 1 and 2 Sep off; 4 h on Thursday 3 Sep.
    assert CAL.add_working_days(at(2026, 8, 28, 13), 1) == at(2026, 9, 3, 11, 30)


def test_deadline_crossing_a_holiday() -> None:
    # Tuesday 29 Apr 2025 14:00: 3 h, then 30 Apr, 1 May, 2 May and a weekend off, 8 h Monday, 5 h Tuesday.
    assert CAL.add_working_days(at(2025, 4, 29, 14), 2) == at(2025, 5, 6, 14)


def test_package_is_asked_once_per_year(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    real = holidays.country_holidays

    def counting(country: str, years: int) -> holidays.HolidayBase:
        asked.append(years)
        return real(country, years=years)

    monkeypatch.setattr(holidays, "country_holidays", counting)
    cal = WorkCalendar()
    for offset in range(365 * 2):
        cal.is_working_day(date(2025, 1, 1) + timedelta(days=offset))
    assert asked == [2025, 2026]


# --- the administrator's table wins over the package ------------------------------------------


def test_extra_day_off_wins_over_package() -> None:
    cal = WorkCalendar(extra_days_off=[date(2026, 8, 22), date(2026, 3, 2)])
    assert not cal.is_working_day(date(2026, 8, 22))  # the package's swapped Saturday
    assert not cal.is_working_day(date(2026, 3, 2))  # an ordinary Monday
    assert cal.add_working_days(at(2026, 2, 27, 9), 1) == at(2026, 3, 3, 9)


def test_makeup_day_wins() -> None:
    cal = WorkCalendar(makeup_working_days=[date(2026, 3, 7), date(2026, 2, 20)])
    assert cal.is_working_day(date(2026, 3, 7))  # a Saturday
    assert cal.is_working_day(date(2026, 2, 20))  # a Tết day in the package
    assert cal.add_working_days(at(2026, 3, 6, 9), 1) == at(2026, 3, 7, 9)


def test_contradicting_entries_refused() -> None:
    with pytest.raises(CalendarError, match="2026-03-07"):
        WorkCalendar(extra_days_off=[date(2026, 3, 7)], makeup_working_days=[date(2026, 3, 7)])


def test_datetimes_in_the_table_refused() -> None:
    with pytest.raises(CalendarError, match="extra_days_off"):
        WorkCalendar(extra_days_off=[datetime(2026, 3, 2, tzinfo=VN)])


# --- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [-1, -0.25, Decimal(-1)])
def test_negative_duration_refused(hours: float | Decimal) -> None:
    with pytest.raises(CalendarError, match="at least 0"):
        CAL.add_working_hours(at(2026, 3, 2, 9), hours)


@pytest.mark.parametrize("hours", [math.nan, math.inf, Decimal("NaN")])
def test_nan_and_infinite_durations_refused(hours: float | Decimal) -> None:
    with pytest.raises(CalendarError, match="finite"):
        CAL.add_working_hours(at(2026, 3, 2, 9), hours)


def test_absurd_duration_refused() -> None:
    with pytest.raises(CalendarError, match="20000 working hours"):
        CAL.add_working_hours(at(2026, 3, 2, 9), 20_001)
    with pytest.raises(CalendarError, match="20000 working hours"):
        CAL.add_working_days(at(2026, 3, 2, 9), 2_501)
    with pytest.raises(CalendarError, match="20000 working hours"):
        CAL.add_working_hours(at(2026, 3, 2, 9), Decimal("1e999999"))


def test_ten_years_of_working_hours_are_still_accepted() -> None:
    assert CAL.add_working_hours(at(2026, 3, 2, 9), 20_000).year in range(2035, 2037)


@pytest.mark.parametrize("hours", ["8", True, None])
def test_non_numeric_duration_refused(hours: object) -> None:
    with pytest.raises(CalendarError, match="must be a number"):
        CAL.add_working_hours(at(2026, 3, 2, 9), hours)  # type: ignore[arg-type]


def test_fractional_hours_as_float_and_decimal() -> None:
    assert CAL.add_working_hours(at(2026, 3, 2, 9), 0.25) == at(2026, 3, 2, 9, 15)
    assert CAL.add_working_hours(at(2026, 3, 2, 9), Decimal("1.5")) == at(2026, 3, 2, 10, 30)


def test_one_working_day_is_eight_working_hours() -> None:
    assert CAL.add_working_days(at(2026, 3, 2, 10), 1) == CAL.add_working_hours(at(2026, 3, 2, 10), 8)
    assert CAL.add_working_days(at(2026, 3, 2, 10), 1) == at(2026, 3, 3, 10)


def test_half_working_day_forward_limit() -> None:
    # R14.4: reception forwards a complete dossier within half a working day (4 working hours).
    assert CAL.add_working_days(at(2026, 3, 2, 10), 0.5) == at(2026, 3, 2, 15, 30)
    assert CAL.add_working_days(at(2026, 3, 2, 15), 0.5) == at(2026, 3, 3, 9, 30)
    assert CAL.add_working_days(at(2026, 3, 6, 15), Decimal("0.5")) == at(2026, 3, 9, 9, 30)


# --- the statutory clock: processing start and due instant ------------------------------------


def test_dossier_accepted_after_three_pm_counts_from_next_morning() -> None:
    assert CAL.processing_start(at(2026, 3, 2, 15, 30), same_day=True) == at(2026, 3, 3, 7, 30)
    assert CAL.due(at(2026, 3, 2, 15, 30), 0) == at(2026, 3, 3, 17)


def test_dossier_accepted_at_three_pm_sharp_is_still_same_day() -> None:
    assert CAL.due(at(2026, 3, 2, 15), 0) == at(2026, 3, 2, 17)


def test_same_day_dossier_accepted_before_three_pm_is_due_at_17_00() -> None:
    assert CAL.due(at(2026, 3, 2, 9), 0) == at(2026, 3, 2, 17)
    assert CAL.due(at(2026, 3, 2, 12), 0) == at(2026, 3, 2, 17)  # accepted during lunch


def test_same_day_flag_overrides_working_days() -> None:
    assert CAL.due(at(2026, 3, 2, 9), 1, same_day=True) == at(2026, 3, 2, 17)


def test_three_pm_rule_applies_only_to_same_day_procedures() -> None:
    assert CAL.processing_start(at(2026, 3, 2, 15, 30), same_day=False) == at(2026, 3, 2, 15, 30)
    assert CAL.due(at(2026, 3, 2, 15, 30), 1) == at(2026, 3, 3, 15, 30)


def test_same_day_dossier_accepted_friday_after_three_pm_before_tet_is_due_after_tet() -> None:
    assert CAL.due(at(2026, 2, 13, 15, 30), 0) == at(2026, 2, 23, 17)


def test_same_day_dossier_accepted_on_saturday_is_due_monday() -> None:
    assert CAL.due(at(2026, 3, 7, 10), 0) == at(2026, 3, 9, 17)


def test_due_counts_working_days_from_acceptance() -> None:
    assert CAL.due(at(2026, 3, 2, 9), 5) == at(2026, 3, 9, 9)


def test_dossier_filed_online_on_saturday_counts_from_monday_morning() -> None:
    assert CAL.processing_start(at(2026, 3, 7, 10), same_day=False) == at(2026, 3, 9, 7, 30)
    assert CAL.due(at(2026, 3, 7, 10), 2) == at(2026, 3, 10, 17)


def test_negative_working_days_refused() -> None:
    with pytest.raises(CalendarError, match="working days"):
        CAL.due(at(2026, 3, 2, 9), -1)


# --- supplement pauses and measured processing time -------------------------------------------


def test_supplement_pause_moves_due_date() -> None:
    # Paused Monday 15:00, resumed Tuesday 09:00: 2 h + 1.5 h of working time waited for the applicant.
    moved = CAL.resume_due(at(2026, 3, 4, 17), paused_at=at(2026, 3, 2, 15), resumed_at=at(2026, 3, 3, 9))
    assert moved == at(2026, 3, 5, 11)


def test_pause_outside_office_hours_does_not_move_due_date() -> None:
    assert CAL.resume_due(at(2026, 3, 11, 17), at(2026, 3, 6, 17), at(2026, 3, 9, 7)) == at(2026, 3, 11, 17)


def test_pause_over_tet_counts_only_working_hours() -> None:
    # Friday 16:00 to Monday 23 Feb 08:30: 1 h + 1 h.
    moved = CAL.resume_due(at(2026, 2, 24, 9), at(2026, 2, 13, 16), at(2026, 2, 23, 8, 30))
    assert moved == at(2026, 2, 24, 11)


def test_resume_before_pause_refused() -> None:
    with pytest.raises(CalendarError, match="before paused_at"):
        CAL.resume_due(at(2026, 3, 4, 17), at(2026, 3, 3, 9), at(2026, 3, 2, 15))


def test_working_hours_between_counts_only_office_hours() -> None:
    assert CAL.working_hours_between(at(2026, 3, 2, 7), at(2026, 3, 2, 18)) == 8.0
    assert CAL.working_hours_between(at(2026, 3, 2, 11), at(2026, 3, 2, 13, 30)) == 1.0


def test_working_hours_between_skips_tet_and_weekends() -> None:
    assert CAL.working_hours_between(at(2026, 2, 13, 7, 30), at(2026, 2, 23, 7, 30)) == 8.0


def test_working_hours_between_backwards_is_zero() -> None:
    assert CAL.working_hours_between(at(2026, 3, 3, 9), at(2026, 3, 2, 9)) == 0.0


# --- configuration -----------------------------------------------------------------------------


def test_from_config_with_default_values_is_the_default_calendar() -> None:
    config = {
        "timezone": "Asia/Ho_Chi_Minh",
        "periods": ["07:30-11:30", "13:00-17:00"],
        "same_day_cutoff": "15:00",
    }
    cal = WorkCalendar.from_config(config)
    assert cal.add_working_days(at(2026, 2, 13, 10), 3) == at(2026, 2, 25, 10)
    assert cal.due(at(2026, 3, 2, 15, 30), 0) == at(2026, 3, 3, 17)


def test_from_config_with_other_office_hours_and_cutoff() -> None:
    cal = WorkCalendar.from_config({"periods": ["13:30-17:30", "08:00-12:00"], "same_day_cutoff": "16:00"})
    assert cal.hours_per_day == 8.0
    assert cal.next_working_instant(at(2026, 3, 2, 7, 30)) == at(2026, 3, 2, 8)
    assert cal.add_working_hours(at(2026, 3, 2, 16), 2) == at(2026, 3, 3, 8, 30)
    assert cal.due(at(2026, 3, 2, 15, 30), 0) == at(2026, 3, 2, 17, 30)


def test_from_config_passes_the_administrator_table() -> None:
    cal = WorkCalendar.from_config({}, makeup_working_days=[date(2026, 3, 7)])
    assert cal.is_working_day(date(2026, 3, 7))


@pytest.mark.parametrize("bad", ["11:30-07:30", "07:30-07:30", "7h30-11h30", "25:00-26:00", "07:30", ""])
def test_bad_period_refused(bad: str) -> None:
    with pytest.raises(CalendarError, match=re.escape(repr(bad))):
        WorkCalendar.from_config({"periods": ["13:00-17:00", bad]})


def test_overlapping_periods_refused() -> None:
    with pytest.raises(CalendarError, match="'11:00-17:00' overlaps '07:30-11:30'"):
        WorkCalendar.from_config({"periods": ["07:30-11:30", "11:00-17:00"]})


def test_no_periods_refused() -> None:
    with pytest.raises(CalendarError, match="at least one office period"):
        WorkCalendar.from_config({"periods": []})


def test_unknown_timezone_refused() -> None:
    with pytest.raises(CalendarError, match="Asia/Saigon_Typo"):
        WorkCalendar.from_config({"timezone": "Asia/Saigon_Typo"})


def test_bad_cutoff_refused() -> None:
    with pytest.raises(CalendarError, match="same_day_cutoff '3pm'"):
        WorkCalendar.from_config({"same_day_cutoff": "3pm"})


def test_unknown_setting_refused() -> None:
    with pytest.raises(CalendarError, match="'period'"):
        WorkCalendar.from_config({"period": ["07:30-11:30"]})


def test_constructor_checks_periods_too() -> None:
    with pytest.raises(CalendarError, match="'17:00-13:00'"):
        WorkCalendar(periods=[(time(17), time(13))])


# --- properties over 2025-2026 -----------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2026, 12, 31, 23, 59),
    timezones=st.sampled_from([VN, UTC]),
)
quarter_hours = st.integers(min_value=0, max_value=4 * 8 * 60).map(lambda n: n / 4)  # up to 60 working days


@settings(deadline=None)
@given(start=instants, hours=quarter_hours)
def test_due_instant_is_never_in_a_non_working_period(start: datetime, hours: float) -> None:
    assert in_office_or_at_period_end(CAL, CAL.add_working_hours(start, hours))


@settings(deadline=None)
@given(accepted=instants, quarter_days=st.integers(min_value=0, max_value=4 * 60), same_day=st.booleans())
def test_due_from_acceptance_is_never_in_a_non_working_period(
    accepted: datetime, quarter_days: int, same_day: bool
) -> None:
    due = CAL.due(accepted, quarter_days / 4, same_day=same_day)
    assert in_office_or_at_period_end(CAL, due)
    assert due > accepted


@settings(deadline=None)
@given(start=instants, n=quarter_hours, m=quarter_hours.filter(lambda h: h > 0))
def test_adding_n_then_m_working_hours_equals_adding_n_plus_m(start: datetime, n: float, m: float) -> None:
    # m > 0: zero hours from exactly 17:00 means "the next working morning", not "stay at 17:00".
    assert CAL.add_working_hours(CAL.add_working_hours(start, n), m) == CAL.add_working_hours(start, n + m)


@settings(deadline=None)
@given(start=instants, hours=quarter_hours)
def test_working_hours_between_start_and_walk_end_is_the_walk_length(start: datetime, hours: float) -> None:
    assert CAL.working_hours_between(start, CAL.add_working_hours(start, hours)) == hours


@settings(deadline=None)
@given(instant=instants)
def test_next_working_instant_is_inside_office_hours_and_never_earlier(instant: datetime) -> None:
    result = CAL.next_working_instant(instant)
    local = result.astimezone(VN)
    assert result >= instant
    assert CAL.is_working_day(local.date())
    assert any(start <= local.time() < end for start, end in DEFAULT_PERIODS)
    assert CAL.working_hours_between(instant, result) == 0.0


# --- walking backwards (when to warn before a due instant) ---------------------------------------

def test_one_working_day_before_a_due_instant_is_the_same_time_the_previous_working_day() -> None:
    assert CAL.subtract_working_days(at(2026, 3, 4, 10), 1) == at(2026, 3, 3, 10)


def test_one_working_day_before_17_00_is_07_30_of_the_same_day() -> None:
    # A backwards walk that ends exactly at a period start stays there (the mirror of rule 4).
    assert CAL.subtract_working_days(at(2026, 3, 4, 17), 1) == at(2026, 3, 4, 7, 30)


def test_one_working_day_before_a_due_instant_after_tet_is_before_tet() -> None:
    assert CAL.subtract_working_days(at(2026, 2, 23, 10), 1) == at(2026, 2, 13, 10)


def test_backwards_walk_skips_the_lunch_break_and_the_weekend() -> None:
    assert CAL.subtract_working_hours(at(2026, 3, 9, 8, 30), 3) == at(2026, 3, 6, 15)


def test_backwards_walk_counts_the_swapped_saturday() -> None:
    assert CAL.subtract_working_hours(at(2026, 8, 24, 7, 30), 4) == at(2026, 8, 22, 13)


def test_negative_backwards_walk_refused() -> None:
    with pytest.raises(CalendarError, match="at least 0"):
        CAL.subtract_working_days(at(2026, 3, 4, 10), -1)


@settings(deadline=None)
@given(end=instants, hours=quarter_hours)
def test_walking_back_n_working_hours_leaves_exactly_n_working_hours(end: datetime, hours: float) -> None:
    start = CAL.subtract_working_hours(end, hours)
    assert start <= end
    assert CAL.working_hours_between(start, end) == hours
