"""officers' workbench: dossier notes, fees paid at the counter, result deliveries, the "mine" index

Revision ID: 0005_workbench
Revises: 0001
Create Date: 2026-11-29

An independent branch after the initial schema (models.migrate upgrades every head).
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0005_workbench'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dossier_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_dossier_notes_author_id_users')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_notes_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_notes'))
    )
    with op.batch_alter_table('dossier_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_notes_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('fee_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('amount_vnd', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.String(length=60), nullable=False),
    sa.Column('paid_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_fee_payments_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['received_by'], ['users.id'], name=op.f('fk_fee_payments_received_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_payments')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_fee_payments_dossier_id'))
    )
    op.create_table('result_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('delivered_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_by', sa.Integer(), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=True),
    sa.Column('identity_document', sa.String(length=60), nullable=True),
    sa.Column('identity_checked', sa.Boolean(), nullable=False),
    sa.Column('originals_compared', sa.Boolean(), nullable=False),
    sa.Column('applicant_signed', sa.Boolean(), nullable=False),
    sa.Column('tracking_number', sa.String(length=60), nullable=True),
    sa.Column('result_attachment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['delivered_by'], ['users.id'], name=op.f('fk_result_deliveries_delivered_by_users')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_result_deliveries_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['result_attachment_id'], ['attachments.id'],
                            name=op.f('fk_result_deliveries_result_attachment_id_attachments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_deliveries')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_result_deliveries_dossier_id'))
    )
    with op.batch_alter_table('user_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_user_tasks_assignee', ['assignee_id', 'completed_at', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_user_tasks_assignee')
    op.drop_table('result_deliveries')
    op.drop_table('fee_payments')
    with op.batch_alter_table('dossier_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_notes_dossier_id'))
    op.drop_table('dossier_notes')
