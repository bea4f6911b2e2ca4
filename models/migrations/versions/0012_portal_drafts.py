"""portal: submission drafts kept on the server (answers and files), and the applicant's identity number
and address on the account (they prefill the form)

Revision ID: 0012_portal_drafts
Revises: 0011_fee_method
Create Date: 2026-12-07

`submission_drafts`: one per applicant and procedure (answers as typed, result channel, agency, postal
address, declaration). `draft_files`: the files already checked and stored for a draft's documents.
`users.identity_number`, `users.address`; `dossiers.postal_address` (where a result by post goes); `attachments.superseded_at` (a
supplement replaced this file; it is kept as an older version of its document).
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0012_portal_drafts'
down_revision = '0011_fee_method'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'submission_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('procedure_id', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=True),
        sa.Column('agency_code', sa.String(length=60), nullable=True),
        sa.Column('postal_address', sa.String(length=500), nullable=True),
        sa.Column('declaration', sa.Boolean(), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_submission_drafts_user_id_users')),
        sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'],
                                name=op.f('fk_submission_drafts_procedure_id_procedures')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_drafts')),
        sa.UniqueConstraint('user_id', 'procedure_id', name='uq_submission_drafts_user_procedure'),
    )
    with op.batch_alter_table('submission_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_drafts_user_id'), ['user_id'], unique=False)
    op.create_table(
        'draft_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('document_key', sa.String(length=100), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['submission_drafts.id'],
                                name=op.f('fk_draft_files_draft_id_submission_drafts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_files')),
    )
    with op.batch_alter_table('draft_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_files_draft_id'), ['draft_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity_number', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=500), nullable=True))
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postal_address', sa.String(length=500), nullable=True))
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_at', models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('superseded_at')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('postal_address')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('address')
        batch_op.drop_column('identity_number')
    with op.batch_alter_table('draft_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_files_draft_id'))
    op.drop_table('draft_files')
    with op.batch_alter_table('submission_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_drafts_user_id'))
    op.drop_table('submission_drafts')
