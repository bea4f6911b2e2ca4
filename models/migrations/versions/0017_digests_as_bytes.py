"""the audit trail's hashes as their 32 bytes instead of 64 hexadecimal characters

Revision ID: 0017_digests_as_bytes
Revises: 0016_state_bytes
Create Date: 2027-01-25

`audit_events.hash`, `prev_hash`, `state_hash`, `audit_chains.hash`, `state_hash` and `audit_head.hash`
(models.base.Digest: bytes stored, hex in Python). The values do not change, only their spelling, so
every chain, seal and checkpoint verifies as before. The append-only triggers are lifted for the
conversion and put back.
"""
import sqlalchemy as sa
from alembic import op

revision = '0017_digests_as_bytes'
down_revision = '0016_state_bytes'
branch_labels = None
depends_on = None

COLUMNS = {"audit_events": ("hash", "prev_hash", "state_hash"), "audit_chains": ("hash", "state_hash"),
           "audit_head": ("hash",)}
NULLABLE = {"state_hash"}


def _append_only(dialect: str, *, on: bool) -> None:
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{action.lower()}")
            if on:
                op.execute(f"CREATE TRIGGER audit_events_no_{action.lower()} BEFORE {action} ON audit_events "
                           f"BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        if on:
            op.execute("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
                       "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")


def _convert(to_bytes: bool) -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _append_only(dialect, on=False)
    for table, columns in COLUMNS.items():
        if dialect == "postgresql":
            how = ("TYPE bytea USING decode({c}, 'hex')" if to_bytes
                   else "TYPE varchar(64) USING encode({c}, 'hex')")
            op.execute(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} " + how.format(c=c) for c in columns))
            continue
        # SQLite (3.40 has no unhex): the conversion in Python, then the table rebuilt with the new type.
        sqlite = bind.connection.driver_connection
        assert sqlite is not None
        sqlite.create_function("motcua_digest", 1, _to_bytes if to_bytes else _to_hex, deterministic=True)
        op.execute(f"UPDATE {table} SET " + ", ".join(f"{c} = motcua_digest({c})" for c in columns))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for c in columns:
                old, new = (sa.String(64), sa.LargeBinary()) if to_bytes else (sa.LargeBinary(), sa.String(64))
                batch_op.alter_column(c, existing_type=old, type_=new, existing_nullable=c in NULLABLE)
    _append_only(dialect, on=True)


def _to_bytes(value: str | bytes | None) -> bytes | None:
    return bytes.fromhex(value) if isinstance(value, str) else value


def _to_hex(value: str | bytes | None) -> str | None:
    return value.hex() if isinstance(value, bytes) else value


def upgrade() -> None:
    _convert(to_bytes=True)


def downgrade() -> None:
    _convert(to_bytes=False)
