"""Pure rules of the portal: searching without diacritics, forged signature markers, signed links."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.signing.pades import verify_pdf
from processes.people import account_tokens
from processes.submission.portal_catalogue import fold, matches

SIGNED = (b"%PDF-1.7\n1 0 obj <</Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
          b"/ByteRange [0 840 17224 1200] /Contents <308206a906092a864886f70d010702a082069a30820696>>> endobj\n%%EOF")
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["dang ky kinh doanh", "Đăng ký kinh doanh", "ĐĂNG KÝ KINH DOANH", "dang  KY"])
def test_search_ignores_diacritics_case_and_spacing(typed: str) -> None:
    assert matches(typed, {"name": "Đăng ký thành lập hộ kinh doanh", "code": "1.001612"})


def test_search_needs_every_word_and_knows_d_with_stroke() -> None:
    assert fold("Đường Đống Đa") == "duong dong da"
    assert not matches("dang ky ket hon", {"name": "Đăng ký thành lập hộ kinh doanh"})
    assert matches("1.001612", {"name": "x", "code": "1.001612"})


def test_the_words_of_a_signature_dictionary_are_not_a_signature() -> None:
    """Issue 14: the marker heuristic is gone; markers without a verifiable signature are 'modified'."""
    assert verify_pdf(SIGNED, [], at=NOW).status == "modified"
    assert not verify_pdf(SIGNED, [], at=NOW).valid
    assert verify_pdf(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF", [], at=NOW).status == "unsigned"
    assert verify_pdf(b"\x89PNG" + SIGNED, [], at=NOW).status == "unsigned"  # not a PDF at all


def test_signed_links_expire_and_cannot_be_forged() -> None:
    token = account_tokens.make("secret", account_tokens.RESET, "citizen", "hash-1", NOW)
    assert account_tokens.read("secret", account_tokens.RESET, token, NOW + timedelta(minutes=59)) == (
        "citizen", account_tokens.fingerprint("hash-1"))
    with pytest.raises(account_tokens.BadToken) as late:
        account_tokens.read("secret", account_tokens.RESET, token, NOW + timedelta(minutes=61))
    assert late.value.expired
    for secret, purpose in (("other", account_tokens.RESET), ("secret", account_tokens.CONFIRM)):
        with pytest.raises(account_tokens.BadToken) as bad:
            account_tokens.read(secret, purpose, token, NOW)
        assert not bad.value.expired


@pytest.mark.parametrize("role", ["citizen", "reception", "leader", "admin"])
def test_only_the_active_applicant_acts_on_their_dossier(role: str) -> None:
    from models import Dossier, User
    from processes.access import may_act_as_applicant

    dossier = Dossier(applicant_id=1, agency_id=10)
    assert may_act_as_applicant(User(id=1, roles=[role], active=True), dossier)
    assert not may_act_as_applicant(User(id=1, roles=[role], active=False), dossier)
    assert not may_act_as_applicant(User(id=2, roles=[role], agency_id=10, active=True), dossier)
