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
