"""Issue 14 end to end: a dossier runs to an online result the agency has signed, the result validates
with pyHanko's own validator against the demo root, the public /verify page and POST /api/v1/verify
say so (and say "modified" for the same file with one byte changed); uploads are checked one by one;
`motcua pki demo` makes the demo PKI."""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from adapters.bootstrap import Services
from adapters.config import data_dir
from adapters.signing import pades, pki
from tests.e2e.test_api_walkthrough import work
from tests.e2e.test_portal_pages import csrf
from tests.helpers import HKD, HKD_FORM, PDF
from tests.signing_kit import AGENCY, citizen, forged_marker, install_pki, self_made, sign_as, signing_pki


@pytest.fixture
def pki_installed(services: Services) -> Path:
    folder = install_pki(data_dir(services.config))
    services.signing.forget()
    return folder


def submit_online(client: Any, token: Any, first: bytes, second: bytes) -> str:
    files = {"documents.giay_de_nghi": (io.BytesIO(first), "de-nghi.pdf"),
             "documents.giay_to_phap_ly": (io.BytesIO(second), "cccd.pdf")}
    payload = json.dumps({"procedure": HKD, "form": HKD_FORM, "channel": "online", "declaration": True})
    resp = client.post("/api/v1/dossiers", headers=token("citizen"), content_type="multipart/form-data",
                       data={"payload": payload, **files})
    assert resp.status_code == 201, resp.json
    return str(resp.json["code"])


def check(client: Any, data: bytes) -> dict[str, Any]:
    resp = client.post("/api/v1/verify", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), "ket-qua.pdf")})
    assert resp.status_code == 200, resp.json
    return resp.json  # type: ignore[no-any-return]


def test_an_online_result_is_signed_by_the_agency_and_verifies(client: Any, token: Any, pki_installed: Path) -> None:
    code = submit_online(client, token, PDF, PDF)
    assert client.get(f"/api/v1/dossiers/{code}/result.pdf", headers=token("citizen")).status_code == 404
    for user in ("reception", "specialist", "leader", "reception"):
        work(client, token, code, user)
    resp = client.get(f"/api/v1/dossiers/{code}/result.pdf", headers=token("citizen"))
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    result = resp.data
    assert client.get(f"/api/v1/dossiers/{code}/result.pdf", headers=token("citizen2")).status_code == 404

    # pyHanko's own validator, against the demo root alone
    root = pades.load_certificates((pki_installed / pki.ROOT_FILE).read_bytes())
    signature = PdfFileReader(io.BytesIO(result)).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=root))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == AGENCY[1]

    said = check(client, result)
    assert (said["status"], said["valid"], said["trusted"], said["intact"]) == ("valid", True, True, True)
    assert said["signer"] == AGENCY[1] and said["issued_by_motcua"]
    assert (said["agency"], said["dossier_code"]) == (AGENCY[1], code)

    changed = bytearray(result)
    changed[len(PDF) // 2] ^= 0x01  # one byte of what the agency signed
    said = check(client, bytes(changed))
    assert (said["status"], said["valid"], said["intact"], said["dossier_code"]) == ("modified", False, False, None)

    # the dossier's JSON names the signed result and each document's check
    dossier = client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json
    assert dossier["result_attachment_id"] == next(d["id"] for d in dossier["documents"] if d["is_result"]
                                                   and d["signature"]["status"] == "valid")


def test_the_public_page_says_who_signed_in_vietnamese_and_english(client: Any, token: Any,
                                                                   pki_installed: Path) -> None:
    page = client.get("/verify")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    answer = client.post("/verify", content_type="multipart/form-data",
                         data={"csrf_token": csrf(client, "/verify"),
                               "file": (io.BytesIO(sign_as(citizen())), "don.pdf")}).get_data(as_text=True)
    assert "Chữ ký số hợp lệ" in answer and "Nguyễn Văn An" in answer
    answer = client.post("/verify?lang=en", content_type="multipart/form-data",
                         data={"csrf_token": csrf(client, "/verify"),
                               "file": (io.BytesIO(sign_as(self_made())), "don.pdf")}).get_data(as_text=True)
    assert "Signed, but the certificate was not issued by a trusted authority" in answer
    answer = client.post("/verify?lang=en", content_type="multipart/form-data",
                         data={"csrf_token": csrf(client, "/verify"),
                               "file": (io.BytesIO(forged_marker()), "don.pdf")}).get_data(as_text=True)
    assert "modified after signing" in answer
    empty = client.post("/verify", content_type="multipart/form-data", data={"csrf_token": csrf(client, "/verify")})
    assert empty.status_code == 422


@pytest.mark.parametrize(("made", "status"), [(lambda: sign_as(citizen()), "valid"),
                                              (lambda: sign_as(self_made()), "untrusted"),
                                              (forged_marker, "modified"),
                                              (lambda: PDF, "unsigned")])
def test_the_api_checks_any_pdf(client: Any, pki_installed: Path, made: Any, status: str) -> None:
    said = check(client, made())
    assert said["status"] == status and said["valid"] == (status == "valid")
    assert not said["issued_by_motcua"]  # none of these is a result MotCua handed over


def test_the_check_is_throttled_per_address(client: Any, pki_installed: Path) -> None:
    from adapters import throttle

    for _ in range(throttle.VERIFICATIONS_PER_IP.attempts):
        check(client, PDF)
    refused = client.post("/api/v1/verify", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(PDF), "x.pdf")})
    assert refused.status_code == 429 and refused.json["error"]["code"] == "verify.too_many"


def test_pki_demo_writes_a_root_and_an_identity_per_agency(motcua: Any, tmp_path: Path) -> None:
    code, out, err = motcua("pki", "demo")  # (`init` runs the same in demo mode)
    assert code == 0, err
    assert "root.pem" in out
    folder = tmp_path / "data" / "pki"
    assert (folder / pki.ROOT_FILE).is_file() and (folder / pki.CITIZEN_FILE).is_file()
    identity = pades.load_identity((folder / pki.AGENCY_DIR / f"{AGENCY[0]}.p12").read_bytes(), pki.DEMO_PASSWORD)
    assert identity.name == AGENCY[1]
    before = (folder / pki.ROOT_FILE).read_bytes()
    assert motcua("pki", "demo")[0] == 0 and (folder / pki.ROOT_FILE).read_bytes() == before  # kept
    assert motcua("pki", "demo", "--fresh")[0] == 0 and (folder / pki.ROOT_FILE).read_bytes() != before
    assert signing_pki().root.read_bytes() != before  # the tests' own PKI is another


def test_signatures_carry_the_time_stamping_authoritys_time(app: Any, services: Services,
                                                            pki_installed: Path) -> None:
    """`[signing] tsa_url` pointed at the demo's RFC 3161 authority (/_sim/tsa/, on a real local server):
    the agency's signature is timestamped, and the timestamp is checked with it."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        services.config["signing"]["tsa_url"] = f"http://127.0.0.1:{server.server_port}/_sim/tsa/"
        signed = services.signing.sign(PDF, code=AGENCY[0], agency=AGENCY[1], signer="Hoàng Văn Em",
                                       reason="Kết quả", at=services.clock.now())
    finally:
        server.shutdown()
        thread.join()
    verdict = services.signing.verify(signed, at=services.clock.now())
    assert verdict.status == "valid" and verdict.timestamped and verdict.signed_at == services.clock.now()


def test_the_time_stamping_authority_refuses_what_is_not_a_request(client: Any, pki_installed: Path) -> None:
    assert client.post("/_sim/tsa/", data=b"\x30\x03\x02\x01\x01",
                       content_type="application/timestamp-query").status_code == 400


def test_the_receipt_asks_paper_only_for_what_is_not_validly_signed(client: Any, token: Any,
                                                                  pki_installed: Path) -> None:
    """Level 4 (R7.3): every required document validly signed, no paper; a self-made signature is named."""
    from tests.helpers import session_of

    signed = submit_online(client, token, sign_as(citizen()), sign_as(citizen()))
    half = submit_online(client, token, sign_as(citizen()), sign_as(self_made()))
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "citizen")
    page = client.get(f"/my/dossiers/{signed}/receipt").get_data(as_text=True)
    assert "Cần gửi thêm bản sao có chứng thực" not in page and page.count("có chữ ký số") == 2
    page = client.get(f"/my/dossiers/{half}/receipt").get_data(as_text=True)
    assert "Cần gửi thêm bản sao có chứng thực" in page
    assert "Có chữ ký số nhưng chứng thư số không do tổ chức được tin cậy cấp" in page
    page = client.get(f"/my/dossiers/{half}").get_data(as_text=True)  # each file says what its signature is
    assert "Chữ ký số hợp lệ" in page and "Có chữ ký số nhưng chứng thư số không do tổ chức" in page


def test_init_in_demo_mode_makes_the_demo_pki(tmp_path: Path) -> None:
    """`make run` runs `motcua init`: in demo mode the demo PKI is there afterwards, an identity per agency."""
    from tests.e2e.test_cli import Cli

    cli = Cli(tmp_path)
    done = cli("init")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "demo PKI written to" in done.stdout
    assert (tmp_path / "pki" / pki.ROOT_FILE).is_file()
    assert (tmp_path / "pki" / pki.AGENCY_DIR / f"{AGENCY[0]}.p12").is_file()
    assert "demo PKI" not in cli("init").stdout  # kept on the next start


def test_reception_sees_each_documents_signature_on_the_task_page(client: Any, token: Any,
                                                                  pki_installed: Path) -> None:
    from tests.helpers import session_of

    code = submit_online(client, token, sign_as(citizen()), forged_marker())
    task = next(t for t in client.get("/api/v1/tasks", headers=token("reception")).json if t["dossier"] == code)
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "reception")
    page = client.get(f"/officer/tasks/{task['id']}").get_data(as_text=True)
    assert "Chữ ký số hợp lệ" in page and "Nguyễn Văn An" in page
    assert "Chữ ký số không còn nguyên vẹn: tài liệu đã bị sửa sau khi ký" in page
