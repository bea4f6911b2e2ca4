"""Alembic environment: migrations run against the URL the caller configured."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context

import models  # noqa: F401  (registers every table on Base.metadata)
from models.base import Base, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "sqlalchemy.url must be set by the caller (processes.migrate)"

connection = config.attributes.get("connection")
if connection is not None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        # SQLite's procedure for changing a table: foreign keys off while batch mode copies it, drops the
        # old one and renames the copy (the drop would otherwise fail, or delete, wherever rows point at
        # it), then every reference checked before the migration commits.
        @sa.event.listens_for(engine, "connect")
        def _foreign_keys_off(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute("PRAGMA foreign_keys=OFF")

    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
            if engine.dialect.name == "sqlite":
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
    engine.dispose()
