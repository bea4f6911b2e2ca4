"""fees: how a fee was paid (counter, online through a gateway, bank transfer)

Revision ID: 0011_fee_method
Revises: 0010_merge
Create Date: 2026-12-07

`fee_payments.method`: "counter" for every payment recorded so far (the desk typed a receipt number);
online and transfer payments come with the payments room. The oversight indicators count online
payments over fee-bearing dossiers (Decision 766), so the method is a column, not a guess.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_fee_method'
down_revision = '0010_merge'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fee_payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=20), nullable=False, server_default='counter'))


def downgrade() -> None:
    with op.batch_alter_table('fee_payments', schema=None) as batch_op:
        batch_op.drop_column('method')
