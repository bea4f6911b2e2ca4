"""Security headers on every response (one after-request hook, no library): a strict
Content-Security-Policy (scripts and styles from this site only, never inline; no frames of our pages
anywhere), X-Frame-Options for older browsers, nosniff, a Referrer-Policy that keeps links with tokens
in them (reset, confirmation) from leaking to other sites, and HSTS when `app.base_url` is https.

A response that sets its own Content-Security-Policy keeps it (a document served inline is sandboxed
more tightly still, see web/documents.py)."""
from __future__ import annotations

from flask import Flask, Response

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# The analysts' modeler only (web/admin_definitions.py): bpmn-js and its properties panel style the drawing
# through style attributes; everything else, scripts first, stays as strict as on every other page.
STUDIO_CSP = CSP.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';")
assert STUDIO_CSP != CSP
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    services = app.extensions["motcua"]
    https = str(services.config["app"].get("base_url", "")).startswith("https://")

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers["X-Content-Type-Options"] = "nosniff"
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
