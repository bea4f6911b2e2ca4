"""The workflow state stored as packed bytes (migration 0016) and the audit trail's hashes as 32 bytes (0017):
dossiers whose state was stored as text before the upgrade keep their seals and still run, the next write
packs them; chains and checkpoints written before 0017 verify after it; an edit of the packed bytes is
named like any other direct edit of a dossier."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from adapters.bootstrap import Services
from engine.serializer import PACKED, unpack_state
from models import Dossier
from models.migrate import alembic_config, upgrade
from processes import audit
from tests.helpers import submit, work
from tests.integration.test_audit_anchor import dossier_id

DOSSIERS = Dossier.__table__


def stored_state(services: Services, code: str) -> bytes:
    with services.db.connect() as conn:
        return bytes(conn.execute(sa.select(DOSSIERS.c.state).where(DOSSIERS.c.code == code)).scalar_one())


def test_a_state_stored_as_text_before_0016_keeps_its_seal_and_is_packed_when_next_written(
        db_url: str, services: Services) -> None:
    code = submit(services)
    packed = stored_state(services, code)
    assert packed.startswith(PACKED)

    # Back to 0015: the state is `z1:` text again. Seal the dossier's head as the code of 0015 did, over
    # that text, so the database is what an installation before 0016 holds.
    command.downgrade(alembic_config(db_url), "0015_consent_records")
    the_id = dossier_id(services, code)
    with services.db.begin() as conn:
        text = conn.execute(sa.text("SELECT state FROM dossiers WHERE id = :d"), {"d": the_id}).scalar_one()
        assert isinstance(text, str) and text.startswith("z1:")
        conn.execute(sa.text("UPDATE audit_chains SET state_hash = :h WHERE chain = :d"),  # hex text in 0015
                     {"h": audit.dossier_state(conn, the_id), "d": the_id})

    upgrade(db_url)
    assert stored_state(services, code) == text.encode("ascii")  # the same content, as bytes
    result = audit.verify_all(services)
    assert result.ok, result.problems

    assert work(services, code, "reception") == ["Task_reception_check"]  # loads the old form, packs it
    now = stored_state(services, code)
    assert now.startswith(PACKED) and '"reception_decision"' in unpack_state(now)
    result = audit.verify_all(services)
    assert result.ok, result.problems


def test_an_edit_of_the_packed_state_is_named_by_verify(services: Services) -> None:
    code = submit(services)
    packed = stored_state(services, code)
    forged = packed[:-1] + bytes([packed[-1] ^ 1])
    with services.db.begin() as conn:
        conn.execute(sa.update(DOSSIERS).where(DOSSIERS.c.code == code).values(state=forged))
    result = audit.verify_all(services)
    assert not result.ok
    assert [p.dossier for p in result.problems] == [code]
    assert "changed outside the application" in result.reason


def raw_hashes(services: Services) -> set[object]:
    with services.db.connect() as conn:
        return {type(h).__name__ + str(len(h)) for (h,) in conn.execute(sa.text("SELECT hash FROM audit_events"))}


def test_hashes_written_as_text_before_0017_verify_after_it_checkpoint_included(
        db_url: str, services: Services) -> None:
    submit(services)
    audit.make_checkpoint(services)
    command.downgrade(alembic_config(db_url), "0016_state_bytes")
    assert raw_hashes(services) == {"str64"}
    upgrade(db_url)
    assert raw_hashes(services) == {"bytes32"}
    result = audit.verify_all(services)
    assert result.ok and result.checkpoint, result
