"""The audit trail is append-only and hash-chained (R4.1): the database refuses to change or remove
an event, and an attacker who gets round that is caught by verify(), which names the event."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import AuditEvent
from processes import audit
from tests.integration.test_lifecycle import submit, work


def verify(services: Services) -> audit.Verification:
    with services.session_factory() as s:
        return audit.verify(s)


def events(services: Services) -> int:
    with services.session_factory() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) or 0)


def lifecycle(services: Services) -> str:
    code = submit(services)
    for user in ("reception", "specialist", "leader", "reception"):
        work(services, code, user)
    return code


def drop_append_only_triggers(services: Services) -> None:
    """What an attacker with the database owner's rights could do first."""
    with services.db.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_events_append_only ON audit_events")


def test_chain_verifies_after_a_whole_lifecycle(services: Services) -> None:
    lifecycle(services)
    result = verify(services)
    assert result.ok, result
    assert result.count == events(services) > 8


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET actor = 'someone-else' WHERE seq = 1",
    "UPDATE audit_events SET detail = '{}'",
    "DELETE FROM audit_events WHERE seq = 1",
    "DELETE FROM audit_events",
])
def test_the_database_refuses_to_change_or_remove_an_event(services: Services, statement: str) -> None:
    lifecycle(services)
    before = events(services)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), services.db.begin() as conn:
        conn.exec_driver_sql(statement)
    assert events(services) == before
    assert verify(services).ok


def test_changing_an_event_through_the_orm_is_refused_too(services: Services) -> None:
    lifecycle(services)
    with services.session_factory() as s:
        event = s.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "task_completed").limit(1)).one()
        event.actor = "someone-else"
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            s.commit()
    assert verify(services).ok


def test_an_edited_event_is_named_by_verify(services: Services) -> None:
    lifecycle(services)
    with services.session_factory() as s:
        target = s.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "task_completed")
                           .order_by(AuditEvent.seq).limit(1)).one()
        seq, detail = target.seq, dict(target.detail)
    drop_append_only_triggers(services)
    with services.db.begin() as conn:
        conn.execute(sa.update(AuditEvent.__table__).where(AuditEvent.__table__.c.seq == seq)
                     .values(detail={**detail, "data": {"reception_decision": "refuse"}}))
    result = verify(services)
    assert not result.ok
    assert result.broken_seq == seq
    assert result.count == seq - 1
    assert "changed" in result.reason


def test_a_removed_event_is_named_by_verify(services: Services) -> None:
    lifecycle(services)
    drop_append_only_triggers(services)
    with services.db.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_events WHERE seq = 3")
    result = verify(services)
    assert (result.ok, result.broken_seq) == (False, 3)
    assert "missing" in result.reason


def test_removing_the_newest_events_is_noticed(services: Services) -> None:
    lifecycle(services)
    last = events(services)
    drop_append_only_triggers(services)
    with services.db.begin() as conn:
        conn.exec_driver_sql(f"DELETE FROM audit_events WHERE seq >= {last - 1}")
    result = verify(services)
    assert (result.ok, result.broken_seq) == (False, last - 1)
    assert "removed" in result.reason
