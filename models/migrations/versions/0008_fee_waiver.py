"""desk: a fee still unpaid at the hand-over is waived with a reason

Revision ID: 0008_fee_waiver
Revises: 0007_merge
Create Date: 2026-12-01

`result_deliveries.fee_waiver_reason`: the hand-over of the result is refused while a fee of the
catalogue is unpaid, unless the desk waives it and says why (also an audit event `fee_waived`).
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_fee_waiver'
down_revision = '0007_merge'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('result_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_waiver_reason', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('result_deliveries', schema=None) as batch_op:
        batch_op.drop_column('fee_waiver_reason')
