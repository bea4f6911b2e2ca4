"""A late dossier reaches its leader, who sends the apology with a new date (form 04) from the page."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.bootstrap import Services
from engine.clock import ManualClock
from processes.dossier.dossiers import get_dossier
from processes.timekeeping.timers import fire_due_timers
from tests.helpers import offered, session_of, submit, work

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def test_leader_sends_form_04_from_the_task_page_of_a_late_dossier(client: Any, services: Services,
                                                                  clock: ManualClock) -> None:
    code = submit(services)
    work(services, code, "reception")
    late = datetime(2026, 3, 9, 10, 0, tzinfo=LOCAL)  # the 3 working days ran out on Thursday
    fire_due_timers(services, at=late)
    clock.set(late)
    work(services, code, "specialist")
    assert get_dossier(services, "leader", code)["late"] is True
    task_id = offered(services, code, "leader")[0]["id"]
    with client.session_transaction() as s:
        s["sid"], s["csrf"] = session_of(client, "leader"), "t"
    page = client.get(f"/officer/tasks/{task_id}").get_data(as_text=True)
    assert "mẫu 04" in page and 'name="new_due"' in page

    resp = client.post(f"/officer/dossiers/{code}/apology",
                       data={"csrf_token": "t", "new_due": "2026-03-11T16:00", "reason": "Chờ ý kiến liên ngành",
                             "back": f"/officer/tasks/{task_id}"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/officer/tasks/{task_id}")
    dossier = get_dossier(services, "citizen", code)
    assert dossier["notices"][-1]["form"] == "04"
    assert "Chờ ý kiến liên ngành" in dossier["notices"][-1]["body"]
    assert dossier["due_at"].startswith("2026-03-11T09:00")  # 16:00 in Kon Tum


def test_the_apology_form_is_not_offered_for_a_dossier_on_time(client: Any, services: Services) -> None:
    code = submit(services)
    work(services, code, "reception")
    work(services, code, "specialist")
    task_id = offered(services, code, "leader")[0]["id"]
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "leader")
    assert 'name="new_due"' not in client.get(f"/officer/tasks/{task_id}").get_data(as_text=True)
