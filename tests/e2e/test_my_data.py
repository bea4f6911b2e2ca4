"""An applicant downloads all data held about them (issue 18, Decree 13/2023): account, dossiers with
what they declared, files, notices, history and who read their personal data and why; only their own."""
from __future__ import annotations

import json
from typing import Any

from adapters.bootstrap import Services
from processes.dossier.dossiers import get_dossier
from tests.e2e.test_officer_pages import login
from tests.integration.test_lifecycle import submit


def test_the_applicant_downloads_everything_held_about_them(services: Services, client: Any, token: Any) -> None:
    code = submit(services)
    get_dossier(services, "admin", code, "Thanh tra 12")  # a break-glass read the applicant will see
    login(client, "citizen")
    page = client.get("/my/dossiers").get_data(as_text=True)
    assert 'href="/my/data.json"' in page
    answer = client.get("/my/data.json")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    data = json.loads(answer.get_data(as_text=True))
    assert data["account"]["username"] == "citizen"
    [dossier] = [d for d in data["dossiers"] if d["code"] == code]
    assert dossier["form"] and {f["document"] for f in dossier["files"]} == {"giay_de_nghi", "giay_to_phap_ly"}
    assert any(h["what"] == "dossier_submitted" for h in dossier["history"])
    assert dossier["access_log"] == [{"at": dossier["access_log"][0]["at"], "who": "admin", "what": "dossier",
                                      "reason": "Thanh tra 12", "break_glass": True}]

    api = client.get("/api/v1/me/data", headers=token("citizen")).get_json()
    assert [d["code"] for d in api["dossiers"]] == [d["code"] for d in data["dossiers"]]
    officer = client.get("/api/v1/me/data", headers=token("reception")).get_json()
    assert officer["dossiers"] == [] and officer["account"]["username"] == "reception"  # only one's own
