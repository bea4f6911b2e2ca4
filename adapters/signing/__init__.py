"""The signing port (R3.1, R4.1, R7.3, R8.5): each agency's signing identity, the trust list, the
time-stamping authority, and the two operations on PDFs: sign (PAdES, adapters.signing.pades) and
verify against the trust list.

Configuration `[signing]` (docs/signatures.md):
- `trust_roots`, `intermediates`: PEM or DER files (relative paths: to the project folder);
- `tsa_url`: an RFC 3161 time-stamping authority; empty: signatures carry no timestamp;
- `fetch_revocation`: ask the OCSP responders and CRLs the certificates name when verifying (network);
- `[signing.agencies."<agency e-code>"]` `pkcs12 = "<file>"`, `password_env = "<variable>"`: the
  agency's identity, its password read from that environment variable (never from a file).
In demo mode (`[app] demo = true`) the demo PKI under `<data_dir>/pki` (adapters.signing.pki) is
trusted, and an agency without a configured identity gets one issued by the demo CA on first use."""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives.serialization import pkcs12

from adapters.config import PROJECT_ROOT, data_dir
from adapters.signing import pki
from adapters.signing.pades import (
    Identity,
    SigningFailed,
    Stamp,
    Verdict,
    load_certificates,
    load_identity,
    sign_pdf,
    verify_pdf,
)
from adapters.signing.tsa import UrlTimeStamper

__all__ = ["Identity", "SigningFailed", "SigningPort", "Stamp", "Verdict", "demo_pki_folder", "ensure_demo_pki"]

def demo_pki_folder(config: Mapping[str, Any]) -> Path:
    return data_dir(config) / "pki"


class NoIdentity(SigningFailed):
    """The agency has no signing identity configured (and this is not a demonstration)."""


class SigningPort:
    """Signs with the agencies' identities and verifies against the trust list."""

    def __init__(self, config: Mapping[str, Any]):
        self.config = config
        self.settings: Mapping[str, Any] = config.get("signing", {})
        self.demo = bool(config.get("app", {}).get("demo"))
        self.folder = demo_pki_folder(config)
        self._identities: dict[str, Identity] = {}
        self._roots: list[asn1_x509.Certificate] | None = None
        self._lock = threading.Lock()

    # --- identities ---------------------------------------------------------------------------
    def identity(self, code: str, name: str, *, now: dt.datetime) -> Identity:
        """The agency's signing identity: its configured PKCS#12 file, else (demo) the demo PKI's."""
        with self._lock:
            found = self._identities.get(code)
            if found is None:
                found = self._load(code, name, now)
                self._identities[code] = found
            return found

    def _load(self, code: str, name: str, now: dt.datetime) -> Identity:
        configured = self.settings.get("agencies", {}).get(code)
        if configured:
            path = _project_path(str(configured["pkcs12"]))
            variable = str(configured.get("password_env") or "")
            password = os.environ.get(variable, "") if variable else ""
            try:
                return load_identity(path.read_bytes(), password)
            except OSError as exc:
                raise SigningFailed(f"cannot read the identity of {code}: {exc}") from None
        if not self.demo:
            raise NoIdentity(f"no signing identity configured for agency {code} ([signing.agencies])")
        path = self.folder / pki.AGENCY_DIR / f"{code}.p12"
        if not path.is_file():
            ensure_demo_pki(self.config, [(code, name)], now=now)
        return load_identity(path.read_bytes(), pki.DEMO_PASSWORD)

    # --- trust list ---------------------------------------------------------------------------
    def trust_roots(self) -> list[asn1_x509.Certificate]:
        """The configured roots, plus (demo) the demo root."""
        if self._roots is None:
            roots = [c for f in self.settings.get("trust_roots", []) for c in _certificates(_project_path(str(f)))]
            demo_root = self.folder / pki.ROOT_FILE
            if self.demo and demo_root.is_file():
                roots += load_certificates(demo_root.read_bytes())
            elif self.demo:
                return roots  # the demo PKI may be made later (first signature, `motcua pki demo`)
            self._roots = roots
        return self._roots

    def intermediates(self) -> list[asn1_x509.Certificate]:
        found = [c for f in self.settings.get("intermediates", []) for c in _certificates(_project_path(str(f)))]
        demo_ca = self.folder / pki.ISSUING_FILE
        if self.demo and demo_ca.is_file():
            found += load_certificates(demo_ca.read_bytes())
        return found

    def forget(self) -> None:
        """Reload identities and the trust list on next use (after `motcua pki demo`)."""
        with self._lock:
            self._identities.clear()
            self._roots = None

    # --- operations ---------------------------------------------------------------------------
    def signed_by(self, verdict: Verdict, *, code: str, agency: str, at: dt.datetime) -> bool:
        """Whether a valid verdict's signer is this agency's own identity (same certificate)."""
        if verdict.status != "valid":
            return False
        cert = self.identity(code, agency, now=at).signer.signing_cert
        return cert is not None and verdict.fingerprint == cert.sha256.hex()

    def sign(self, pdf: bytes, *, code: str, agency: str, signer: str, reason: str, at: dt.datetime,
             box: tuple[float, float, float, float] | None = None) -> bytes:
        """`pdf` signed by the agency (visible stamp: agency, signer, time, in `box` on the last page when
        given; PAdES; timestamp if configured)."""
        identity = self.identity(code, agency, now=at)
        url = str(self.settings.get("tsa_url") or "")
        timestamper = UrlTimeStamper(url) if url else None
        return sign_pdf(pdf, identity, Stamp(agency, signer, reason, font=_font(self.config)), at=at,
                        trust_roots=self.trust_roots(), timestamper=timestamper, box=box)

    def verify(self, data: bytes, *, at: dt.datetime) -> Verdict:
        return verify_pdf(data, self.trust_roots(), at=at, intermediates=self.intermediates(),
                          fetch_revocation=bool(self.settings.get("fetch_revocation", False)))


def ensure_demo_pki(config: Mapping[str, Any], agencies: list[tuple[str, str]], *, now: dt.datetime,
                    applicant: str = "Nguyễn Văn An", fresh: bool = False) -> pki.DemoPki | None:
    """Create the demo PKI if it is absent (or `fresh`), and an identity for each listed agency that
    has none; returns what was made, None when nothing was missing."""
    folder = demo_pki_folder(config)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:  # two web processes must not each make a different root
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _ensure(folder, agencies, now=now, applicant=applicant, fresh=fresh)


def _ensure(folder: Path, agencies: list[tuple[str, str]], *, now: dt.datetime, applicant: str,
            fresh: bool) -> pki.DemoPki | None:
    if fresh or not (folder / pki.ROOT_FILE).is_file():
        return pki.make_demo_pki(folder, agencies, applicant, now=now)
    issuing = _issuing(folder)
    chain = [issuing.cert] + pyca_x509.load_pem_x509_certificates((folder / pki.ROOT_FILE).read_bytes())
    added = False
    for code, name in agencies:
        path = folder / pki.AGENCY_DIR / f"{code}.p12"
        if not path.is_file():
            entity = pki.make_signer(issuing, name, name, unit=code, now=now)
            pki.write_private(path, pki.pkcs12_bytes(entity, chain, pki.DEMO_PASSWORD, name))
            added = True
    return pki.DemoPki(folder, folder / pki.ROOT_FILE, folder / pki.ISSUING_FILE, {}, folder / pki.CITIZEN_FILE,
                       folder / pki.TSA_FILE) if added else None


def _issuing(folder: Path) -> pki.Authority:
    key, cert, _ = pkcs12.load_key_and_certificates((folder / pki.ISSUING_KEY_FILE).read_bytes(),
                                                    pki.DEMO_PASSWORD.encode())
    assert key is not None and cert is not None
    return pki.Authority(cert, key)  # type: ignore[arg-type]


def _project_path(text: str) -> Path:
    path = Path(text)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _certificates(path: Path) -> list[asn1_x509.Certificate]:
    try:
        return load_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SigningFailed(f"cannot read the trusted certificate {path}: {exc}") from None


def _font(config: Mapping[str, Any]) -> Path | None:
    try:
        from adapters.forms_pdf import find_font_dir

        return find_font_dir(config.get("forms", {}).get("font_dir")) / "DejaVuSans.ttf"
    except Exception:
        return None
