"""Every procedure in bpmn_diagrams/ walked through the use cases, as the applicant and the officers of
each involved agency would: submit a valid dossier, then each officer completes what their queue offers
on it, agreeing each time (the first option of every choice), until the result is returned (R8.4, R14, R15).
Plus the things a procedure promises beyond the happy path: a consulted agency's own queue and
sub-deadline (R8.2), payment of financial obligations (status 6), same-day processing after 15:00."""
from __future__ import annotations

import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.config import PROJECT_ROOT
from engine.clock import ManualClock
from models import OutboxMessage
from processes.administration.demo import USERS
from processes.desk.tasks import Completion, complete_task, list_tasks
from processes.errors import Forbidden
from processes.submission.submission import Submission, Upload, submit_dossier
from tests.helpers import PDF, agreeing, catalogue_form

DIAGRAMS = PROJECT_ROOT / "bpmn_diagrams"
CATALOGUES = sorted(p for p in DIAGRAMS.glob("*.toml") if p.with_suffix(".bpmn").exists())
OFFICERS = [u for u, _, roles, agency in USERS if agency and {"reception", "specialist", "leader"} & set(roles)]
LOCAL = timezone(timedelta(hours=7))

# The officers' work on each procedure when everyone agrees: (username, user task) in the order the
# walk below meets them (officers in the order of processes.administration.demo.USERS, each clearing their queue).
EXPECTED_WALKS: dict[str, list[tuple[str, str]]] = {
    "dang_ky_ho_kinh_doanh": [("reception", "Task_reception_check"), ("specialist", "Task_specialist_review"),
                              ("leader", "Task_leader_approve"), ("reception", "Task_reception_deliver")],
    "dang_ky_khai_sinh": [("reception2", "Task_reception_check"), ("reception2", "Task_record_birth"),
                          ("leader2", "Task_leader_sign"), ("reception2", "Task_reception_deliver")],
    "dang_ky_ket_hon": [("reception2", "Task_reception_check"), ("specialist2", "Task_specialist_review"),
                        ("leader2", "Task_leader_approve"), ("reception2", "Task_reception_deliver")],
    "chung_thuc_ban_sao_tu_ban_chinh": [("reception2", "Task_reception_check"),
                                        ("reception2", "Task_compare_original"), ("leader2", "Task_leader_sign"),
                                        ("reception2", "Task_reception_deliver")],
    "cap_ban_sao_trich_luc_ho_tich": [("reception2", "Task_reception_check"),
                                      ("specialist2", "Task_specialist_review"), ("leader2", "Task_leader_approve"),
                                      ("reception2", "Task_reception_deliver")],
    "dang_ky_thuong_tru": [("reception_cap", "Task_reception_check"), ("specialist_cap", "Task_specialist_review"),
                           ("leader_cap", "Task_leader_approve"), ("reception_cap", "Task_reception_deliver")],
    "cap_giay_phep_xay_dung_nha_o": [("reception", "Task_reception_check"), ("specialist", "Task_site_inspection"),
                                     ("specialist", "Task_specialist_review"), ("leader", "Task_leader_approve"),
                                     ("reception", "Task_reception_deliver")],
    "dang_ky_doanh_nghiep_tu_nhan": [("reception_kh", "Task_reception_check"),
                                     ("specialist_kh", "Task_specialist_review"), ("leader_kh", "Task_leader_approve"),
                                     ("reception_kh", "Task_reception_deliver")],
    "dang_ky_khai_tu": [("reception2", "Task_reception_check"), ("specialist2", "Task_specialist_review"),
                        ("leader2", "Task_leader_approve"), ("reception2", "Task_reception_deliver")],
    "cap_phieu_ly_lich_tu_phap": [("reception_tp", "Task_reception_check"),
                                  ("specialist_tp", "Task_specialist_lookup"),
                                  ("specialist_ca", "Task_police_lookup"),
                                  ("specialist_tp", "Task_specialist_review"), ("leader_tp", "Task_leader_approve"),
                                  ("reception_tp", "Task_reception_deliver")],
    "dang_ky_cap_gcn_lan_dau": [("reception", "Task_reception_check"), ("specialist_vpdk", "Task_land_check"),
                                ("specialist2", "Task_commune_confirm"), ("specialist_vpdk", "Task_land_survey"),
                                ("specialist_vpdk", "Task_land_conclude"), ("specialist_thue", "Task_tax_assess"),
                                ("reception", "Task_payment_confirm"), ("specialist", "Task_specialist_review"),
                                ("leader", "Task_leader_approve"), ("reception", "Task_reception_deliver")],
}


def catalogue(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def submit(services: Services, cat: dict[str, Any], channel: str = "counter") -> str:
    uploads = [Upload(d["key"], f"{d['key']}.pdf", PDF) for d in cat.get("documents", []) if d.get("required")]
    created = submit_dossier(services, "citizen", Submission(procedure=cat["code"], form=catalogue_form(cat),
                                                             channel=channel, uploads=uploads, declaration=True))
    assert created["status_code"] == 1
    assert created["code"].startswith(cat["agency"] + "-")
    return str(created["code"])


def tasks_of(services: Services, username: str, code: str) -> list[dict[str, Any]]:
    return [t for t in list_tasks(services, username) if t["dossier"] == code]


def work(services: Services, username: str, code: str, overrides: dict[str, Any] | None = None) -> list[str]:
    """`username` completes, agreeing, every task their queue offers on this dossier; returns the tasks."""
    done = []
    for task in tasks_of(services, username, code):
        result = complete_task(services, username, agreeing(services, task, username, overrides))
        assert result["code"] == code
        done.append(task["name"])
    return done


def walk(services: Services, code: str, overrides: dict[str, Any] | None = None,
         rounds: int = 12) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Let every demo officer clear their queue on this dossier until nobody has anything left."""
    steps: list[tuple[str, str]] = []
    for _ in range(rounds):
        before = len(steps)
        for username in OFFICERS:
            steps += [(username, name) for name in work(services, username, code, overrides)]
        if len(steps) == before:
            break
    return steps, view(services, code)


def view(services: Services, code: str) -> dict[str, Any]:
    from processes.dossier.dossiers import get_dossier

    return get_dossier(services, "citizen", code)


@pytest.mark.parametrize("path", CATALOGUES, ids=[p.stem for p in CATALOGUES])
def test_affirmative_walk_returns_the_result(services: Services, path: Path) -> None:
    cat = catalogue(path)
    code = submit(services, cat)
    steps, dossier = walk(services, code)
    assert dossier["status_code"] == 10, (steps, dossier["status_code"])
    assert dossier["accepted_at"] and dossier["due_at"] and dossier["finished_at"]
    assert dossier["open_tasks"] == []
    assert [n["form"] for n in dossier["notices"]][:1] == ["01"]  # the receipt with the appointment
    if path.stem in EXPECTED_WALKS:
        assert steps == EXPECTED_WALKS[path.stem]
    assert {u for u, _ in steps} <= set(OFFICERS)


def _set_local(clock: ManualClock, day: int, hour: int, minute: int = 0) -> None:
    clock.set(datetime(2026, 3, day, hour, minute, tzinfo=LOCAL))


def test_birth_registration_accepted_before_15h_is_due_the_same_day(services: Services, clock: ManualClock) -> None:
    code = submit(services, catalogue(DIAGRAMS / "dang_ky_khai_sinh.toml"))
    _set_local(clock, 2, 14, 30)
    assert work(services, "reception2", code) == ["Task_reception_check"]
    due = datetime.fromisoformat(view(services, code)["due_at"]).astimezone(LOCAL)
    assert (due.date().isoformat(), due.hour) == ("2026-03-02", 17)


def test_birth_registration_accepted_after_15h_is_due_the_next_working_day(services: Services,
                                                                            clock: ManualClock) -> None:
    _set_local(clock, 6, 15, 20)  # Friday afternoon: the next working day is Monday 9 March
    code = submit(services, catalogue(DIAGRAMS / "dang_ky_khai_sinh.toml"))
    assert work(services, "reception2", code) == ["Task_reception_check"]
    due = datetime.fromisoformat(view(services, code)["due_at"]).astimezone(LOCAL)
    assert (due.date().isoformat(), due.hour) == ("2026-03-09", 17)
    task = tasks_of(services, "reception2", code)[0]
    assert task["name"] == "Task_record_birth"
    assert datetime.fromisoformat(task["due_at"]) == due  # the officer's queue shows the same appointment


def test_an_officer_of_another_agency_cannot_act_on_a_commune_dossier(services: Services) -> None:
    code = submit(services, catalogue(DIAGRAMS / "dang_ky_khai_sinh.toml"))
    assert tasks_of(services, "reception", code) == []  # the district's desk does not see the commune's
    task = tasks_of(services, "reception2", code)[0]
    with pytest.raises(Forbidden):
        complete_task(services, "reception", Completion(task["id"], {"reception_decision": "accept"}))


# -- a procedure that consults another agency (R8.2) -------------------------------------------------
def outbox_to(services: Services, recipient: str) -> list[OutboxMessage]:
    with services.session_factory() as session:
        return list(session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == recipient)))


def test_judicial_record_consults_the_police_in_their_own_queue_with_the_sub_deadline(
        services: Services, clock: ManualClock) -> None:
    code = submit(services, catalogue(DIAGRAMS / "cap_phieu_ly_lich_tu_phap.toml"))
    assert work(services, "reception_tp", code) == ["Task_reception_check"]
    _set_local(clock, 3, 10)  # Tuesday 10:00: the Sở Tư pháp sends its request to the police
    assert work(services, "specialist_tp", code) == ["Task_specialist_lookup"]

    [task] = tasks_of(services, "specialist_ca", code)
    assert task["name"] == "Task_police_lookup"
    # Five working days from Tuesday 10:00: the police's own sub-deadline, before the dossier's appointment.
    assert datetime.fromisoformat(task["due_at"]) == datetime(2026, 3, 10, 10, 0, tzinfo=LOCAL)
    assert datetime.fromisoformat(task["due_at"]) < datetime.fromisoformat(view(services, code)["due_at"])
    for lead_officer in ("reception_tp", "specialist_tp", "leader_tp"):
        assert tasks_of(services, lead_officer, code) == []
    assert tasks_of(services, "leader_ca", code) == []  # the police's specialists, not their leaders
    with pytest.raises(Forbidden):
        complete_task(services, "specialist_tp", Completion(task["id"], {"police_result": "no_record"}))
    [alert] = outbox_to(services, "specialist_ca@example.vn")
    assert code in alert.subject and "10:00 ngày 10/03/2026" in alert.body

    # The answer returns into the lead dossier's flow: the Sở Tư pháp drafts the certificate.
    complete_task(services, "specialist_ca", Completion(task["id"], {
        "police_result": "has_record", "police_note": "Bản án số 12/2019/HS-ST, đã xóa án tích"}))
    assert [t["name"] for t in tasks_of(services, "specialist_tp", code)] == ["Task_specialist_review"]
    assert view(services, code)["status_code"] == 4


def test_death_registration_notifies_the_commune_police_to_strike_off_the_residence(services: Services) -> None:
    code = submit(services, catalogue(DIAGRAMS / "dang_ky_khai_tu.toml"))
    steps, dossier = walk(services, code)
    assert dossier["status_code"] == 10
    [alert] = outbox_to(services, "specialist_cap@example.vn")
    assert code in alert.subject
    assert not any(u.endswith("_cap") for u, _ in steps)  # a notice: the police have no task on it


def test_residence_registration_may_verify_the_dwelling_before_the_leader_decides(services: Services) -> None:
    code = submit(services, catalogue(DIAGRAMS / "dang_ky_thuong_tru.toml"))
    work(services, "reception_cap", code)
    assert work(services, "specialist_cap", code, {"specialist_proposal": "verify"}) == ["Task_specialist_review"]
    assert work(services, "specialist_cap", code) == ["Task_verify_residence"]
    assert [t["name"] for t in tasks_of(services, "specialist_cap", code)] == ["Task_specialist_review"]
    assert tasks_of(services, "leader_cap", code) == []


def test_first_land_certificate_consults_three_agencies_in_parallel_and_stops_the_clock_for_payment(
        services: Services, clock: ManualClock) -> None:
    from engine.calendar import WorkCalendar

    code = submit(services, catalogue(DIAGRAMS / "dang_ky_cap_gcn_lan_dau.toml"))
    work(services, "reception", code)
    assert work(services, "specialist_vpdk", code) == ["Task_land_check"]
    # In parallel: the land office surveys the parcel while the commune confirms its origin and use.
    [survey] = tasks_of(services, "specialist_vpdk", code)
    [confirm] = tasks_of(services, "specialist2", code)
    assert (survey["name"], confirm["name"]) == ("Task_land_survey", "Task_commune_confirm")
    five_days = datetime(2026, 3, 9, 9, 0, tzinfo=LOCAL)
    assert datetime.fromisoformat(survey["due_at"]) == datetime.fromisoformat(confirm["due_at"]) == five_days
    for lead_officer in ("reception", "specialist", "leader"):
        assert tasks_of(services, lead_officer, code) == []
    assert work(services, "specialist2", code) == ["Task_commune_confirm"]
    assert tasks_of(services, "specialist_vpdk", code) == [survey]  # the join waits for the survey
    work(services, "specialist_vpdk", code)
    work(services, "specialist_vpdk", code)  # the land office concludes: eligible
    _set_local(clock, 4, 9)  # Wednesday: the tax office sets the financial obligations
    assert work(services, "specialist_thue", code, {"payment_amount_vnd": 12500000}) == ["Task_tax_assess"]
    dossier = view(services, code)
    assert dossier["status_code"] == 6
    assert "12.500.000 đồng" in dossier["notices"][-1]["body"]
    due_before = datetime.fromisoformat(dossier["due_at"])

    _set_local(clock, 6, 9)  # Friday: the land user brings the receipt; two working days were not counted
    assert work(services, "reception", code, {"payment_receipt": "BL-0042"}) == ["Task_payment_confirm"]
    dossier = view(services, code)
    assert dossier["status_code"] == 4
    assert datetime.fromisoformat(dossier["due_at"]) == WorkCalendar().add_working_days(due_before, 2)
    assert [t["name"] for t in tasks_of(services, "specialist", code)] == ["Task_specialist_review"]
