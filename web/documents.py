"""How a dossier's document leaves the server (officer pages, the citizen's pages, the API).

Always with `X-Content-Type-Options: nosniff` and under the type its content was sniffed as, never the
stored one alone. A PDF — only when its bytes are a PDF — may open in the browser (inline), sandboxed
by its own Content-Security-Policy so that nothing in it can script our site; anything else is a
download (`Content-Disposition: attachment`)."""
from __future__ import annotations

import io

from flask import Response, send_file

from adapters.attachments import sniff

PDF = "application/pdf"
SANDBOX = "sandbox; default-src 'none'; object-src 'self'; frame-ancestors 'none'"


def send_document(data: bytes, stored_type: str, filename: str) -> Response:
    sniffed = sniff(data)
    inline = sniffed == PDF and stored_type == PDF and filename.lower().endswith(".pdf")
    response = send_file(io.BytesIO(data), mimetype=PDF if inline else (sniffed or "application/octet-stream"),
                         download_name=filename, as_attachment=not inline, max_age=0, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["Cache-Control"] = "private, no-store"
    return response
