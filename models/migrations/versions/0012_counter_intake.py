"""desk: dossiers registered at the counter or from the post (issue 12)

Revision ID: 0012_counter_intake
Revises: 0011_fee_method
Create Date: 2026-12-07

`dossiers.applicant_id` may be empty (a walk-in applicant without an account, until linked);
the applicant's identity number and address; `dossiers.search_text`, the folded code, name,
identity number and phone every officer search compares (backfilled here); `dossier_intakes`,
how a counter or postal dossier came in (officer, sender, arrival, papers seen at the desk);
`notifications`, the in-app inboxes of officers and applicants.
"""
import sqlalchemy as sa
from alembic import op

from models.folding import fold

revision = '0012_counter_intake'
down_revision = '0011_fee_method'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.alter_column('applicant_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('applicant_id_number', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('applicant_address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    op.create_table(
        'dossier_intakes',
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('officer_id', sa.Integer(), nullable=False),
        sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sender', sa.String(length=300), nullable=True),
        sa.Column('papers_seen', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_intakes_dossier_id_dossiers')),
        sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_dossier_intakes_officer_id_users')),
        sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_dossier_intakes')),
    )
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=True),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_notifications_dossier_id_dossiers')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_inbox', ['user_id', 'read_at', 'id'], unique=False)
    conn = op.get_bind()
    dossiers = sa.table('dossiers', sa.column('id', sa.Integer()), sa.column('code', sa.String()),
                        sa.column('applicant_name', sa.String()), sa.column('applicant_phone', sa.String()),
                        sa.column('form', sa.JSON()), sa.column('search_text', sa.Text()))
    for row in conn.execute(sa.select(dossiers.c.id, dossiers.c.code, dossiers.c.applicant_name,
                                      dossiers.c.applicant_phone, dossiers.c.form)).all():
        form = row.form or {}
        parts = [row.code, row.applicant_name, row.applicant_phone,
                 *(str(form.get(k) or "") for k in ("so_dinh_danh", "so_cccd", "so_dien_thoai"))]
        conn.execute(sa.update(dossiers).where(dossiers.c.id == row.id)
                     .values(search_text=fold(" | ".join(p for p in parts if p))))


def downgrade() -> None:
    op.drop_table('notifications')
    op.drop_table('dossier_intakes')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('search_text')
        batch_op.drop_column('applicant_address')
        batch_op.drop_column('applicant_id_number')
        batch_op.alter_column('applicant_id', existing_type=sa.Integer(), nullable=False)
