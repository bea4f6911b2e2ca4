"""PAdES signing and validation (adapters.signing): what a verifier of a MotCua PDF sees."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from adapters.signing import pades, pki, tsa
from tests.conftest import START
from tests.signing_kit import (
    AGENCY,
    citizen,
    expired,
    forged_marker,
    plain_pdf,
    self_made,
    sign_as,
    signature_widget,
    signing_pki,
)

LATER = START + dt.timedelta(hours=1)


def _roots() -> list:
    return pades.load_certificates(signing_pki().root.read_bytes())


def _agency() -> pades.Identity:
    return pades.load_identity(signing_pki().agencies[AGENCY[0]].read_bytes(), pki.DEMO_PASSWORD)


def _signed_by_agency(**kwargs) -> bytes:  # type: ignore[no-untyped-def]
    stamp = pades.Stamp(AGENCY[1], "Hoàng Văn Em", "Kết quả giải quyết")
    return pades.sign_pdf(plain_pdf(), _agency(), stamp, at=START, trust_roots=_roots(), **kwargs)


def test_agency_signature_validates_with_pyhankos_own_validator() -> None:
    signed = _signed_by_agency()
    import io

    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=_roots(), moment=LATER))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == AGENCY[1]
    assert sig.self_reported_timestamp == START  # the injected clock, not the machine's
    # the chain is embedded: a verifier with the root alone finds the path
    assert b"/DSS" in signed


def test_verdict_valid_names_signer_and_time() -> None:
    verdict = pades.verify_pdf(_signed_by_agency(), _roots(), at=LATER)
    assert (verdict.status, verdict.valid, verdict.trusted, verdict.intact) == ("valid", True, True, True)
    assert verdict.signer == AGENCY[1] and verdict.unit == AGENCY[0]
    assert verdict.signed_at == START


def test_one_byte_changed_after_signing_is_modified() -> None:
    signed = bytearray(_signed_by_agency())
    signed[len(plain_pdf()) // 2] ^= 0x01  # inside the bytes the signature covers
    verdict = pades.verify_pdf(bytes(signed), _roots(), at=LATER)
    assert verdict.status == "modified" and not verdict.valid and not verdict.intact


def test_citizen_certificate_of_the_trusted_ca_is_valid() -> None:
    verdict = pades.verify_pdf(sign_as(citizen()), _roots(), at=LATER)
    assert verdict.status == "valid" and verdict.signer == "Nguyễn Văn An"


def test_self_made_certificate_is_untrusted() -> None:
    verdict = pades.verify_pdf(sign_as(self_made()), _roots(), at=LATER)
    assert verdict.status == "untrusted" and verdict.intact and not verdict.valid and not verdict.trusted


def test_expired_certificate_is_expired() -> None:
    verdict = pades.verify_pdf(sign_as(expired()), _roots(), at=LATER)
    assert verdict.status == "expired" and not verdict.valid


def test_forged_marker_file_is_never_valid() -> None:
    verdict = pades.verify_pdf(forged_marker(), _roots(), at=LATER)
    assert verdict.status == "modified" and not verdict.valid and verdict.signed


def test_plain_pdf_and_other_files_are_unsigned() -> None:
    assert pades.verify_pdf(plain_pdf(), _roots(), at=LATER).status == "unsigned"
    assert pades.verify_pdf(b"\x89PNG\r\n", _roots(), at=LATER).status == "unsigned"


def test_timestamped_signature_carries_the_authoritys_time(tmp_path: Path) -> None:
    authority = tsa.local_authority(signing_pki().tsa, pki.DEMO_PASSWORD, fixed=START)
    signed = _signed_by_agency(timestamper=authority)
    verdict = pades.verify_pdf(signed, _roots(), at=LATER)
    assert verdict.status == "valid" and verdict.timestamped and verdict.signed_at == START
    assert verdict.signatures == 1  # the document timestamp (LTA) is not counted as a signature


def test_tsa_answer_round_trip() -> None:
    from asn1crypto import algos, tsp

    authority = tsa.local_authority(signing_pki().tsa, pki.DEMO_PASSWORD, fixed=START)
    request = tsp.TimeStampReq({"version": 1, "message_imprint": {
        "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}), "hashed_message": b"\x00" * 32},
        "cert_req": True})
    reply = tsp.TimeStampResp.load(tsa.answer(authority, request.dump()))
    assert reply["status"]["status"].native == "granted"


def test_an_agency_does_not_sign_twice_what_it_signed(tmp_path: Path) -> None:
    """sign_result keeps a file the agency has already validly signed (its own certificate, by fingerprint)."""
    from adapters.signing import SigningPort
    from tests.signing_kit import install_pki

    install_pki(tmp_path)
    port = SigningPort({"app": {"demo": True}, "storage": {"data_dir": str(tmp_path)}, "signing": {}})
    signed = port.sign(plain_pdf(), code=AGENCY[0], agency=AGENCY[1], signer="Hoàng Văn Em", reason="", at=START)
    verdict = port.verify(signed, at=LATER)
    assert port.signed_by(verdict, code=AGENCY[0], agency=AGENCY[1], at=LATER)
    assert not port.signed_by(port.verify(sign_as(citizen()), at=LATER), code=AGENCY[0], agency=AGENCY[1], at=LATER)


def test_a_configured_identity_signs_with_its_password_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Production: `[signing.agencies."<e-code>"]` names the PKCS#12 file and the variable of its password;
    an agency without one cannot sign (no demo fallback), and a wrong password is refused."""
    from adapters.signing import SigningFailed, SigningPort

    p12 = tmp_path / "ubnd.p12"
    p12.write_bytes(pki.pkcs12_bytes(pki.make_signer(None, "UBND thử", "UBND", now=START), [], "s3cret", "x"))
    config = {"app": {"demo": False}, "storage": {"data_dir": str(tmp_path)},
              "signing": {"agencies": {AGENCY[0]: {"pkcs12": str(p12), "password_env": "MOTCUA_TEST_P12_PASSWORD"}}}}
    monkeypatch.setenv("MOTCUA_TEST_P12_PASSWORD", "s3cret")
    signed = SigningPort(config).sign(plain_pdf(), code=AGENCY[0], agency=AGENCY[1], signer="A", reason="", at=START)
    assert pades.verify_pdf(signed, [], at=LATER).signer == "UBND thử"
    with pytest.raises(SigningFailed):
        SigningPort(config).sign(plain_pdf(), code="000.00.05.H34", agency="Sở", signer="A", reason="", at=START)
    monkeypatch.setenv("MOTCUA_TEST_P12_PASSWORD", "wrong")
    with pytest.raises(SigningFailed):
        SigningPort(config).sign(plain_pdf(), code=AGENCY[0], agency=AGENCY[1], signer="A", reason="", at=START)


def test_the_stamp_text_is_set_at_the_fonts_own_letter_widths() -> None:
    """The stamp's Vietnamese text is drawn with DejaVu Sans (2,048 units per em): each glyph's declared width
    must be its advance in thousandths of an em, as PDF reads it, or a viewer sets the letters about twice
    their width apart and the lines run out of the box (pyHanko 0.38 wrote font units)."""
    import io

    import pypdf
    from fontTools.ttLib import TTFont

    from adapters.forms_pdf import find_font_dir

    font = find_font_dir(None) / "DejaVuSans.ttf"
    stamp = pades.Stamp(AGENCY[1], "Hoàng Văn Em", "Kết quả giải quyết", font=font)
    signed = pades.sign_pdf(plain_pdf(), _agency(), stamp, at=START, trust_roots=_roots())
    appearance = signature_widget(pypdf.PdfReader(io.BytesIO(signed)).pages[-1])["/AP"]["/N"].get_object()
    fonts = []
    pending = [appearance]
    while pending:  # the font sits in a form XObject of the appearance
        x = pending.pop()
        resources = x.get("/Resources", {})
        fonts += [f.get_object() for f in resources.get("/Font", {}).values()]
        pending += [v.get_object() for v in resources.get("/XObject", {}).values()]
    cid_font = fonts[0]["/DescendantFonts"][0].get_object()
    w = list(cid_font["/W"])
    declared = {}
    for start, widths in zip(w[::2], w[1::2], strict=True):  # [first_cid [w1 w2 …]] …
        declared.update({int(start) + n: int(v) for n, v in enumerate(widths)})
    tt = TTFont(str(font))
    per_em, order = tt["head"].unitsPerEm, tt.getGlyphOrder()
    assert per_em == 2048 and len(declared) > 20  # the stamp's text uses a few dozen glyphs
    for cid, width in declared.items():  # a TrueType CID is the glyph's index
        assert width == round(tt["hmtx"][order[cid]][0] * 1000 / per_em), order[cid]
    assert declared[order.index("a")] == 613
    descriptor = cid_font["/FontDescriptor"].get_object()  # its metrics in the same thousandths
    assert int(descriptor["/Ascent"]) == round(tt["hhea"].ascent * 1000 / per_em)
    assert [int(v) for v in descriptor["/FontBBox"]] == [round(v * 1000 / per_em) for v in (
        tt["head"].xMin, tt["head"].yMin, tt["head"].xMax, tt["head"].yMax)]
