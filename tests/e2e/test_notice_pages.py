"""The pages of issue 15: an applicant chooses channels and language on the account page; the dossier
page shows each notice with its delivery state; officers also see the national portal sync state;
administrators see the dossiers not yet in step with the portal."""
from __future__ import annotations

from typing import Any

from adapters.bootstrap import Services
from processes.outbox import dispatch_outbox
from tests.helpers import offered, session_of, submit


def login(client: Any, username: str) -> None:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, username)
        s["csrf"] = "t"


def test_the_applicant_chooses_channels_and_language_and_the_next_notice_follows(
        client: Any, services: Services) -> None:
    login(client, "citizen")
    page = client.get("/account").get_data(as_text=True)
    assert 'name="channels" value="email" checked' in page and 'name="channels" value="sms" checked' in page
    resp = client.post("/account/notices", data={"csrf_token": "t", "channels": ["email"], "language": "en"})
    assert resp.status_code == 303
    page = client.get("/account").get_data(as_text=True)
    assert 'value="email" checked' in page and 'value="sms" checked' not in page and 'value="en" checked' in page
    bad = client.post("/account/notices", data={"csrf_token": "t", "channels": ["pigeon"], "language": "vi"})
    assert bad.status_code == 303 and "pigeon" in client.get("/account").get_data(as_text=True)

    code = submit(services)
    page = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    assert f"Dossier {code} received" in page and "Đang chờ gửi" in page  # English subject, queued
    assert "SMS" not in page.split('id="deliveries-title"')[1]  # the applicant chose e-mail only
    dispatch_outbox(services)
    page = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    assert "Đã gửi" in page and "Cổng Dịch vụ công quốc gia" not in page  # the sync state is for officers


def test_officers_see_the_sync_state_and_administrators_the_backlog(client: Any, services: Services) -> None:
    code = submit(services)
    login(client, "reception")
    task = offered(services, code, "reception")[0]
    page = client.get(f"/officer/tasks/{task['id']}").get_data(as_text=True)
    assert "Đồng bộ với Cổng Dịch vụ công quốc gia" in page and "không bật" in page
    assert "citizen@example.vn" in page
    login(client, "admin")
    page = client.get("/admin/national").get_data(as_text=True)
    assert "Chưa bật" in page and "Mọi hồ sơ đã đồng bộ" in page
    login(client, "citizen")
    assert client.get("/admin/national").status_code == 403
    api = client.get(f"/api/v1/dossiers/{code}/notices", headers=_token(services, "citizen")).json
    assert [m["event"] for m in api["messages"]] == ["submitted", "submitted"] and api["national"] is None


def _token(services: Services, username: str) -> dict[str, str]:
    from web.auth import make_token

    return {"Authorization": f"Bearer {make_token(services, username)}"}


def test_demo_mode_mounts_the_simulators_and_production_does_not(client: Any, services: Services) -> None:
    record = {"IdempotencyKey": "k1", "data": [{"MaHoSo": "X-1", "TrangThaiHoSo": "1"}]}
    assert client.post("/_sim/national/DongBoHoSoMC", json=record).status_code == 401
    bearer = {"Authorization": "Bearer demo-token"}
    assert client.post("/_sim/national/DongBoHoSoMC", json=record, headers=bearer).json["error_code"] == 0
    assert client.post("/_sim/national/TraCuuHoSo", json={"MaHoSo": "X-1"}, headers=bearer).json["data"][
        "TrangThaiHoSo"] == "1"
    sms = {"ApiKey": "demo-key", "SecretKey": "demo-secret", "Phone": "0912345678", "Content": "x", "RequestId": "r"}
    assert client.post("/_sim/sms/send", json=sms).json["CodeResult"] == "100"
    assert client.post("/_sim/zalo/control", json={"report": "unknown"}).status_code == 404

    from web import create_app

    app_config = services.config["app"]
    saved = dict(app_config)
    app_config.update(demo=False, secret_key="a-long-production-secret-for-this-test")
    try:
        assert create_app(services).test_client().post("/_sim/sms/send", json=sms).status_code == 404
    finally:
        app_config.update(saved)


def test_notices_check_names_what_is_wrong_in_edited_templates(tmp_path: Any) -> None:
    from tests.e2e.test_cli import Cli

    cli = Cli(tmp_path)
    edited = tmp_path / "templates" / "notices" / "vi"
    edited.mkdir(parents=True)
    (edited / "receipt.txt").write_text("Subject: Hồ sơ $code\nSMS: $code\n\nĐã nhận.\n", encoding="utf-8")
    assert cli("notices", "check").returncode == 0
    (edited / "refusal.txt").write_text("Subject: $cod\n\nthân\n", encoding="utf-8")
    done = cli("notices", "check")
    assert done.returncode == 1 and "refusal.txt: SMS" in done.stdout and "refusal.txt: $cod" in done.stdout
