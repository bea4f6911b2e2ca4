"""Data and walks shared by integration and end-to-end tests."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.bootstrap import Services

HKD = "1.001612"  # Đăng ký thành lập hộ kinh doanh


def _tiny_pdf() -> bytes:
    """A real one-page PDF (a catalogue, a page tree, an empty A5 page, a correct xref): small, and the
    agency can sign it when it is handed over as a result (issue 14)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Resources << >> >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF = _tiny_pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

HKD_FORM: dict[str, Any] = {
    "ho_ten_chu_ho": "Nguyễn Văn An", "so_dinh_danh": "062095001234", "so_dien_thoai": "0912345678",
    "ten_ho_kinh_doanh": "Hộ kinh doanh Phở An", "dia_chi_kinh_doanh": "12 Lê Lợi, phường Quyết Thắng",
    "nganh_nghe": "Dịch vụ ăn uống", "von_kinh_doanh": 150000000, "so_lao_dong": 3,
}


def affirmative(form: list[dict[str, Any]], overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """What an officer who agrees fills in: the first option of each choice, yes to each box."""
    data: dict[str, Any] = {}
    for f in form:
        if f["id"] in (overrides or {}):
            data[f["id"]] = overrides[f["id"]]  # type: ignore[index]
        elif f["type"] == "enum":
            data[f["id"]] = f["options"][0]["id"]
        elif f["type"] == "boolean":
            data[f["id"]] = True
        elif f["required"] and f["type"] == "long":
            data[f["id"]] = 1
        elif f["required"] and f["type"] == "date":
            data[f["id"]] = "2026-03-02"
        elif f["required"]:
            data[f["id"]] = "Đồng ý"
    return data


def catalogue_form(catalogue: dict[str, Any]) -> dict[str, Any]:
    """A valid applicant's form for any catalogue entry (sidecar or API): a plausible value of each type."""
    values: dict[str, Any] = {}
    for f in catalogue.get("form", []):
        kind, pattern = f.get("type", "string"), f.get("pattern")
        if kind == "enum":
            values[f["id"]] = f["options"][0]["id"]
        elif kind == "long":
            values[f["id"]] = 2
        elif kind == "date":
            values[f["id"]] = "2026-02-20"
        elif kind == "boolean":
            values[f["id"]] = True
        elif kind == "phone":
            values[f["id"]] = "0912345678"
        elif kind == "email":
            values[f["id"]] = "an.nguyen@example.vn"
        elif pattern == "^[0-9]{12}$":
            values[f["id"]] = "062095001234"
        elif pattern:
            raise ValueError(f"{catalogue['code']}: no test value for the pattern {pattern} of {f['id']}")
        else:
            values[f["id"]] = "Nguyễn Văn An, 12 Lê Lợi, phường Quyết Thắng"
    return values


# What the desk records when it hands a result over, whatever the channel (each channel reads its own).
HAND_OVER: dict[str, Any] = {
    "recipient_name": "Nguyễn Văn An", "identity_document": "062095001234", "identity_checked": True,
    "originals_compared": True, "applicant_signed": True, "tracking_number": "EE123456789VN"}
RECEIPT = "BL-0001"


def submit(services: Services, username: str = "citizen", **extra: Any) -> str:
    """A household business registration submitted through the use case; its dossier code."""
    from processes.submission.submission import Submission, Upload, submit_dossier

    uploads = [Upload("giay_de_nghi", "de-nghi.pdf", PDF), Upload("giay_to_phap_ly", "cccd.png", PNG)]
    created = submit_dossier(services, username, Submission(procedure=HKD, form=HKD_FORM, channel="counter",
                                                            uploads=uploads, declaration=True, **extra))
    assert created["status_code"] == 1
    return str(created["code"])


def offered(services: Services, code: str, username: str) -> list[dict[str, Any]]:
    from processes.desk.tasks import list_tasks

    return [t for t in list_tasks(services, username) if t["dossier"] == code]


def agreeing(services: Services, task: dict[str, Any], username: str,
             overrides: dict[str, Any] | None = None) -> Any:
    """What an officer who agrees sends for a listed task (processes.desk.tasks.list_tasks): the form's
    affirmative values; at intake every uploaded document ticked; at delivery the fees paid at the
    counter first (when due) and the hand-over recorded (the signed result for an online one)."""
    from processes.desk.fees import mark_fee_paid
    from processes.desk.steps import Delivery
    from processes.desk.tasks import Completion
    from processes.submission.submission import Upload

    checklist = delivery = None
    if task["step"] == "intake":
        checklist = {d["key"]: True for d in task["checklist"] if d["uploaded"]}
    elif task["step"] == "delivery":
        if task["fee_due_vnd"]:
            mark_fee_paid(services, username, task["dossier"], RECEIPT)
        delivery = Delivery(**HAND_OVER, result_file=Upload("result", "ket-qua.pdf", PDF)
                            if task["result_channel"] == "online" else None)
    return Completion(task["id"], affirmative(task["form"], overrides), checklist, delivery)


def work(services: Services, code: str, username: str, overrides: dict[str, Any] | None = None) -> list[str]:
    """Complete every task `username` is offered on this dossier; return the element ids."""
    from processes.desk.tasks import complete_task

    done = []
    for task in offered(services, code, username):
        complete_task(services, username, agreeing(services, task, username, overrides))
        done.append(task["name"])
    return done


def api_agreeing(client: Any, token: Any, task: dict[str, Any], user: str,
                 overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The keyword arguments of `client.post(.../complete)` of an officer who agrees, through the API
    only (as `GET /api/v1/tasks` lists the task): the checklist at intake; at delivery the fees paid
    first (`POST /api/v1/dossiers/CODE/fees`) and the hand-over (multipart with the signed result
    for an online one)."""
    import io
    import json

    body: dict[str, Any] = {"data": affirmative(task["form"], overrides)}
    if task["step"] == "intake":
        body["checklist"] = {d["key"]: True for d in task["checklist"] if d["uploaded"]}
    elif task["step"] == "delivery":
        if task["fee_due_vnd"]:
            paid = client.post(f"/api/v1/dossiers/{task['dossier']}/fees", headers=token(user),
                               json={"receipt_no": RECEIPT})
            assert paid.status_code == 200, paid.json
        body["delivery"] = HAND_OVER
        if task["result_channel"] == "online":
            return {"headers": token(user), "content_type": "multipart/form-data",
                    "data": {"payload": json.dumps(body), "result": (io.BytesIO(PDF), "ket-qua.pdf")}}
    return {"headers": token(user), "json": body}


def session_of(client: Any, username: str) -> str:
    """The credential of a new server-side browser session of `username`, for a test client's cookie
    (`s["sid"] = session_of(client, "citizen")` inside `client.session_transaction()`)."""
    from processes.people.sessions import start_session

    return start_session(client.application.extensions["motcua"], username)
