"""The migrations build exactly the schema the models describe, on both databases, from one head."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from models import Base
from models.migrate import alembic_config


def test_the_migrations_have_a_single_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"several migration heads {heads}: add a merge migration"


def _is_known_sqlite_gap(diff: Any, dialect: str) -> bool:
    # SQLite cannot ALTER a foreign key in; procedures.current_definition_id <-> process_definitions
    # reference each other, so that one constraint exists on PostgreSQL only (see 0001).
    return (dialect == "sqlite" and isinstance(diff, tuple) and diff[0] == "add_fk"
            and diff[1].name == "fk_procedures_current_definition_id_process_definitions")


def test_migrated_database_matches_the_models(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    unexpected = [d for d in diffs if not _is_known_sqlite_gap(d, engine.dialect.name)]
    assert unexpected == []


def test_a_database_holding_dossiers_upgrades_from_the_first_wave(db_url: str, services: Any) -> None:
    """SQLite rebuilds a table to change it (batch mode): with foreign keys on, dropping the old `dossiers`
    failed wherever a row pointed at a dossier, so no first-wave database holding dossiers could upgrade."""
    from alembic import command

    from models.migrate import upgrade
    from processes import audit
    from tests.helpers import submit, work

    code = submit(services)
    assert work(services, code, "reception") == ["Task_reception_check"]
    command.downgrade(alembic_config(db_url), "0011_fee_method")
    upgrade(db_url)
    result = audit.verify_all(services)
    assert result.ok, result.problems
    assert work(services, code, "specialist") == ["Task_specialist_review"]  # the dossier goes on
