"""procedural acts and the operations console: extension and withdrawal requests, substitutes,
dossiers suspended by an operator

Revision ID: 0012_procedural_acts
Revises: 0011_fee_method
Create Date: 2026-12-07

Issue 12: `extension_requests` (a specialist's request, a leader's decision, the appointment before
and after), `withdrawal_requests` (reviewed by reception once processing has started),
`substitutions` (an officer's tasks offered to a colleague for a period) and `dossiers.suspended_at`
(the console's suspend/resume).
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0012_procedural_acts'
down_revision = '0011_fee_method'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('extension_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('due_before', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_after', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_extension_requests_decided_by_users')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_extension_requests_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_extension_requests_requested_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_requests'))
    )
    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_requests_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('withdrawal_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_withdrawal_requests_decided_by_users')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_withdrawal_requests_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawal_requests'))
    )
    with op.batch_alter_table('withdrawal_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withdrawal_requests_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('substitutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_substitutions_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_substitutions_created_by_users')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_substitutions_officer_id_users')),
    sa.ForeignKeyConstraint(['substitute_id'], ['users.id'], name=op.f('fk_substitutions_substitute_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_substitutions'))
    )
    with op.batch_alter_table('substitutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_substitutions_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_substitutions_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_substitutions_substitute_id'), ['substitute_id'], unique=False)

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('suspended_at')
    op.drop_table('substitutions')
    op.drop_table('withdrawal_requests')
    op.drop_table('extension_requests')
