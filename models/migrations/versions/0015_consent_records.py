"""consent records (Decree 13/2023/NĐ-CP): what each person was told, agreed to or withdrew, per purpose

Revision ID: 0015_consent_records
Revises: 0014_merge
Create Date: 2027-01-11

`consent_records` is append-only like `audit_events`: triggers refuse UPDATE and DELETE on both databases.
Accounts that already hold what an optional purpose covers get one `granted` record (door `migration`,
policy version `pre-0015`): an identity number or address on the account (`profile_prefill`: typed and
saved by the person on the profile page, the only way to keep them) and Zalo among the notice channels
(`zalo_notices`: ticked by the person). Without it their Zalo notices would stop on upgrade; the door
says plainly that the record was made by the upgrade, not shown to the person as a statement.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0015_consent_records'
down_revision = '0014_merge'
branch_labels = None
depends_on = None

TABLE = "consent_records"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=40), nullable=False),
        sa.Column('decision', sa.String(length=20), nullable=False),
        sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('door', sa.String(length=20), nullable=False),
        sa.Column('policy_version', sa.String(length=20), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consent_records_user_id_users')),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_consent_records_dossier_id_dossiers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records')),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index('ix_consent_records_user_purpose', ['user_id', 'purpose', 'id'], unique=False)
    _backfill(op.get_bind())
    _triggers(op.get_bind().dialect.name, drop=False)


def _backfill(bind: sa.Connection) -> None:
    users = sa.table('users', sa.column('id'), sa.column('identity_number'), sa.column('address'),
                     sa.column('notice_channels', sa.JSON))
    records = sa.table(TABLE, sa.column('user_id'), sa.column('purpose'), sa.column('decision'),
                       sa.column('at', models.base.UTCDateTime(timezone=True)), sa.column('door'),
                       sa.column('policy_version'), sa.column('actor'))
    # A migration runs outside the application and its injected clock: the instant the upgrade wrote it.
    at = datetime.now(UTC)
    rows = []
    for uid, identity, address, channels in bind.execute(sa.select(users)).all():
        if identity or address:
            rows.append({"user_id": uid, "purpose": "profile_prefill"})
        if isinstance(channels, list) and "zalo" in channels:
            rows.append({"user_id": uid, "purpose": "zalo_notices"})
    if rows:
        bind.execute(sa.insert(records), [r | {"decision": "granted", "at": at, "door": "migration",
                                               "policy_version": "pre-0015", "actor": "system"} for r in rows])


def _triggers(dialect: str, *, drop: bool) -> None:
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            if drop:
                op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{action.lower()}")
            else:
                op.execute(f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
                           f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END")
    elif drop:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")
    else:
        op.execute(f"CREATE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN RAISE EXCEPTION '{TABLE} is append-only'; END $$")
        op.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                   f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()")


def downgrade() -> None:
    _triggers(op.get_bind().dialect.name, drop=True)
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index('ix_consent_records_user_purpose')
    op.drop_table(TABLE)
