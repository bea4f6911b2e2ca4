"""The audit trail anchored outside the database (issue 18): what someone who owns the database can do
— drop the triggers, edit an event, recompute every hash of the chain and its head, edit a dossier row
directly — is named by `motcua audit verify` (dossier and event), thanks to the sealed dossier states
and the signed checkpoint the auditor keeps; a checkpoint checked with another key fails."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters import audit_anchor
from adapters.bootstrap import Services
from models import AuditChain, AuditEvent, Dossier
from processes import audit
from tests.integration.test_audit import drop_append_only_triggers, lifecycle
from tests.integration.test_lifecycle import submit, work

EVENTS = AuditEvent.__table__


def dossier_id(services: Services, code: str) -> int:
    with services.session_factory() as s:
        return int(s.scalar(sa.select(Dossier.id).where(Dossier.code == code)) or 0)


def rewrite_chain_as_a_dba(services: Services, chain: int, kind: str, change: dict[str, Any]) -> int:
    """Edit the first `kind` event of the chain, then recompute every later link and the head: the
    chain alone is then consistent again. Returns the edited event's number."""
    drop_append_only_triggers(services)
    with services.db.begin() as conn:
        rows = conn.execute(sa.select(EVENTS).where(EVENTS.c.chain == chain)
                            .order_by(EVENTS.c.chain_seq)).mappings().all()
        prev, edited = audit.ZERO, 0
        for row in rows:
            detail = dict(row["detail"])
            if not edited and row["kind"] == kind:
                detail.update(change)
                edited = row["seq"]
            digest = audit.event_digest(prev, row["seq"], row["at"], row["actor"], row["dossier_id"], row["kind"],
                                        detail, row["chain_seq"], row["state_hash"])
            conn.execute(sa.update(EVENTS).where(EVENTS.c.id == row["id"])
                         .values(detail=detail, prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(sa.update(AuditChain.__table__).where(AuditChain.__table__.c.chain == chain)
                     .values(hash=prev))
    assert edited
    return edited


def edit_dossier_row(services: Services, code: str, **form: Any) -> None:
    with services.db.begin() as conn:
        current = conn.execute(sa.select(Dossier.form).where(Dossier.code == code)).scalar_one()
        conn.execute(sa.update(Dossier.__table__).where(Dossier.__table__.c.code == code)
                     .values(form={**current, **form}))


def test_verify_is_ok_with_chains_states_and_a_checkpoint(services: Services) -> None:
    code = lifecycle(services)
    doc = audit.make_checkpoint(services)
    assert doc["chains"] >= 2 and doc["events"] > 8
    assert (audit_anchor.checkpoint_dir(services.config) / doc["file"]).is_file()
    assert audit_anchor.key_path(services.config).is_file()
    result = audit.verify_all(services)
    assert result.ok, result
    assert result.checkpoint == doc["file"]
    the_id = dossier_id(services, code)
    with services.session_factory() as s:
        one = audit.verify_dossier(s, the_id)
    assert one.ok and one.count > 8


def test_a_rewritten_chain_and_a_directly_edited_dossier_are_both_named(services: Services) -> None:
    rewritten = lifecycle(services)
    edited = submit(services)
    audit.make_checkpoint(services)
    rewritten_id = dossier_id(services, rewritten)

    seq = rewrite_chain_as_a_dba(services, rewritten_id, "task_completed",
                                 {"data": {"reception_decision": "refuse"}})
    with services.session_factory() as s:  # the chain alone cannot tell: every hash was recomputed
        assert audit.verify_dossier(s, rewritten_id).ok
    edit_dossier_row(services, edited, business_name="Someone else's business")

    result = audit.verify_all(services)
    assert not result.ok
    named = {(p.dossier, p.seq): p.reason for p in result.problems}
    assert any(d == rewritten and s == seq and "rewritten" in why for (d, s), why in named.items()), named
    assert any(d == edited and "changed outside the application" in why for (d, _), why in named.items()), named
    edited_id = dossier_id(services, edited)
    with services.session_factory() as s:
        assert not audit.verify_dossier(s, edited_id).ok


def test_a_dossier_edited_directly_is_caught_without_any_checkpoint(services: Services) -> None:
    code = submit(services)
    edit_dossier_row(services, code, business_name="Forged")
    result = audit.verify_all(services)
    assert not result.ok
    assert [p.dossier for p in result.problems] == [code]
    assert "changed outside the application" in result.reason


def test_work_done_through_the_application_keeps_every_state_sealed(services: Services) -> None:
    lifecycle(services)
    lifecycle(services)
    result = audit.verify_all(services)
    assert result.ok, result.problems


def test_a_checkpoint_checked_with_another_key_fails(services: Services, tmp_path: Path) -> None:
    lifecycle(services)
    doc = audit.make_checkpoint(services)
    assert audit.verify_all(services).ok
    audit_anchor.key_path(services.config).write_text("ab" * 32 + "\n", encoding="ascii")
    result = audit.verify_all(services)
    assert not result.ok
    assert "signature does not match" in result.reason and doc["file"] in result.reason


def test_a_forged_checkpoint_signature_fails(services: Services) -> None:
    lifecycle(services)
    doc = audit.make_checkpoint(services)
    path = audit_anchor.checkpoint_dir(services.config) / doc["file"]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(doc["root"], "f" * 64), encoding="utf-8")
    result = audit.verify_all(services)
    assert not result.ok and "signature does not match" in result.reason


def test_a_direct_edit_followed_by_work_through_the_application_is_still_named(services: Services) -> None:
    """The next transaction that writes the dossier finds it differs from its seal and records that in
    the dossier's chain before its own event: the edit is not absorbed by the new seal."""
    code = submit(services)
    edit_dossier_row(services, code, business_name="Forged")
    work(services, code, "reception")
    result = audit.verify_all(services)
    assert not result.ok
    [problem] = result.problems
    assert problem.dossier == code and "changed outside the application before this event" in problem.reason
    the_id = dossier_id(services, code)
    with services.session_factory() as s:
        kinds = list(s.scalars(sa.select(AuditEvent.kind).where(AuditEvent.seq >= problem.seq)
                               .where(AuditEvent.dossier_id == the_id).order_by(AuditEvent.seq)))
        assert kinds[0] == audit.CHANGED_OUTSIDE and "task_completed" in kinds
        assert not audit.verify_dossier(s, the_id).ok


def test_writers_of_different_dossiers_do_not_wait_on_one_another(services: Services) -> None:
    """PostgreSQL (SQLite has one writer anyway): while one transaction holds dossier A's chain head,
    another appends to dossier B's and commits at once; a second writer of A waits for the first."""
    if services.db.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time by design")
    a, b = dossier_id(services, submit(services)), dossier_id(services, submit(services))
    now = services.clock.now()
    holder = services.session_factory()
    try:
        audit.append(holder, at=now, actor="reception", kind="note_added", dossier_id=a)
        holder.flush()  # A's head is locked until `holder` ends
        with services.session_factory() as other:
            other.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
            audit.append(other, at=now, actor="specialist", kind="note_added", dossier_id=b)
            other.commit()  # not blocked by A's writer
        with services.session_factory() as same, pytest.raises(sa.exc.OperationalError, match="lock timeout"):
            same.execute(sa.text("SET LOCAL lock_timeout = '300ms'"))
            audit.append(same, at=now, actor="specialist", kind="note_added", dossier_id=a)
        holder.commit()
    finally:
        holder.close()
    assert audit.verify_all(services).ok


LAST_EVENT = "(SELECT max(id) FROM audit_events WHERE chain = :d)"


@pytest.mark.parametrize(("statement", "named"), [
    (f"UPDATE audit_events SET detail = '{{not json' WHERE id = {LAST_EVENT}", "cannot be read"),
    (f"UPDATE audit_events SET at = 'yesterday' WHERE id = {LAST_EVENT}", "cannot be read"),
    (f"UPDATE audit_events SET seq = 'x' WHERE id = {LAST_EVENT}", "cannot be read"),
    ("UPDATE audit_chains SET n = 'x' WHERE chain = :d", "the chain head does not match"),
    ("UPDATE dossiers SET form = '{' WHERE id = :d", "changed outside the application"),
    ("UPDATE dossiers SET received_at = 'soon' WHERE id = :d", "changed outside the application"),
    ("UPDATE attachments SET superseded_at = 'later' WHERE id = "
     "(SELECT max(id) FROM attachments WHERE dossier_id = :d)", "changed outside the application"),
])
def test_values_no_application_writes_are_named_not_a_crash(services: Services, statement: str, named: str) -> None:
    """SQLite keeps text in a date, a number or a JSON column. `motcua audit verify` used to fail on such a
    value ("motcua: JSONDecodeError: ..."); it names the dossier instead, and so does the one-dossier check
    behind the "intact" mark of its page."""
    if services.db.dialect.name != "sqlite":
        pytest.skip("PostgreSQL refuses such values by the columns' types")
    code = lifecycle(services)
    the_id = dossier_id(services, code)
    drop_append_only_triggers(services)
    with services.db.begin() as conn:
        conn.execute(sa.text(statement), {"d": the_id})
    result = audit.verify_all(services)
    assert not result.ok
    assert [(p.dossier, named in p.reason) for p in result.problems] == [(code, True)], result.problems
    with services.session_factory() as s:
        one = audit.verify_dossier(s, the_id)
    assert not one.ok and one.problems[0].dossier == code
