"""Test PKI and PDFs for the signature tests: made once per run (EC P-256 keys, fast), never committed."""
from __future__ import annotations

import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fpdf import FPDF

from adapters.signing import pades, pki
from tests.conftest import START

AGENCY = ("000.00.22.H34", "Ủy ban nhân dân thành phố Kon Tum")  # the demo's main agency


@functools.cache
def signing_pki() -> pki.DemoPki:
    """A demo PKI valid around the tests' clock (START): root, issuing CA, the main agency, the citizen."""
    folder = Path(tempfile.mkdtemp(prefix="motcua-pki-"))
    return pki.make_demo_pki(folder, [AGENCY], "Nguyễn Văn An", now=START - dt.timedelta(days=30))


def install_pki(data_dir: Path) -> Path:
    """Copy the test PKI where the services look for the demo PKI (<data_dir>/pki)."""
    target = data_dir / "pki"
    shutil.copytree(signing_pki().folder, target, dirs_exist_ok=True)
    return target


def plain_pdf(text: str = "Giấy chứng nhận") -> bytes:
    pdf = FPDF(format=(148, 210))
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=pades.ascii_fold(text))
    return bytes(pdf.output())


def citizen() -> pades.Identity:
    return pades.load_identity(signing_pki().citizen.read_bytes(), pki.DEMO_PASSWORD)


def self_made(now: dt.datetime = START) -> pades.Identity:
    """A certificate its holder made for itself: signed by nobody the trust list knows."""
    entity = pki.make_signer(None, "Nguyễn Văn An", "Tự cấp", now=now)
    return pades.load_identity(pki.pkcs12_bytes(entity, [], "x", "self"), "x")


def expired(now: dt.datetime = START) -> pades.Identity:
    """A certificate of the demo issuing CA whose validity ended before `now`."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    folder = signing_pki().folder
    key, cert, _ = pkcs12.load_key_and_certificates((folder / pki.ISSUING_KEY_FILE).read_bytes(), b"demo")
    issuing = pki.Authority(cert, key)  # type: ignore[arg-type]
    root = pades.load_certificates((folder / pki.ROOT_FILE).read_bytes())
    from cryptography import x509

    entity = pki.make_signer(issuing, "Trần Thị Bình", "Công dân", now=now,
                             not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=30))
    root_pyca = x509.load_der_x509_certificate(root[0].dump())
    return pades.load_identity(pki.pkcs12_bytes(entity, [cert, root_pyca], "x", "old"), "x")


def sign_as(identity: pades.Identity, pdf: bytes | None = None, at: dt.datetime = START) -> bytes:
    """A PDF signed the way a citizen's signing software does (the signature alone, nothing embedded)."""
    return pades.sign_pdf(pdf or plain_pdf(), identity, pades.Stamp("Công dân", identity.name), at=at,
                          embed_validation=False)


def forged_marker() -> bytes:
    """A file made only of the words of a signature dictionary (what the old heuristic accepted)."""
    return (b"%PDF-1.4\n1 0 obj << /Type /Sig /FT /Sig /ByteRange [0 100 200 300] /Contents <"
            + b"30" * 64 + b"> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def signature_widget(page: Any) -> Any:
    """The visible signature's widget annotation on a pypdf page (its `/Rect`, its appearance `/AP`)."""
    return next(a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig")
