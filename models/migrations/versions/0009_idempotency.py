"""api: the first answer to a request sent with an Idempotency-Key

Revision ID: 0009_idempotency
Revises: 0008_fee_waiver
Create Date: 2026-12-07

`idempotent_requests`: per caller and key, a SHA-256 of the command and the answer given, written in the
same transaction as the effect (a dossier submitted, a task completed, a fee recorded), so that a retry
returns the first answer and creates nothing.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0009_idempotency'
down_revision = '0008_fee_waiver'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'idempotent_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('answer', sa.JSON(), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_requests')),
        sa.UniqueConstraint('username', 'key', name=op.f('uq_idempotent_requests_username')),
    )


def downgrade() -> None:
    op.drop_table('idempotent_requests')
