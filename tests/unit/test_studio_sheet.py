"""The studio's catalogue form written back into the sidecar (processes.definitions.studio): what the form
shows is replaced, what it does not show (and the comments) stays, and a value of the wrong kind is refused
naming its field."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from processes.definitions.studio import catalogue_with_sheet, sheet_of
from processes.errors import Invalid

SIDECAR = (Path(__file__).parents[2] / "bpmn_diagrams" / "dang_ky_khai_tu.toml").read_text(encoding="utf-8")


def test_the_form_round_trips_and_keeps_what_it_does_not_show() -> None:
    before = tomllib.loads(SIDECAR)
    text = catalogue_with_sheet(SIDECAR, sheet_of(before))
    assert tomllib.loads(text) == before
    assert "# Catalogue entry (R5.1–R5.3)" in text  # the analysts' comments stay


def test_documents_fees_time_and_legal_basis_are_replaced() -> None:
    sheet = sheet_of(tomllib.loads(SIDECAR))
    sheet["processing_time_days"] = "1,5"
    sheet["same_day"] = False
    sheet["legal_basis"] = ["Luật Hộ tịch số 60/2014/QH13", ""]
    sheet["documents"] = [{"key": "to_khai", "name": "Tờ khai", "required": True},
                          {"key": "", "name": "", "required": False}]  # an empty row is dropped
    sheet["fees"] = [{"name": "Lệ phí", "amount_vnd": "8000", "note": ""}]
    after = tomllib.loads(catalogue_with_sheet(SIDECAR, sheet))
    assert after["processing_time_days"] == 1.5 and "same_day" not in after
    assert after["legal_basis"] == ["Luật Hộ tịch số 60/2014/QH13"]
    assert after["documents"] == [{"key": "to_khai", "name": "Tờ khai", "required": True}]
    assert after["fees"] == [{"name": "Lệ phí", "amount_vnd": 8000}]
    assert after["form"] == tomllib.loads(SIDECAR)["form"]  # the applicant's form is not the studio form's


@pytest.mark.parametrize(("change", "field"), [
    ({"fees": [{"name": "Lệ phí", "amount_vnd": "tám nghìn"}]}, "fees.amount_vnd"),
    ({"fees": [{"name": "Lệ phí", "amount_vnd": 1.5}]}, "fees.amount_vnd"),
    ({"level": "nan"}, "level"),
    ({"processing_time_days": "inf"}, "processing_time_days"),
    ({"documents": "to_khai"}, "documents"),
    ({"documents": [["to_khai"]]}, "documents"),
    ({"name": 42}, "name"),
    ({"legal_basis": ["x" * 1001]}, "legal_basis"),
])
def test_a_value_of_the_wrong_kind_is_refused_naming_its_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(Invalid) as refused:
        catalogue_with_sheet(SIDECAR, change)
    assert refused.value.field == field


def test_a_sidecar_that_is_not_toml_is_started_afresh_from_the_form() -> None:
    text = catalogue_with_sheet("this is = = not toml", {"code": "9.000001", "name": "Thử", "level": 2})
    assert tomllib.loads(text) == {"code": "9.000001", "name": "Thử", "level": 2}
