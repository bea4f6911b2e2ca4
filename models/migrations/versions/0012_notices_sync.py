"""notices and the national portal: outbox ordering, delivery state, applicants' channel preferences

Revision ID: 0012_notices_sync
Revises: 0011_fee_method
Create Date: 2026-12-07

`outbox.ordering`: rows sharing it leave in id order (national portal sync, one key per dossier);
`outbox.event`, `outbox.provider_ref` (the SMS/Zalo message id a delivery report names) and
`outbox.delivered_at`; `users.notice_channels` and `users.notice_language`: how an applicant wants notices.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0012_notices_sync'
down_revision = '0011_fee_method'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ordering', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('event', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('provider_ref', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_ordering'), ['ordering'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_provider_ref'), ['provider_ref'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_channels', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('notice_language', sa.String(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notice_language')
        batch_op.drop_column('notice_channels')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_provider_ref'))
        batch_op.drop_index(batch_op.f('ix_outbox_ordering'))
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('provider_ref')
        batch_op.drop_column('event')
        batch_op.drop_column('ordering')
