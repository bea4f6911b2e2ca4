"""Uploads: the declared type, the name's extension and the content must agree (a PDF that is also a
web page is refused, whatever its name); at most so many files per document; documents leave the
server with nosniff, a PDF inline only when it is one (sandboxed), anything else as a download."""
from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest

from adapters.attachments import AttachmentStore
from processes.errors import Invalid
from processes.submission.submission import MAX_FILES_PER_DOCUMENT
from tests.helpers import HKD, HKD_FORM, PDF, PNG, session_of

# A multipart body that werkzeug stops parsing half-way (too large, a part without a name: the refusals
# under test) leaves the temporary file it had spooled the part into to the garbage collector, which closes
# it with a ResourceWarning that pytest reports as "unraisable" on whichever test runs then. Nothing leaks for
# good and no answer depends on it; the answers themselves are what these tests check.
UNRAISABLE_TEMP_FILES = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
pytestmark = UNRAISABLE_TEMP_FILES

POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


def _submit(client: Any, token: Any, files: list[tuple[str, bytes, str, str]]) -> Any:
    data: dict[str, Any] = {"payload": json.dumps({"procedure": HKD, "form": HKD_FORM, "declaration": True})}
    parts = [(field, (io.BytesIO(content), name, declared)) for field, content, name, declared in files]
    body = list(data.items()) + parts
    from werkzeug.datastructures import MultiDict

    return client.post("/api/v1/dossiers", headers=token("citizen"), content_type="multipart/form-data",
                       data=MultiDict(body))


GOOD_ID = ("documents.giay_to_phap_ly", PNG, "cccd.png", "image/png")


@pytest.mark.parametrize("name, content, declared, code", [
    ("poly.html", POLYGLOT, "text/html", "upload.type_not_allowed"),
    ("poly.pdf", POLYGLOT, "application/pdf", "upload.type_not_allowed"),  # a page in a PDF's clothes
    ("de-nghi.html", PDF, "application/pdf", "upload.extension_mismatch"),
    ("de-nghi.png", PDF, "image/png", "upload.extension_mismatch"),
    ("de-nghi.pdf", PDF, "text/html", "upload.declared_type_mismatch"),
])
def test_type_extension_and_content_must_agree(client: Any, token: Any, name: str, content: bytes,
                                               declared: str, code: str) -> None:
    resp = _submit(client, token, [("documents.giay_de_nghi", content, name, declared), GOOD_ID])
    assert resp.status_code == 422, resp.json
    reasons = {(r["code"], r["field"]) for r in resp.json["error"]["reasons"]}
    assert (code, "documents.giay_de_nghi") in reasons


def test_a_generic_declared_type_is_judged_by_content(client: Any, token: Any) -> None:
    resp = _submit(client, token, [("documents.giay_de_nghi", PDF, "de-nghi.PDF", "application/octet-stream"),
                                   GOOD_ID])
    assert resp.status_code == 201, resp.json


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_999_files_under_one_document_are_refused(client: Any, token: Any) -> None:
    many = [("documents.giay_de_nghi", PDF, f"trang-{n}.pdf", "application/pdf") for n in range(999)]
    resp = _submit(client, token, many[:MAX_FILES_PER_DOCUMENT + 1] + [GOOD_ID])
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "upload.too_many_files"
    assert resp.json["error"]["field"] == "documents.giay_de_nghi"
    # 999 files are over the request's parts limit before any is read: 413, nothing stored (Werkzeug leaves
    # the spooled files it had started to the garbage collector, hence the filter on this test).
    assert _submit(client, token, many + [GOOD_ID]).status_code == 413


def test_the_store_refuses_a_polyglot_whatever_door(tmp_path: Any) -> None:
    store = AttachmentStore(tmp_path, 1024 * 1024)
    with pytest.raises(Invalid) as caught:
        store.check("documents.x", "poly.html", POLYGLOT)
    assert caught.value.code == "upload.type_not_allowed"
    assert store.check("documents.x", "scan.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 16).content_type == "image/jpeg"


def _documents(client: Any, token: Any, code: str) -> list[str]:
    tid = next(t["id"] for t in client.get("/api/v1/tasks", headers=token("reception")).json if t["dossier"] == code)
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "reception")
    page = client.get(f"/officer/tasks/{tid}").get_data(as_text=True)
    return sorted(set(re.findall(rf'/dossiers/{re.escape(code)}/documents/\d+', page)))


def test_documents_are_served_with_nosniff_pdf_inline_and_sandboxed_the_rest_as_downloads(
        client: Any, token: Any) -> None:
    code = _submit(client, token, [("documents.giay_de_nghi", PDF, "de-nghi.pdf", "application/pdf"),
                                   GOOD_ID]).json["code"]
    served = {}
    for url in _documents(client, token, code):
        for resp in (client.get(url), client.get(f"/api/v1{url}", headers=token("reception"))):
            assert resp.status_code == 200
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
            assert resp.headers["Content-Security-Policy"].startswith("sandbox")
            served[resp.mimetype] = resp.headers["Content-Disposition"]
    assert served["application/pdf"].startswith("inline")
    assert served["image/png"].startswith("attachment")
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "citizen")
    mine = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    for url in set(re.findall(rf'/my/dossiers/{re.escape(code)}/files/\d+', mine)):
        resp = client.get(url)
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Content-Disposition"].startswith("inline" if resp.mimetype == "application/pdf"
                                                              else "attachment")
