"""feedback: a status (received, answered, closed), the agency's answer and whether it is published

Revision ID: 0012_feedback_answers
Revises: 0011_fee_method
Create Date: 2026-12-07

R9.1 (Decree 61/2018/NĐ-CP art. 9.4): feedback and complaints are collected, answered and the answers
may be made public. Every existing row is "received" and unpublished.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0012_feedback_answers'
down_revision = '0011_fee_method'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False, server_default='received'))
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answered_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('published', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        for column in ('published', 'answered_by', 'answered_at', 'answer', 'status'):
            batch_op.drop_column(column)
