"""definitions: the processes a version calls in other procedures, frozen with it

Revision ID: 0013_studio
Revises: 0012_portal_drafts
Create Date: 2026-12-07

`process_definitions.called`: a call activity may call the published process of another procedure; the
called diagram is copied into the calling version when it is deployed ({process id: {filename, hash,
bpmn}}), so a running dossier keeps the sub-process it started with. {} for every version so far.
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_studio'
down_revision = '0012_portal_drafts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('called', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.drop_column('called')
