"""RFC 3161 time-stamping: the client pyHanko calls when `[signing] tsa_url` is set (HTTP POST of a
DER `TimeStampReq`, `Content-Type: application/timestamp-query`, answer `application/timestamp-reply`),
and a local authority for the demonstration and the tests (`answer`, served at /_sim/tsa/ in demo
mode), made on pyHanko's DummyTimeStamper with the demo PKI's TSA certificate."""
from __future__ import annotations

import asyncio
import datetime as dt
import urllib.request
from pathlib import Path

from asn1crypto import tsp
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.timestamps import DummyTimeStamper, TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator.registry import SimpleCertificateStore

TIMEOUT_SECONDS = 10


class UrlTimeStamper(TimeStamper):
    """A TSA reached over HTTP(S) with the standard library (no extra client dependency)."""

    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS):
        super().__init__()
        self.url = url
        self.timeout = timeout

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        def post() -> bytes:
            request = urllib.request.Request(self.url, data=req.dump(), method="POST", headers={
                "Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                    return bytes(response.read())
            except OSError as exc:
                raise TimestampRequestError(f"time-stamping authority {self.url} unreachable: {exc}") from exc

        return tsp.TimeStampResp.load(await asyncio.to_thread(post))


def local_authority(p12: Path, password: str, *, fixed: dt.datetime | None = None) -> DummyTimeStamper:
    """A time-stamping authority answering with the certificate of `p12` (the demo PKI's tsa.p12)."""
    signer = SimpleSigner.load_pkcs12_data(p12.read_bytes(), other_certs=[], passphrase=password.encode())
    chain = SimpleCertificateStore.from_certs(list(signer.cert_registry))
    return DummyTimeStamper(tsa_cert=signer.signing_cert, tsa_key=signer.signing_key, certs_to_embed=chain,
                            fixed_dt=fixed)


def well_formed(body: bytes) -> bool:
    """Whether `body` parses as a DER TimeStampReq with a message imprint."""
    try:
        request = tsp.TimeStampReq.load(body)
        request.native  # noqa: B018 (parse fully now)
        return bool(request["message_imprint"]["hashed_message"].native)
    except Exception:  # asn1crypto raises several kinds on malformed input
        return False


def answer(authority: DummyTimeStamper, body: bytes) -> bytes:
    """The DER `TimeStampResp` to a DER `TimeStampReq` (raises ValueError on a malformed request)."""
    request = tsp.TimeStampReq.load(body)
    request.native  # parse fully now: a malformed request fails here  # noqa: B018
    return authority.request_tsa_response(request).dump()
