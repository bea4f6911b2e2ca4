"""Consent records on a real database (SQLite, and PostgreSQL when configured), Decree 13/2023/NĐ-CP: the
person is told at registration and with every dossier, an optional purpose is recorded only when chosen,
Zalo notices leave only with consent, withdrawing the prefill consent erases the fields, and the records
can be neither changed nor removed."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from adapters.bootstrap import Services
from adapters.messaging import FakeSms
from models import AuditEvent, ConsentRecord, Dossier, OutboxMessage, User
from models.migrate import alembic_config, upgrade
from processes.errors import Invalid
from processes.notices.deliveries import notice_preferences, set_notice_preferences
from processes.people import accounts, consent
from processes.people.accounts import Registration
from processes.people.my_data import my_data
from tests.helpers import submit


def records(services: Services, username: str) -> list[tuple[str, str, str]]:
    """(purpose, decision, door) of every record of the person, oldest first."""
    with services.session_factory() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            sa.select(ConsentRecord.purpose, ConsentRecord.decision, ConsentRecord.door)
            .join(User, User.id == ConsentRecord.user_id).where(User.username == username)
            .order_by(ConsentRecord.id)).all()]


def states(services: Services, username: str) -> dict[str, Any]:
    return {p["purpose"]: p["state"] for p in consent.my_consents(services, username)["purposes"]}


def zalo_messages(services: Services) -> int:
    with services.session_factory() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                            .where(OutboxMessage.channel == "zalo")) or 0)


def register(services: Services, username: str, *ticked: str) -> None:
    accounts.register(services, Registration(username, "Trần Văn Bảo", f"{username}@example.vn", "0905111222",
                                             "mật-khẩu-đủ-dài", "mật-khẩu-đủ-dài", consents=ticked), "10.0.0.7")


def test_registration_tells_the_purposes_and_records_only_what_was_ticked(services: Services) -> None:
    register(services, "tranvanbao", consent.ZALO_NOTICES)
    assert records(services, "tranvanbao") == [("processing", "acknowledged", "register"),
                                               ("zalo_notices", "granted", "register")]
    assert states(services, "tranvanbao") == {"processing": "acknowledged", "zalo_notices": "granted",
                                              "profile_prefill": None}
    assert "zalo" in notice_preferences(services, "tranvanbao")["channels"]
    register(services, "lethicuc")  # nothing ticked: no consent, only the notice
    assert records(services, "lethicuc") == [("processing", "acknowledged", "register")]
    with services.session_factory() as s:
        kinds = s.scalars(sa.select(AuditEvent.kind).where(AuditEvent.actor == "tranvanbao")
                          .order_by(AuditEvent.seq)).all()
    assert kinds[-2:] == ["privacy_notice_given", "consent_given"]


def test_registration_refuses_a_purpose_that_is_not_offered_and_creates_nothing(services: Services) -> None:
    with pytest.raises(Invalid) as refused:
        register(services, "tranvanbao", "marketing")
    assert (refused.value.code, refused.value.field) == ("consent.purpose_unknown", "consents")
    with services.session_factory() as s:
        assert s.scalar(sa.select(User).where(User.username == "tranvanbao")) is None


def test_every_submission_records_the_notice_with_its_dossier(services: Services) -> None:
    first, second = submit(services), submit(services)
    with services.session_factory() as s:
        rows = s.execute(sa.select(ConsentRecord.decision, ConsentRecord.door, Dossier.code)
                         .join(Dossier, Dossier.id == ConsentRecord.dossier_id)
                         .order_by(ConsentRecord.id)).all()
    assert [tuple(r) for r in rows] == [("acknowledged", "api", first), ("acknowledged", "api", second)]
    history = consent.my_consents(services, "citizen")["history"]
    assert [h["dossier"] for h in history] == [first, second]
    assert all(h["policy_version"] == consent.PURPOSES["processing"].version for h in history)


def test_a_zalo_notice_is_queued_only_while_the_applicant_consents(services: Services) -> None:
    services.zalo = FakeSms()
    services.config["notices"]["default_channels"] = ["email", "sms", "zalo"]  # a default is not consent
    submit(services)
    assert zalo_messages(services) == 0
    consent.decide_consent(services, "citizen", "zalo_notices", "granted", "api")
    submit(services)
    assert zalo_messages(services) == 1
    consent.decide_consent(services, "citizen", "zalo_notices", "withdrawn", "api")
    assert "zalo" not in notice_preferences(services, "citizen")["channels"]
    with services.session_factory() as s:
        assert s.scalar(sa.select(User.notice_channels).where(User.username == "citizen")) == ["email", "sms"]
    submit(services)
    assert zalo_messages(services) == 1


def test_ticking_zalo_in_the_preferences_is_consent_and_unticking_withdraws_it(services: Services) -> None:
    services.zalo = FakeSms()
    set_notice_preferences(services, "citizen", ["email"], "vi")
    assert records(services, "citizen") == []  # no Zalo asked for, nothing to record
    set_notice_preferences(services, "citizen", ["email", "zalo"], "vi")
    set_notice_preferences(services, "citizen", ["zalo", "email"], "en")  # the same choice again
    submit(services)
    assert zalo_messages(services) == 1
    set_notice_preferences(services, "citizen", ["sms"], "vi")
    assert [r for r in records(services, "citizen") if r[0] == "zalo_notices"] == [
        ("zalo_notices", "granted", "preferences"), ("zalo_notices", "withdrawn", "preferences")]


def test_withdrawing_the_prefill_consent_erases_the_identity_number_and_address(services: Services) -> None:
    accounts.update_applicant_details(services, "citizen", "062095001234", "12 Lê Lợi, Kon Tum")
    assert records(services, "citizen") == [("profile_prefill", "granted", "profile")]
    consent.decide_consent(services, "citizen", "profile_prefill", "withdrawn", "privacy")
    profile = accounts.get_profile(services, "citizen")
    assert (profile["identity_number"], profile["address"]) == ("", "")
    with services.session_factory() as s:
        event = s.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "consent_withdrawn")).one()
    assert event.detail["erased"] == ["identity_number", "address"] and event.actor == "citizen"
    accounts.update_applicant_details(services, "citizen", "", "12 Lê Lợi")  # saving again is consent again
    assert states(services, "citizen")["profile_prefill"] == "granted"


def test_the_records_cannot_be_changed_or_removed(services: Services) -> None:
    register(services, "tranvanbao", consent.PROFILE_PREFILL)
    for statement in ("UPDATE consent_records SET decision = 'withdrawn'", "DELETE FROM consent_records"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), services.db.begin() as conn:
            conn.exec_driver_sql(statement)
    assert states(services, "tranvanbao")["profile_prefill"] == "granted"


def test_the_applicants_own_data_lists_every_consent_record(services: Services) -> None:
    code = submit(services)
    consent.decide_consent(services, "citizen", "zalo_notices", "granted", "privacy")
    data = my_data(services, "citizen")
    assert [(c["purpose"], c["decision"], c["door"], c["dossier"]) for c in data["consents"]] == [
        ("processing", "acknowledged", "api", code), ("zalo_notices", "granted", "privacy", None)]
    assert my_data(services, "reception")["consents"] == []


def test_the_upgrade_records_what_accounts_already_hold(db_url: str, services: Services) -> None:
    """Accounts that kept an identity number or chose Zalo before consent records keep them, marked as
    recorded by the upgrade (door "migration"), so their Zalo notices do not stop silently."""
    command.downgrade(alembic_config(db_url), "0014_merge")
    with services.db.begin() as conn:
        conn.execute(sa.text("UPDATE users SET identity_number = '062095001234' WHERE username = 'citizen'"))
        conn.execute(sa.text("UPDATE users SET notice_channels = '[\"sms\", \"zalo\"]' WHERE username = 'citizen2'"))
    upgrade(db_url)
    assert records(services, "citizen") == [("profile_prefill", "granted", "migration")]
    assert records(services, "citizen2") == [("zalo_notices", "granted", "migration")]
    assert records(services, "reception") == []
