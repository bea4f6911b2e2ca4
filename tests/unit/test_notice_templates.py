"""Notice templates (shipped and edited), the national portal's dates, and the phone-number and
plain-letter rules of the SMS and Zalo adapters."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.phone import international_phone, local_phone, without_diacritics
from processes.notices.national import national_time
from processes.notices.templates import EVENTS, LANGUAGES, SHIPPED, check, event_of, render

FIELDS = {"code": "H34-260302-0001", "procedure": "Đăng ký hộ kinh doanh", "applicant": "Nguyễn Văn An",
          "title": "Giấy tiếp nhận hồ sơ", "detail": "Chi tiết", "at": "09:00", "due": "05/03/2026",
          "link": "http://x/track?code=H34", "status": "Đã tiếp nhận"}


def config(tmp_path: Path) -> dict[str, Any]:
    return {"storage": {"data_dir": str(tmp_path)}, "notices": {"templates_dir": str(tmp_path / "tpl")}}


def test_every_shipped_template_is_complete_and_uses_known_fields_only() -> None:
    for language in LANGUAGES:
        for event in EVENTS:
            text = (SHIPPED / language / f"{event}.txt").read_text(encoding="utf-8")
            assert check(text) == [], (language, event)


def test_a_template_is_filled_and_english_differs(tmp_path: Path) -> None:
    vi = render(config(tmp_path), "vi", "receipt", FIELDS)
    en = render(config(tmp_path), "en", "receipt", FIELDS)
    assert vi.subject == "Giấy tiếp nhận hồ sơ" and "05/03/2026" in vi.sms and "Chi tiết" in vi.body
    assert en.subject == "Dossier H34-260302-0001 accepted: receipt and appointment" and "$" not in en.body
    assert render(config(tmp_path), "fr", "receipt", FIELDS) == vi  # unknown language: Vietnamese


def test_an_administrators_edit_wins_file_by_file(tmp_path: Path) -> None:
    edited = tmp_path / "tpl" / "vi"
    edited.mkdir(parents=True)
    (edited / "submitted.txt").write_text("Subject: Nhận $code\nSMS: $code\n\nCảm ơn $applicant.\n", encoding="utf-8")
    assert render(config(tmp_path), "vi", "submitted", FIELDS).subject == "Nhận H34-260302-0001"
    assert render(config(tmp_path), "vi", "refusal", FIELDS).subject == "Giấy tiếp nhận hồ sơ"  # shipped
    assert check("Subject: x\nSMS: $unknown\n\nbody") == ["$unknown"]
    assert check("no header") == ["Subject", "SMS"]


def test_events_follow_the_form_number_then_the_handler() -> None:
    assert event_of("01", "anything") == "receipt" and event_of(None, "finish_processing") == "result_ready"
    assert event_of(None, "some_new_handler") == "notice"


def test_national_dates_are_vietnam_time_in_fourteen_digits() -> None:
    assert national_time(datetime(2026, 3, 2, 2, 0, 5, tzinfo=UTC)) == "20260302090005"
    assert national_time(None) == ""


def test_phone_forms_and_plain_letters() -> None:
    assert local_phone("+84 912 345 678") == local_phone("84912345678") == "0912345678"
    assert international_phone("0912345678") == "84912345678"
    assert without_diacritics("Đã tiếp nhận hồ sơ, ĐƯỜNG Lê Lợi") == "Da tiep nhan ho so, DUONG Le Loi"
