"""The public verification page `/verify` (issue 14): anyone uploads a PDF that claims to come from an
agency and learns whether its digital signature is valid, who signed it and when, and, for a result
MotCua handed over, which agency issued it for which dossier. No log-in; throttled per address; the
file is checked, never stored. Routes parse, call, render."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from processes.errors import Refused
from processes.signing import verify_document
from web import refusals
from web.context import services
from web.page_kit import client_ip, field_errors

bp = Blueprint("verify", __name__)


def uploaded_file() -> bytes:
    """The bytes of the multipart field `file` (empty when none was sent)."""
    sent = request.files.get("file")
    return sent.read() if sent is not None else b""


@bp.route("/verify", methods=["GET", "POST"])
def verify_page() -> Any:
    max_mb = int(services().config["storage"]["max_upload_bytes"]) // (1024 * 1024)
    if request.method == "GET":
        return render_template("portal/verify.html", errors={}, result=None, max_mb=max_mb)
    try:
        result = verify_document(services(), uploaded_file(), client_ip())
    except Refused as exc:
        wait = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else {}
        errors = field_errors(exc) or {"": refusals.message_of(exc)}
        return render_template("portal/verify.html", errors=errors, result=None, max_mb=max_mb), \
            refusals.status_of(exc), wait
    return render_template("portal/verify.html", errors={}, result=result, max_mb=max_mb)
