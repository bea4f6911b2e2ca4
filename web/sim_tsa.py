"""The demo's local time-stamping authority (RFC 3161 over HTTP), at `/_sim/tsa/`, registered only when
`[app] demo = true`: it answers a DER `TimeStampReq` with a `TimeStampResp` signed by the demo PKI's
TSA certificate (<data_dir>/pki/tsa.p12). Point `[signing] tsa_url` at it to timestamp the demo's
signatures; tests start the app on a real local server and do the same."""
from __future__ import annotations

from flask import Blueprint, Response, request

from adapters.signing import demo_pki_folder, ensure_demo_pki, pki, tsa
from web.context import services

bp = Blueprint("sim_tsa", __name__, url_prefix="/_sim/tsa")
MAX_REQUEST_BYTES = 4096  # a TimeStampReq is a hash and a few fields


@bp.post("/")
def timestamp() -> Response:
    body = request.get_data(cache=False)
    if not body or len(body) > MAX_REQUEST_BYTES or not tsa.well_formed(body):
        return Response("a DER TimeStampReq is expected\n", status=400, mimetype="text/plain")
    config, now = services().config, services().clock.now()
    p12 = demo_pki_folder(config) / pki.TSA_FILE
    if not p12.is_file():
        ensure_demo_pki(config, [], now=now)  # as `motcua pki demo` would (demo mode only)
    # the simulated authority keeps the site's (injected) clock, so a demo or a test has one time
    reply = tsa.answer(tsa.local_authority(p12, pki.DEMO_PASSWORD, fixed=now), body)
    return Response(reply, mimetype="application/timestamp-reply")
