"""The catalogue declares the bounds of an applicant's whole numbers; by default none is negative."""
from __future__ import annotations

from processes.definitions.catalogue import LONG_MAX, check_catalogue, form_fields

BASE = {"code": "1.0", "name": "Thủ tục", "level": 3, "processing_time_days": 3, "process_id": "p"}


def _messages(form: list[dict[str, object]]) -> list[str]:
    return [p.message for p in check_catalogue({**BASE, "form": form}, "x.toml") if p.element_id and
            p.element_id.startswith("form.")]


def test_whole_numbers_are_not_negative_unless_the_catalogue_says_so() -> None:
    fields = form_fields({"form": [{"id": "von", "type": "long"}, {"id": "nhiet_do", "type": "long", "min": -50},
                                   {"id": "ten", "type": "string"}]})
    assert [(f.minimum, f.maximum) for f in fields] == [(0, LONG_MAX), (-50, LONG_MAX), (None, None)]
    assert fields[0].as_dict()["min"] == 0 and "min" not in fields[2].as_dict()


def test_bounds_that_cannot_hold_are_problems_of_the_catalogue() -> None:
    assert _messages([{"id": "a", "type": "string", "min": 1}]) == ["min and max apply to whole numbers (type long)"]
    assert _messages([{"id": "b", "type": "long", "min": "1"}]) == ["min and max must be whole numbers"]
    assert _messages([{"id": "c", "type": "long", "min": 5, "max": 1}]) == ["min must not exceed max"]
    assert _messages([{"id": "d", "type": "long", "min": 1, "max": 5}]) == []


def test_a_declared_date_is_not_after_today_unless_the_catalogue_allows_the_future() -> None:
    from datetime import date

    from engine.forms import clean_form
    from tests.unit.test_forms import codes_of

    today = date(2026, 3, 2)
    birth, start = form_fields({"form": [{"id": "ngay_sinh", "type": "date"},
                                         {"id": "khoi_cong", "type": "date", "future": True}]}, today=today)
    assert birth.latest == today and start.latest is None and birth.as_dict()["max"] == "2026-03-02"
    assert codes_of([birth], {"ngay_sinh": "2026-03-03"}) == {"ngay_sinh": ("form.date_in_future",
                                                                             {"latest": "02/03/2026"})}
    assert clean_form([birth, start], {"ngay_sinh": "2026-03-02", "khoi_cong": "2027-01-01"}) == {
        "ngay_sinh": "2026-03-02", "khoi_cong": "2027-01-01"}
    assert _messages([{"id": "x", "type": "string", "future": True}]) == ["future = true|false applies to dates only"]
