"""definition versions: publication history (R11.1) and analysts' proposals

Revision ID: 0005_definition_versions
Revises: 0001
Create Date: 2026-11-29

An independent branch after the initial schema (models.migrate upgrades every head). Existing
published procedures get one `deploy` publication each, so the history starts complete.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0005_definition_versions'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('published_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=100), nullable=False),
    sa.Column('catalogue', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definitions.id'],
                            name=op.f('fk_publications_definition_id_process_definitions')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_publications_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index('ix_publications_procedure_at', ['procedure_id', 'published_at'], unique=False)

    op.create_table('definition_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_code', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('bpmn', sa.LargeBinary(), nullable=False),
    sa.Column('catalogue_filename', sa.String(length=300), nullable=False),
    sa.Column('catalogue_text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('proposed_by', sa.String(length=100), nullable=False),
    sa.Column('proposed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('definition_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definitions.id'],
                            name=op.f('fk_definition_proposals_definition_id_process_definitions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_definition_proposals'))
    )
    with op.batch_alter_table('definition_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_definition_proposals_procedure_code'), ['procedure_code'], unique=False)

    op.execute(
        "INSERT INTO publications (procedure_id, definition_id, kind, published_at, published_by, catalogue, note) "
        "SELECT p.id, p.current_definition_id, 'deploy', COALESCE(p.published_at, d.deployed_at), d.deployed_by, "
        "p.catalogue, '' FROM procedures p JOIN process_definitions d ON d.id = p.current_definition_id")


def downgrade() -> None:
    with op.batch_alter_table('definition_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_definition_proposals_procedure_code'))
    op.drop_table('definition_proposals')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index('ix_publications_procedure_at')
    op.drop_table('publications')
