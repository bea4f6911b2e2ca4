"""PAdES signatures with pyHanko: sign a PDF with an identity (visible stamp + CMS signature, the
chain and a timestamp when a TSA is configured, validation data embedded), and validate the
signatures of a PDF against a trust list.

Validation answers one of: unsigned, valid, untrusted, modified, expired, revoked — with
the signer's name, the signing time and the issuer. "Modified" means the signed bytes no longer hash
to the signed digest, or the file was changed after signing in a way the signature does not allow."""
from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.signers.pdf_signer import PdfSigner, PdfSigningSession
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

T = TypeVar("T")

log = logging.getLogger(__name__)
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset" on every stamp

FIELD_NAME = "MotCuaAgencySignature"
STAMP_SIZE = (250, 78)  # points: the visible box, bottom right of the last page
STAMP_MARGIN = 24


class SigningFailed(Exception):
    """The identity could not be loaded or the PDF could not be signed (the message says why)."""


@dataclass(frozen=True)
class Identity:
    """A signing identity: pyHanko's signer (key + certificate + chain) and its display name."""

    signer: signers.SimpleSigner
    name: str
    chain: tuple[asn1_x509.Certificate, ...]


def load_identity(data: bytes, password: str) -> Identity:
    """A PKCS#12 file's identity (its certificates beside the key form the chain to embed)."""
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password.encode())
    except ValueError as exc:
        raise SigningFailed(f"cannot open the PKCS#12 identity: {exc}") from None
    cert = signer.signing_cert
    chain = tuple(c for c in signer.cert_registry if c.sha256 != cert.sha256)
    return Identity(signer, common_name(cert), chain)


def common_name(cert: asn1_x509.Certificate) -> str:
    native = cert.subject.native
    return str(native.get("common_name") or cert.subject.human_friendly)


def load_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """Every certificate of a PEM (one or several) or DER file."""
    if b"-----BEGIN" in data:
        found = pyca_x509.load_pem_x509_certificates(data)
    else:
        found = [pyca_x509.load_der_x509_certificate(data)]
    return [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in found]


@dataclass(frozen=True)
class Stamp:
    """What the visible box says."""

    agency: str
    signer: str
    reason: str = ""
    font: Path | None = None  # a TTF with Vietnamese glyphs; None: the text is written without diacritics


class _ClockedSigner(PdfSigner):
    """pyHanko's signer with the signing time taken from the injected clock, not the machine's."""

    def __init__(self, *args, at: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._at = at

    def init_signing_session(self, pdf_out, existing_fields_only=False) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._at
        return session


def _outside_event_loop(work: Callable[..., T]) -> Callable[..., T]:
    """pyHanko's synchronous calls start their own asyncio loop, which fails in a thread that already runs
    one (a caller inside asynchronous code: a Playwright-driven test keeps a loop in the main thread for
    the whole session). There the work runs in a short-lived thread of its own; elsewhere (gunicorn's
    threads, the CLI, the sweeper) it is called directly."""
    @functools.wraps(work)
    def run(*args: Any, **kwargs: Any) -> T:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return work(*args, **kwargs)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(work, *args, **kwargs).result()
    return run


@_outside_event_loop
def sign_pdf(pdf: bytes, identity: Identity, stamp: Stamp, *, at: dt.datetime,
             trust_roots: Sequence[asn1_x509.Certificate] = (), timestamper: TimeStamper | None = None,
             embed_validation: bool = True, box: tuple[float, float, float, float] | None = None) -> bytes:
    """Sign `pdf` (PAdES, SHA-256) with a visible stamp on its last page (in `box`, the form's room to sign
    in PDF points, when the form says where; else in the lower right corner); the chain and the validation
    data of the signer (and of the TSA) are embedded; with a timestamper the signature is timestamped
    and a document timestamp closes the file (PAdES B-LTA), else it is PAdES B-LT without a TSA.
    Embedding validates the signer's certificate first: an expired or untrusted identity cannot sign."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        width, _height = _last_page_size(writer)
    except Exception as exc:  # pyHanko raises several kinds for a damaged file
        raise SigningFailed(f"cannot read the PDF to sign: {exc}") from None
    own = (*identity.chain, identity.signer.signing_cert)
    roots = list(trust_roots) + [c for c in own if c.self_signed in ("maybe", "yes")]
    context = ValidationContext(trust_roots=roots, other_certs=list(identity.chain), allow_fetching=False,
                                moment=at, revocation_mode="soft-fail")
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=stamp.reason or None, location=stamp.agency, name=stamp.signer,
        embed_validation_info=embed_validation, validation_context=context if embed_validation else None,
        use_pades_lta=timestamper is not None and embed_validation)
    if box is None:
        x2, y1 = width - STAMP_MARGIN, STAMP_MARGIN
        box = (x2 - STAMP_SIZE[0], y1, x2, y1 + STAMP_SIZE[1])
    box = (int(box[0]), int(box[1]), int(box[2]), int(box[3]))  # lower left, upper right
    pdf_signer = _ClockedSigner(meta, identity.signer, at=at, timestamper=timestamper,
                                stamp_style=_style(stamp, at),
                                new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=box))
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out)
    except Exception as exc:
        raise SigningFailed(f"signing failed: {exc}") from None
    return out.getvalue()


STAMP_FONT_SIZE = 7


def _style(stamp: Stamp, at: dt.datetime) -> TextStampStyle:
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.text import TextBoxStyle

    lines = [f"Ký bởi: {stamp.agency}", f"Người ký: {stamp.signer}",
             f"Thời gian ký: {at.astimezone(_VN):%d/%m/%Y %H:%M:%S} (GMT+7)"]
    text = "\n".join(lines)
    # Thin margins: in a form's room to sign (about 30 points high on A5) the three lines keep their size
    # (the text shrinks to fit only a box smaller than itself).
    tight = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID,
                                       y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins.uniform(3))
    if stamp.font is not None and stamp.font.is_file():
        box_style = TextBoxStyle(font=_font_factory(str(stamp.font)), font_size=STAMP_FONT_SIZE,
                                 box_layout_rule=tight)
    else:
        box_style = TextBoxStyle(font_size=STAMP_FONT_SIZE, box_layout_rule=tight)
        text = ascii_fold(text)
    return TextStampStyle(stamp_text=text.replace("%", "%%"), text_box_style=box_style, border_width=1)


_VN = dt.timezone(dt.timedelta(hours=7))


@functools.cache
def _font_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


def _font_factory(path: str):
    """pyHanko's OpenType engine, fed from memory (its own factory leaves the font file open), with its
    widths in thousandths of an em (`_thousandths`)."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
    from pyhanko.pdf_utils.generic import ArrayObject, NameObject, NumberObject

    class InThousandths(GlyphAccumulator):
        """PDF reads a CID font's widths (`/W`) and the `TJ` adjustments as thousandths of an em; pyHanko
        0.38 writes them in the font's own units, right for a font of 1,000 units per em only: DejaVu Sans
        has 2,048, so every letter of the stamp was drawn about twice its width apart and the lines ran
        out of the box. HarfBuzz is asked for positions in thousandths, and the widths are scaled alike."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._per_thousandth = per = 1000 / self.units_per_em
            self.hb_font.scale = (1000, 1000)
            self.units_per_em = 1000
            descriptor = self.cidfont_obj._font_descriptor  # its metrics are in the same units as the widths
            for key in ("/Ascent", "/Descent", "/CapHeight"):
                descriptor[NameObject(key)] = NumberObject(round(int(descriptor[NameObject(key)]) * per))
            descriptor[NameObject("/FontBBox")] = ArrayObject(
                NumberObject(round(int(v) * per)) for v in descriptor[NameObject("/FontBBox")])

        def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
            if glyph_id in self._glyphs:
                return self._glyphs[glyph_id]
            cid, width = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = scaled = cid, round(width * self._per_thousandth)
            return scaled

    class FromMemory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None):
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return InThousandths(writer=writer, font_handle=io.BytesIO(_font_bytes(self.font_file)),
                                 font_size=self.font_size, obj_stream=obj_stream)

    # The engine's size must be the text box's: pyHanko advances each glyph at the engine's size and draws it
    # at the box's, so a mismatch (its default is 10) spreads the letters and runs the lines out of the box.
    return FromMemory(path, font_size=STAMP_FONT_SIZE)


def ascii_fold(text: str) -> str:
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if ord(c) < 128)


def _last_page_size(writer: IncrementalPdfFileWriter) -> tuple[float, float]:
    pages = writer.root["/Pages"]
    count = int(pages["/Count"])
    page = writer.find_page_for_modification(count - 1)[0].get_object()
    node = page
    while node is not None:
        box = node.get("/MediaBox")
        if box is not None:
            x1, y1, x2, y2 = (float(v) for v in box)
            return x2 - x1, y2 - y1
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return 595.0, 842.0


# --- validation --------------------------------------------------------------------------------

STATUSES = ("unsigned", "valid", "untrusted", "modified", "expired", "revoked")


@dataclass(frozen=True)
class Verdict:
    """What a PDF's signatures say; `status` is one of STATUSES (the worst of its signatures)."""

    status: str
    signed: bool = False
    valid: bool = False
    trusted: bool = False
    intact: bool = False
    signer: str = ""
    organisation: str = ""
    unit: str = ""
    issuer: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    revocation_checked: bool = False
    signatures: int = 0
    fingerprint: str = ""  # SHA-256 of the (first) signer's certificate, hex
    details: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"status": self.status, "signed": self.signed, "valid": self.valid, "trusted": self.trusted,
                "intact": self.intact, "signer": self.signer or None, "organisation": self.organisation or None,
                "issuer": self.issuer or None,
                "signed_at": self.signed_at.isoformat() if self.signed_at else None,
                "timestamped": self.timestamped, "revocation_checked": self.revocation_checked,
                "signatures": self.signatures}


UNSIGNED = Verdict("unsigned")
BROKEN = Verdict("modified", signed=True)  # signature markers, but no signature that can be checked
_RANK = {s: i for i, s in enumerate(("valid", "untrusted", "expired", "revoked", "modified"))}
_EXPIRED = {AdESIndeterminate.OUT_OF_BOUNDS_NO_POE, AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
            AdESIndeterminate.EXPIRED}
_REVOKED = {AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE, AdESFailure.REVOKED}


@_outside_event_loop
def verify_pdf(data: bytes, trust_roots: Iterable[asn1_x509.Certificate], *, at: dt.datetime,
               intermediates: Iterable[asn1_x509.Certificate] = (), fetch_revocation: bool = False) -> Verdict:
    """Validate every signature of a PDF against the trust roots, at the instant `at`. Without
    `fetch_revocation` no network is used: revocation is known only from what the file embeds, and
    `revocation_checked` stays false; with it, the OCSP responders and CRLs the certificates name are
    asked (soft-fail: an unreachable source leaves the status as it is)."""
    if not data.startswith(b"%PDF-"):
        return UNSIGNED
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception:  # a damaged file with signature markers is not a valid signature
        return BROKEN if _has_marker(data) else UNSIGNED
    if not embedded:
        return BROKEN if _has_marker(data) else UNSIGNED
    roots = list(trust_roots)
    verdicts = [_one(sig, roots, list(intermediates), at, fetch_revocation) for sig in embedded]
    worst = max(verdicts, key=lambda v: _RANK[v.status])
    first = verdicts[0]
    return Verdict(worst.status, signed=True, valid=all(v.valid for v in verdicts),
                   trusted=all(v.trusted for v in verdicts), intact=all(v.intact for v in verdicts),
                   signer=first.signer, organisation=first.organisation, unit=first.unit, issuer=first.issuer,
                   signed_at=first.signed_at, timestamped=first.timestamped,
                   revocation_checked=all(v.revocation_checked for v in verdicts), signatures=len(verdicts),
                   fingerprint=first.fingerprint,
                   details=[v.as_json() for v in verdicts])


def _has_marker(data: bytes) -> bool:
    return b"/ByteRange" in data and b"/Sig" in data


def _one(sig, roots: list[asn1_x509.Certificate], intermediates: list[asn1_x509.Certificate],
         at: dt.datetime, fetch: bool) -> Verdict:
    context = ValidationContext(trust_roots=roots, other_certs=intermediates, allow_fetching=fetch,
                                moment=at, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context,
                                        ts_validation_context=context)
    except Exception as exc:
        log.info("signature could not be validated: %s", exc)
        return BROKEN
    cert = status.signing_cert
    subject = cert.subject.native
    when = None
    timestamped = status.timestamp_validity is not None
    if status.timestamp_validity is not None:
        when = status.timestamp_validity.timestamp
    when = when or status.signer_reported_dt or _claimed_time(sig)
    intact, valid = bool(status.intact), bool(status.valid)
    trusted = bool(status.trusted)
    coverage_ok = status.bottom_line or (status.modification_level is not None
                                         and status.docmdp_ok is not False
                                         and status.coverage is not None
                                         and status.coverage.name in ("ENTIRE_FILE", "ENTIRE_REVISION")
                                         and status.modification_level.name in ("NONE", "LTA_UPDATES",
                                                                                 "FORM_FILLING",
                                                                                 "ANNOTATIONS"))
    indic = status.trust_problem_indic
    if not intact or not valid or not coverage_ok:
        state = "modified"  # the signature does not match the bytes (or no longer covers the file)
    elif trusted:
        state = "valid"
    elif indic in _REVOKED:
        state = "revoked"
    elif indic in _EXPIRED or _expired(cert, at):
        state = "expired"
    else:
        state = "untrusted"
    return Verdict(state, signed=True, valid=state == "valid", trusted=trusted, intact=intact and coverage_ok,
                   signer=str(subject.get("common_name") or ""), organisation=str(subject.get("organization_name")
                                                                                   or ""),
                   unit=str(subject.get("organizational_unit_name") or ""),
                   issuer=str(cert.issuer.native.get("common_name") or ""), signed_at=when,
                   timestamped=timestamped, revocation_checked=fetch and trusted, signatures=1,
                   fingerprint=cert.sha256.hex())


def _expired(cert: asn1_x509.Certificate, at: dt.datetime) -> bool:
    validity = cert["tbs_certificate"]["validity"]
    return bool(at > validity["not_after"].native or at < validity["not_before"].native)


def _claimed_time(sig) -> dt.datetime | None:
    try:
        return sig.self_reported_timestamp
    except Exception:
        return None
