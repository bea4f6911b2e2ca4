"""audit: one hash chain per dossier (and one for system events), each dossier's state sealed in its
chain head, `audit_events.seq` from a sequence instead of one head row every writer waited on

Revision ID: 0013_audit_trust
Revises: 0012_portal_drafts
Create Date: 2026-12-07

`audit_events.chain` (0: system, else the dossier's id), `chain_seq`, `state_hash`; `audit_chains`
(one head per chain: n, hash, last_seq, state_hash). The existing events are re-linked into their
chains in the order they were written (their hashes recomputed once, here; run `motcua audit verify`
before upgrading to know the old chain was intact) and every dossier's current state is sealed.
On PostgreSQL `audit_events_seq` numbers new events; on SQLite the `audit_head` row keeps counting.
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_audit_trust'
down_revision = '0012_portal_drafts'
branch_labels = None
depends_on = None

ZERO = "0" * 64


def upgrade() -> None:
    from processes.audit import dossier_state, event_digest  # the digest as of this revision

    bind = op.get_bind()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('state_hash', sa.String(length=64), nullable=True))
    op.create_table(
        'audit_chains',
        sa.Column('chain', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('last_seq', sa.Integer(), nullable=False),
        sa.Column('state_hash', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('chain', name=op.f('pk_audit_chains')),
    )
    _triggers(bind.dialect.name, drop=True)
    events = sa.table('audit_events', sa.column('id'), sa.column('seq'), sa.column('at'), sa.column('actor'),
                      sa.column('dossier_id'), sa.column('kind'), sa.column('detail', sa.JSON),
                      sa.column('prev_hash'), sa.column('hash'), sa.column('chain'), sa.column('chain_seq'),
                      sa.column('state_hash'))
    from models.base import UTCDateTime
    events.c.at.type = UTCDateTime(timezone=True)
    heads: dict[int, list] = {}  # chain -> [n, hash, last_seq]
    last = 0
    while True:
        rows = bind.execute(sa.select(events).where(events.c.seq > last).order_by(events.c.seq).limit(2000)).all()
        if not rows:
            break
        for r in rows:
            chain = r.dossier_id or 0
            head = heads.setdefault(chain, [0, ZERO, 0])
            n = head[0] + 1
            digest = event_digest(head[1], r.seq, r.at, r.actor, r.dossier_id, r.kind, r.detail, n, None)
            bind.execute(sa.update(events).where(events.c.id == r.id).values(
                chain=chain, chain_seq=n, prev_hash=head[1], hash=digest, state_hash=None))
            heads[chain] = [n, digest, r.seq]
            last = r.seq
    heads.setdefault(0, [0, ZERO, 0])
    chains = sa.table('audit_chains', sa.column('chain'), sa.column('n'), sa.column('hash'),
                      sa.column('last_seq'), sa.column('state_hash'))
    for chain, (n, digest, last_seq) in sorted(heads.items()):
        state = dossier_state(bind, chain) if chain else None
        bind.execute(sa.insert(chains).values(chain=chain, n=n, hash=digest, last_seq=last_seq, state_hash=state))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_chain'), ['chain', 'chain_seq'])
    _triggers(bind.dialect.name, drop=False)
    if bind.dialect.name == "postgresql":
        start = int(bind.execute(sa.text("SELECT coalesce(max(seq), 0) + 1 FROM audit_events")).scalar_one())
        op.execute(f"CREATE SEQUENCE audit_events_seq START WITH {start}")
    else:
        op.execute("UPDATE audit_head SET seq = (SELECT coalesce(max(seq), 0) FROM audit_events) WHERE id = 1")


def _triggers(dialect: str, *, drop: bool) -> None:
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            if drop:
                op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{action.lower()}")
            else:
                op.execute(f"CREATE TRIGGER audit_events_no_{action.lower()} BEFORE {action} ON audit_events "
                           f"BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
    elif drop:
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    else:
        op.execute("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS audit_events_seq")
    _triggers(bind.dialect.name, drop=True)  # batch mode on SQLite rebuilds the table
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_chain'), type_='unique')
        batch_op.drop_column('state_hash')
        batch_op.drop_column('chain_seq')
        batch_op.drop_column('chain')
    op.drop_table('audit_chains')
    _triggers(bind.dialect.name, drop=False)
