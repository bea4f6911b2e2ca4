"""deadlines: fired deadline timers, overdue tasks, fees flagged for refund

Revision ID: 0006_deadlines
Revises: 0001
Create Date: 2026-11-29

An independent branch after the initial schema (models.migrate upgrades every head).
`timers.fired_at`: a deadline timer (statutory warning, due, forward limit) is kept after it fired, so a
recomputation of the same deadline does not escalate the same overrun twice. `user_tasks.overdue_at`:
when the task's own limit passed (R14.4 forward limit, per-step limits). `dossiers.refund_flagged`:
paid fees are to be refunded because the agency stopped processing (R8.6).
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0006_deadlines'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fired_at', models.base.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('user_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overdue_at', models.base.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_flagged', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('refund_flagged')
    with op.batch_alter_table('user_tasks', schema=None) as batch_op:
        batch_op.drop_column('overdue_at')
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_column('fired_at')
