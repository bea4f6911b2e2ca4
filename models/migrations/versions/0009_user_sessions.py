"""people: sessions and API tokens the server can end; initial passwords changed at first log-in

Revision ID: 0009_user_sessions
Revises: 0008_fee_waiver
Create Date: 2026-12-07

`user_sessions`: one row per browser session or API token (hash of its secret, created, last used,
expires, ended). `users.must_change_password`: an account made by an administrator or with a
generated password must choose its own before doing anything else.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0009_user_sessions'
down_revision = '0008_fee_waiver'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('label', sa.String(length=100), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('ended_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
