"""payments: online payment attempts, refunds, receipt numbers per agency and year

Revision ID: 0012_payments
Revises: 0011_fee_method
Create Date: 2026-12-07

`payment_attempts`: one row per attempt to pay through a gateway (its unique order reference, the
amount, the state the IPN decided). `payment_refunds`: at most one per dossier (R8.6). `receipt_sequences`:
electronic receipts numbered per agency and year. `fee_payments.reference`: the gateway's transaction
number or the bank transfer's reference.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0012_payments'
down_revision = '0011_fee_method'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'payment_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('merchant', sa.String(length=40), nullable=False),
        sa.Column('txn_ref', sa.String(length=40), nullable=False),
        sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('response_code', sa.String(length=10), nullable=True),
        sa.Column('gateway_txn_no', sa.String(length=40), nullable=True),
        sa.Column('bank_code', sa.String(length=40), nullable=True),
        sa.Column('paid_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('settled_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_payment_attempts_agency_id_agencies')),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_payment_attempts_created_by_users')),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_payment_attempts_dossier_id_dossiers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_attempts')),
        sa.UniqueConstraint('txn_ref', name=op.f('uq_payment_attempts_txn_ref')),
    )
    op.create_index(op.f('ix_payment_attempts_dossier_id'), 'payment_attempts', ['dossier_id'])
    op.create_index(op.f('ix_payment_attempts_created_at'), 'payment_attempts', ['created_at'])
    op.create_table(
        'payment_refunds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=True),
        sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('proposed_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('proposed_by', sa.Integer(), nullable=False),
        sa.Column('gateway_ref', sa.String(length=60), nullable=True),
        sa.Column('refunded_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('refunded_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['attempt_id'], ['payment_attempts.id'],
                                name=op.f('fk_payment_refunds_attempt_id_payment_attempts')),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_payment_refunds_dossier_id_dossiers')),
        sa.ForeignKeyConstraint(['proposed_by'], ['users.id'], name=op.f('fk_payment_refunds_proposed_by_users')),
        sa.ForeignKeyConstraint(['refunded_by'], ['users.id'], name=op.f('fk_payment_refunds_refunded_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_refunds')),
        sa.UniqueConstraint('dossier_id', name=op.f('uq_payment_refunds_dossier_id')),
    )
    op.create_table(
        'receipt_sequences',
        sa.Column('agency_code', sa.String(length=40), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('agency_code', 'year', name=op.f('pk_receipt_sequences')),
    )
    with op.batch_alter_table('fee_payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fee_payments', schema=None) as batch_op:
        batch_op.drop_column('reference')
    op.drop_table('receipt_sequences')
    op.drop_table('payment_refunds')
    op.drop_index(op.f('ix_payment_attempts_created_at'), table_name='payment_attempts')
    op.drop_index(op.f('ix_payment_attempts_dossier_id'), table_name='payment_attempts')
    op.drop_table('payment_attempts')
