"""A submitted form is checked on the server against the fields its diagram or catalogue declares."""
from __future__ import annotations

from typing import Any

import pytest

from engine.forms import MAX_TEXT, FormErrors, FormField, Option, clean_form

DECISION = FormField("decision", "Quyết định", "enum", required=True,
                     options=(Option("accept", "Tiếp nhận"), Option("supplement", "Bổ sung")))
COPIES = FormField("copies", "Số bản", "long")
URGENT = FormField("urgent", "Khẩn", "boolean")
BIRTH_DATE = FormField("birth_date", "Ngày sinh", "date")
EMAIL = FormField("email", "Thư điện tử", "email")
PHONE = FormField("phone", "Điện thoại", "phone")
ID_NUMBER = FormField("id_number", "Số CCCD", "string", pattern=r"\d{12}")
NOTE = FormField("note", "Ghi chú", "text")
NAME = FormField("full_name", "Họ và tên", "string", required=True)


def errors_of(fields: list[FormField], data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(FormErrors) as caught:
        clean_form(fields, data)
    return caught.value.errors


def codes_of(fields: list[FormField], data: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each refused field's code and parameters (what a person reads comes from web/refusals.py)."""
    with pytest.raises(FormErrors) as caught:
        clean_form(fields, data)
    return caught.value.codes


# --- what is accepted, converted ---------------------------------------------------------------

def test_a_complete_form_comes_back_converted_to_the_field_types() -> None:
    fields = [DECISION, COPIES, URGENT, BIRTH_DATE, EMAIL, PHONE, ID_NUMBER, NOTE, NAME]
    cleaned = clean_form(fields, {
        "decision": "supplement", "copies": " 3 ", "urgent": "on", "birth_date": "1990-07-02",
        "email": "an@example.vn", "phone": "+84 912 345 678", "id_number": "001090012345",
        "note": "  Thiếu ảnh 3x4  ", "full_name": "Nguyễn Văn An",
    })
    assert cleaned == {
        "decision": "supplement", "copies": 3, "urgent": True, "birth_date": "1990-07-02",
        "email": "an@example.vn", "phone": "+84 912 345 678", "id_number": "001090012345",
        "note": "Thiếu ảnh 3x4", "full_name": "Nguyễn Văn An",
    }


@pytest.mark.parametrize(("raw", "expected"), [
    (True, True), (False, False), ("true", True), ("1", True), ("on", True), ("yes", True), ("YES", True),
    ("false", False), ("0", False), ("off", False), ("no", False),
])
def test_a_boolean_accepts_the_usual_spellings(raw: Any, expected: bool) -> None:
    assert clean_form([URGENT], {"urgent": raw}) == {"urgent": expected}


@pytest.mark.parametrize(("raw", "expected"), [("42", 42), (7, 7), ("-1", -1), (" 12 ", 12)])
def test_a_long_becomes_an_integer(raw: Any, expected: int) -> None:
    assert clean_form([COPIES], {"copies": raw}) == {"copies": expected}


def test_a_number_may_be_given_for_a_text_field() -> None:
    assert clean_form([NAME], {"full_name": 12}) == {"full_name": "12"}


def test_an_optional_field_left_out_or_blank_is_simply_absent() -> None:
    assert clean_form([COPIES, NOTE, EMAIL], {"note": "   ", "email": ""}) == {}


def test_text_exactly_at_the_limit_is_accepted() -> None:
    assert clean_form([NOTE], {"note": "a" * MAX_TEXT}) == {"note": "a" * MAX_TEXT}


# --- what is refused, and the message names the field -------------------------------------------

@pytest.mark.parametrize("raw", [None, "", "   "])
def test_a_required_field_left_empty_is_refused(raw: Any) -> None:
    data = {} if raw is None else {"full_name": raw}
    assert errors_of([NAME], data)["full_name"] == "required"


def test_an_enum_value_outside_the_options_is_refused_naming_the_options() -> None:
    assert codes_of([DECISION], {"decision": "reject"}) == {
        "decision": ("form.not_an_option", {"options": "Tiếp nhận, Bổ sung"})}


@pytest.mark.parametrize("raw", ["abc", "4.5", "1e3", True, ""])
def test_a_long_that_is_no_integer_is_refused(raw: Any) -> None:
    fields = [FormField("copies", "Số bản", "long", required=True)]
    assert "copies" in errors_of(fields, {"copies": raw})


@pytest.mark.parametrize("raw", ["maybe", "2", 5])
def test_a_boolean_that_is_neither_true_nor_false_is_refused(raw: Any) -> None:
    assert errors_of([URGENT], {"urgent": raw})["urgent"] == "form.not_boolean"


@pytest.mark.parametrize("raw", ["02/07/1990", "1990-02-30", "yesterday", "1990-7-2"])
def test_a_date_that_is_not_a_calendar_date_in_iso_form_is_refused(raw: str) -> None:
    assert errors_of([BIRTH_DATE], {"birth_date": raw})["birth_date"] == "form.not_date"


@pytest.mark.parametrize("raw", ["an.example.vn", "an@", "an @example.vn", "an@example"])
def test_a_malformed_email_is_refused(raw: str) -> None:
    assert errors_of([EMAIL], {"email": raw})["email"] == "form.not_email"


@pytest.mark.parametrize("raw", ["0912", "phone-number", "0912 345 678 901 234", "+84-abc-345"])
def test_a_malformed_phone_number_is_refused(raw: str) -> None:
    assert errors_of([PHONE], {"phone": raw})["phone"] == "form.not_phone"


@pytest.mark.parametrize("raw", ["00109001234", "0010900123456", "00109001234x"])
def test_a_value_not_matching_the_pattern_is_refused_as_a_whole(raw: str) -> None:
    assert codes_of([ID_NUMBER], {"id_number": raw}) == {"id_number": ("form.bad_format", {"label": "Số CCCD"})}


def test_the_identity_number_has_its_own_code_never_the_regex() -> None:
    field = FormField("so_dinh_danh", "Số định danh", "string", pattern="^[0-9]{12}$")
    assert codes_of([field], {"so_dinh_danh": "0621"}) == {"so_dinh_danh": ("form.identity_number",
                                                                            {"label": "Số định danh"})}
    assert codes_of([NAME, DECISION], {"extra": 1, "decision": "x"}) == {
        "extra": ("form.unknown_field", {}), "full_name": ("required", {}),
        "decision": ("form.not_an_option", {"options": "Tiếp nhận, Bổ sung"})}


def test_an_unknown_field_is_refused_even_when_the_declared_ones_are_fine() -> None:
    errors = errors_of([NAME], {"full_name": "An", "is_admin": "true"})
    assert list(errors) == ["is_admin"]
    assert errors["is_admin"] == "form.unknown_field"


def test_text_longer_than_the_limit_is_refused() -> None:
    assert codes_of([NOTE], {"note": "a" * (MAX_TEXT + 1)})["note"] == ("form.too_long", {"max": MAX_TEXT})


@pytest.mark.parametrize("raw", [["a"], {"a": 1}, True])
def test_a_structured_value_for_a_text_field_is_refused(raw: Any) -> None:
    assert errors_of([NAME], {"full_name": raw})["full_name"] == "form.not_text"


def test_every_bad_field_is_reported_at_once() -> None:
    errors = errors_of([DECISION, COPIES, BIRTH_DATE, NAME],
                       {"decision": "x", "copies": "many", "birth_date": "soon", "extra": 1})
    assert set(errors) == {"decision", "copies", "birth_date", "full_name", "extra"}


def test_the_error_text_names_each_field() -> None:
    with pytest.raises(FormErrors) as caught:
        clean_form([NAME, COPIES], {"copies": "many"})
    text = str(caught.value)
    assert "full_name: " in text
    assert "copies: " in text


def test_a_field_describes_itself_for_the_browser() -> None:
    assert DECISION.as_dict() == {
        "id": "decision", "label": "Quyết định", "type": "enum", "required": True,
        "options": [{"id": "accept", "label": "Tiếp nhận"}, {"id": "supplement", "label": "Bổ sung"}],
    }


# --- whole numbers within the bounds the catalogue declares -----------------------------------

CAPITAL = FormField("von", "Vốn kinh doanh", "long", required=True, minimum=0, maximum=10**15)


def test_a_negative_capital_is_refused_with_the_smallest_value_accepted() -> None:
    assert codes_of([CAPITAL], {"von": "-5"}) == {"von": ("form.below_minimum", {"min": 0})}


def test_a_capital_beyond_the_maximum_is_refused_naming_it() -> None:
    assert codes_of([CAPITAL], {"von": str(10**15 + 1)}) == {"von": ("form.above_maximum", {"max": 10**15})}
    assert codes_of([CAPITAL], {"von": "9" * 4000}) == {"von": ("form.not_integer", {})}


def test_the_bounds_themselves_are_accepted() -> None:
    assert clean_form([CAPITAL], {"von": "0"}) == {"von": 0}
    assert clean_form([CAPITAL], {"von": str(10**15)}) == {"von": 10**15}
