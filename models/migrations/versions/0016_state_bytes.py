"""dossiers.state as bytes: the workflow state packed (task ids as 16-byte ids, deflated against a fixed
dictionary) instead of zlib in base64 text

Revision ID: 0016_state_bytes
Revises: 0015_consent_records
Create Date: 2027-01-25

Existing states keep their content: the text (`z1:` + base64, or plain JSON) becomes its UTF-8 bytes, which
still loads (`engine.serializer.unpack_state`) and hashes as the same text (`processes.audit._canonical`),
so every seal taken before the upgrade still verifies. A state is packed when its dossier is next written.
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_state_bytes'
down_revision = '0015_consent_records'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE dossiers ALTER COLUMN state TYPE bytea USING convert_to(state, 'UTF8')")
    else:  # SQLite: the batch copy casts each text to its UTF-8 bytes
        with op.batch_alter_table('dossiers', schema=None) as batch_op:
            batch_op.alter_column('state', existing_type=sa.Text(), type_=sa.LargeBinary(), existing_nullable=False)


def downgrade() -> None:
    """Packed states go back to `z1:` text. Their content is the same, but not their bytes: `motcua audit
    verify` reports such a dossier as changed outside the system until a backup from before 0016 is back."""
    import base64
    import zlib

    from engine.serializer import COMPRESSED, PACKED, unpack_state

    conn = op.get_bind()
    dossiers = sa.table('dossiers', sa.column('id', sa.Integer()), sa.column('state', sa.LargeBinary()))
    for dossier_id, state in conn.execute(sa.select(dossiers.c.id, dossiers.c.state)).all():
        if bytes(state).startswith(PACKED):
            deflated = zlib.compress(unpack_state(bytes(state)).encode("utf-8"))
            text = COMPRESSED + base64.b64encode(deflated).decode("ascii")
            conn.execute(dossiers.update().where(dossiers.c.id == dossier_id).values(state=text.encode("ascii")))
    if conn.dialect.name == "postgresql":
        op.execute("ALTER TABLE dossiers ALTER COLUMN state TYPE text USING convert_from(state, 'UTF8')")
    else:
        with op.batch_alter_table('dossiers', schema=None) as batch_op:
            batch_op.alter_column('state', existing_type=sa.LargeBinary(), type_=sa.Text(), existing_nullable=False)
