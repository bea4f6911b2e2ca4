"""The purposes of processing and the rules of consent (Decree 13/2023/NĐ-CP), without a database: what
each purpose tells the person, which ones need consent, what counts as consent, and the current state
(the latest decision)."""
from __future__ import annotations

import dataclasses

import pytest

from processes.errors import Invalid
from processes.people import consent
from processes.people.consent import (
    ACKNOWLEDGED,
    GRANTED,
    PROCESSING,
    PROFILE_PREFILL,
    PURPOSES,
    WITHDRAWN,
    ZALO_NOTICES,
)


def seen(purpose: str, decision: str) -> dict[str, str]:
    """A record as `consent.history` lists it (what the current-state rule reads)."""
    return {"purpose": purpose, "decision": decision, "at": "2026-12-07T08:00:00+07:00"}


def test_processing_rests_on_the_law_and_the_other_purposes_on_consent() -> None:
    assert set(PURPOSES) == {PROCESSING, ZALO_NOTICES, PROFILE_PREFILL}
    assert not PURPOSES[PROCESSING].optional and "Điều 17" in PURPOSES[PROCESSING].legal_basis
    for key in (ZALO_NOTICES, PROFILE_PREFILL):
        assert PURPOSES[key].optional and "Điều 11" in PURPOSES[key].legal_basis
    assert consent.OPTIONAL == (ZALO_NOTICES, PROFILE_PREFILL)


def test_each_statement_says_what_is_processed_and_who_receives_it() -> None:
    assert "Cổng Dịch vụ công quốc gia" in PURPOSES[PROCESSING].statement
    assert "Cổng Dịch vụ công quốc gia" in PURPOSES[PROCESSING].recipients
    zalo = PURPOSES[ZALO_NOTICES]
    assert "số điện thoại" in zalo.statement and "bên thứ ba" in zalo.statement and "Zalo" in zalo.recipients
    assert "bị xóa" in PURPOSES[PROFILE_PREFILL].statement  # what withdrawing does


def test_the_policy_version_changes_with_the_statement_shown_and_only_then() -> None:
    zalo = PURPOSES[ZALO_NOTICES]
    assert len(zalo.version) == 12 and int(zalo.version, 16) >= 0
    assert dataclasses.replace(zalo).version == zalo.version
    assert dataclasses.replace(zalo, statement=zalo.statement + " Thêm một câu.").version != zalo.version
    assert len({p.version for p in PURPOSES.values()}) == len(PURPOSES)


def test_the_current_state_of_a_purpose_is_its_latest_decision() -> None:
    records = [seen(PROCESSING, ACKNOWLEDGED), seen(ZALO_NOTICES, GRANTED), seen(PROFILE_PREFILL, GRANTED),
               seen(ZALO_NOTICES, WITHDRAWN), seen(PROCESSING, ACKNOWLEDGED), seen("retired_purpose", GRANTED)]
    assert consent.current_states(records) == {PROCESSING: ACKNOWLEDGED, ZALO_NOTICES: WITHDRAWN,
                                               PROFILE_PREFILL: GRANTED}
    assert consent.current_states([]) == dict.fromkeys(PURPOSES)


def test_silence_a_notice_or_a_withdrawal_is_not_consent() -> None:
    assert consent.is_granted(GRANTED)
    assert not any(consent.is_granted(s) for s in (None, ACKNOWLEDGED, WITHDRAWN))


@pytest.mark.parametrize(("purpose", "decision", "code", "field"), [
    (PROCESSING, WITHDRAWN, "consent.not_withdrawable", "purpose"),
    (PROCESSING, GRANTED, "consent.not_needed", "purpose"),
    ("marketing", GRANTED, "consent.purpose_unknown", "purpose"),
    (ZALO_NOTICES, ACKNOWLEDGED, "consent.decision_unknown", "decision"),
    (ZALO_NOTICES, "yes", "consent.decision_unknown", "decision"),
])
def test_a_decision_that_cannot_be_made_is_refused_naming_the_field(purpose: str, decision: str, code: str,
                                                                    field: str) -> None:
    with pytest.raises(Invalid) as refused:
        consent.check_choice(purpose, decision)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_refusal_about_processing_names_it_by_the_title_the_person_read() -> None:
    for decision in (GRANTED, WITHDRAWN):
        reason = consent.choice_refusal(PROCESSING, decision)
        assert reason is not None
        assert reason.params == {"purpose": PROCESSING, "purpose_title": PURPOSES[PROCESSING].title}
    ticked = consent.choice_refusal(PROCESSING, GRANTED, "consents")  # the registration form's field
    assert ticked is not None and (ticked.code, ticked.field) == ("consent.not_needed", "consents")
    assert consent.choice_refusal(ZALO_NOTICES, GRANTED, "consents") is None


def test_an_optional_purpose_may_be_granted_and_withdrawn() -> None:
    for key in consent.OPTIONAL:
        for decision in (GRANTED, WITHDRAWN):
            assert consent.check_choice(key, decision) is PURPOSES[key]


def test_the_same_decision_on_the_same_statement_adds_nothing() -> None:
    version = PURPOSES[ZALO_NOTICES].version
    assert consent.is_news(None, GRANTED, version)
    assert not consent.is_news((GRANTED, version), GRANTED, version)
    assert consent.is_news((GRANTED, "0ld0ld0ld0ld"), GRANTED, version)  # agreed again to a new statement
    assert consent.is_news((GRANTED, version), WITHDRAWN, version)


def test_zalo_joins_or_leaves_the_notice_channels_and_nothing_else_moves() -> None:
    assert consent.with_zalo(["sms", "email"], True) == ["email", "sms", "zalo"]
    assert consent.with_zalo(["email", "sms", "zalo"], False) == ["email", "sms"]
    assert consent.with_zalo([], True) == ["zalo"] and consent.with_zalo(["zalo"], False) == []
