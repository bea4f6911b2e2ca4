"""Append to and verify the audit trail (R4.1: tampering is detectable, also by someone who owns the
database).

- One hash chain per dossier (and chain 0 for system events): writers of different dossiers never wait
  on one another; `seq` (from a sequence) orders all events.
- Every transaction that touches a dossier seals the hash of the dossier's state and business data
  (the row and its files) into the chain head (`audit_chains.state_hash`) when it commits; the next
  event carries it in its own hash. A row edited behind the application's back no longer matches.
- Periodic checkpoints (`checkpoint`) gather every chain head into a Merkle tree whose root is signed
  with a key that is not in the database and written to a folder the auditor keeps: an administrator
  who rewrites a chain and recomputes every hash still disagrees with the last checkpoint.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters import audit_anchor
from adapters.bootstrap import Services
from models import Attachment, AuditChain, AuditEvent, AuditHead, Dossier
from processes.uow import UnitOfWork, transaction_cache

ZERO = "0" * 64
SYSTEM_CHAIN = 0


def event_digest(prev_hash: str, seq: int, at: datetime, actor: str, dossier_id: int | None, kind: str,
                 detail: dict[str, Any], chain_seq: int = 0, state_hash: str | None = None) -> str:
    body = {"seq": seq, "at": _canonical(at), "actor": actor, "dossier": dossier_id, "kind": kind,
            "detail": detail}
    if chain_seq:  # events written since per-dossier chains (0013) also bind their place and state
        body.update(chain_seq=chain_seq, state=state_hash)
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


# -- state hashes -----------------------------------------------------------------------------------
# Named, not "every column": a column added later must not change every dossier's hash (a migration that
# adds a business column to this list reseals the heads).
STATE_COLUMNS = ("id", "code", "procedure_id", "definition_id", "agency_id", "applicant_id", "applicant_name",
                 "applicant_phone", "status_code", "channel", "result_channel", "postal_address", "form",
                 "received_at", "accepted_at", "due_at", "finished_at", "delivered_at", "paused_at",
                 "supplement_count", "late", "refund_flagged", "state")
_DOSSIER_COLUMNS = [Dossier.__table__.c[n] for n in STATE_COLUMNS]
_FILE_COLUMNS = [Attachment.__table__.c[n] for n in ("id", "document_key", "filename", "sha256", "size",
                                                     "superseded_at")]
_STATE_ROW = sa.select(*_DOSSIER_COLUMNS).where(Dossier.__table__.c.id == sa.bindparam("d"))
_STATE_FILES = (sa.select(Attachment.__table__.c.dossier_id, *_FILE_COLUMNS)
                .where(Attachment.__table__.c.dossier_id == sa.bindparam("d"))
                .order_by(Attachment.__table__.c.id))


def _canonical(value: Any) -> Any:
    """An instant as UTC text: the same instant hashes alike whatever zone the clock that wrote it, or the
    database connection that reads it back, was in (an event written with a local clock and read back in
    UTC failed verification before)."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo is not None else value).isoformat()
    if isinstance(value, bytes):
        return _canonical_bytes(value)
    return value


def _canonical_bytes(value: bytes) -> str:
    """A packed state as `b64:` + base64; a state stored as text before 0016 (compressed `z1:…` or plain
    JSON) and now held as its UTF-8 bytes as that text, so the seals taken before the change still hold.
    The two forms cannot meet: one starts with "b64:", the other with "z1:" or "{"."""
    if value.startswith((b"z1:", b"{")):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return "b64:" + base64.b64encode(value).decode("ascii")


def state_digest(row: Mapping[Any, Any], files: Iterable[Mapping[Any, Any]]) -> str:
    """The hash of a dossier's state and business data: its row (STATE_COLUMNS, the workflow state
    included) and its files (name, content hash, superseded)."""
    body = {"row": {k: _canonical(v) for k, v in row.items()},
            "files": [{k: _canonical(v) for k, v in f.items() if k != "dossier_id"} for f in files]}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dossier_state(conn: so.Session | sa.Connection, dossier_id: int,
                  row: Mapping[Any, Any] | None = None) -> str | None:
    """The state hash of a dossier as stored (`row`: its STATE_COLUMNS when the caller knows them as
    they were just written; its files are always read)."""
    found = row if row is not None else conn.execute(_STATE_ROW, {"d": dossier_id}).mappings().first()
    if found is None:
        return None
    return state_digest(found, conn.execute(_STATE_FILES, {"d": dossier_id}).mappings().all())


_STATE_KEYS = [(name, sa.inspect(Dossier).get_property_by_column(Dossier.__table__.c[name]).key)
               for name in STATE_COLUMNS]
# Tests set this: every seal taken from a written object is compared with the row read back, so that a
# value whose stored form differs from the object's (a type that does not round-trip) fails a test
# instead of sealing a state that `verify` would later call changed.
CHECK_WRITTEN_SEALS = False


def _written_row(session: so.Session, dossier_id: int) -> dict[str, Any] | None:
    """The dossier's STATE_COLUMNS as this transaction wrote them, from the object it flushed with a change
    (an INSERT, or an UPDATE whose version check proved that nobody else wrote the row meanwhile); None
    when the row was not written through the object in this transaction or an attribute is not loaded
    (expired, e.g. by a savepoint rolled back)."""
    obj = next((o for o in session.info.get(_WRITTEN, ()) if o.__dict__.get("id") == dossier_id), None)
    if obj is None:
        return None
    loaded = obj.__dict__
    if any(key not in loaded for _, key in _STATE_KEYS):
        return None
    return {name: loaded[key] for name, key in _STATE_KEYS}


# -- appending --------------------------------------------------------------------------------------
_HEADS = "motcua.audit_heads"
_TOUCHED = "motcua.audit_touched"
_HEAD_FOR_UPDATE = sa.select(AuditChain).where(AuditChain.chain == sa.bindparam("c")).with_for_update()
# On the table, not the entity: an ORM-enabled UPDATE would first work out which loaded objects it
# changes (1 ms a call, three calls per action); this counter is never loaded as an object.
_SEQ_TABLE = cast(sa.Table, AuditHead.__table__)
_NEXT_SEQS_SQLITE = (sa.update(_SEQ_TABLE).where(_SEQ_TABLE.c.id == 1)
                     .values(seq=_SEQ_TABLE.c.seq + sa.bindparam("k")).returning(_SEQ_TABLE.c.seq))
_NEXT_SEQS_PG = sa.select(sa.func.nextval("audit_events_seq")).select_from(
    sa.func.generate_series(1, sa.bindparam("k")))
_PENDING = "motcua.audit_pending"  # events appended and not yet numbered, in the order appended


def append(session: so.Session, *, at: datetime, actor: str, kind: str, detail: dict[str, Any] | None = None,
           dossier_id: int | None = None) -> AuditEvent:
    """Add one event to its dossier's chain (or the system chain) inside the caller's transaction. Its
    place in the chain is taken now; its number (`seq`) and hashes when the session next flushes, one
    counter statement for every event appended since (`_number_pending`)."""
    chain = dossier_id or SYSTEM_CHAIN
    if dossier_id and kind != CHANGED_OUTSIDE:  # nothing of this transaction is flushed yet, or it was checked
        _check_stored(session, dossier_id, _locked_head(session, chain).state_hash)
        _report_mismatch(session, dossier_id, at)  # a change made behind the application's back comes first
    head = _locked_head(session, chain)
    detail = json.loads(json.dumps(detail or {}, default=str))
    head.n += 1
    event = AuditEvent(at=at, actor=actor, dossier_id=dossier_id, kind=kind, detail=detail, chain=chain,
                       chain_seq=head.n, state_hash=head.state_hash)
    session.add(event)
    session.info.setdefault(_PENDING, []).append((event, head))
    if dossier_id:
        session.info.setdefault(_TOUCHED, set()).add(dossier_id)
    return event


def _number_pending(session: so.Session, flush_context: Any = None, instances: Any = None) -> None:
    """Before a flush: number the events appended since the last one (in the order appended, so numbers
    follow the order of writing) and link each to its chain's previous event."""
    pending = [(event, head) for event, head in session.info.get(_PENDING, ()) if event in session]
    session.info[_PENDING] = []
    if not pending:
        return
    k = len(pending)
    if session.get_bind().dialect.name == "postgresql":
        seqs = sorted(int(v) for v in session.execute(_NEXT_SEQS_PG, {"k": k}).scalars())
    else:
        last = int(session.execute(_NEXT_SEQS_SQLITE, {"k": k}).scalar_one())
        seqs = list(range(last - k + 1, last + 1))
    for (event, head), seq in zip(pending, seqs, strict=True):
        event.seq, event.prev_hash = seq, head.hash
        event.hash = event_digest(head.hash, seq, event.at, event.actor, event.dossier_id, event.kind,
                                  event.detail, event.chain_seq, event.state_hash)
        head.hash, head.last_seq = event.hash, seq


def _locked_head(session: so.Session, chain: int) -> AuditChain:
    """The chain's head row, locked once per transaction (a savepoint locks again for itself); a
    dossier's first event creates it (in the dossier's own transaction, so nobody else can)."""
    heads: dict[int, AuditChain] = transaction_cache(session, _HEADS)
    head = heads.get(chain)
    if head is None:
        head = session.scalars(_HEAD_FOR_UPDATE, {"c": chain}).one_or_none()
        if head is None:
            head = AuditChain(chain=chain, n=0, hash=ZERO, last_seq=0, state_hash=None)
            session.add(head)
        heads[chain] = head
    return head


_CHECKED = "motcua.audit_checked"
_WRITTEN = "motcua.audit_written"  # the Dossier objects this transaction flushed with a change
_ORM_WRITES = "motcua.audit_orm_writes"  # the dossiers whose row or files this transaction wrote
_INTACT = "motcua.audit_intact"  # the dossiers found as sealed by this transaction's check
_MISMATCH = "motcua.audit_mismatch"
CHANGED_OUTSIDE = "dossier_changed_outside"
_SEALED = sa.select(AuditChain.state_hash).where(AuditChain.chain == sa.bindparam("c"))


def _track_dossier_writes(session: so.Session, flush_context: Any, instances: Any) -> None:
    """Before a flush: note the dossiers this transaction writes, and, the first time it writes one,
    compare the dossier as stored (not yet written by us) with the state its chain head sealed. A
    difference means someone changed it outside the application: the next event of the dossier in
    this transaction records it (`dossier_changed_outside`), or, without one, the head keeps its old
    seal so that `verify` reports it."""
    touched = None
    checked: set[int] | None = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Dossier):
            dossier_id = obj.id
        elif isinstance(obj, Attachment):
            dossier_id = obj.dossier_id
        else:
            continue
        if touched is None:
            touched = session.info.setdefault(_TOUCHED, set())
            checked = session.info.setdefault(_CHECKED, set())
        touched.add(dossier_id if dossier_id is not None else obj)
        if dossier_id is not None:
            session.info.setdefault(_ORM_WRITES, set()).add(dossier_id)
        if isinstance(obj, Dossier) and obj not in session.deleted and (
                obj in session.new or session.is_modified(obj, include_collections=False)):
            written = session.info.setdefault(_WRITTEN, [])
            if not any(o is obj for o in written):
                written.append(obj)
        assert checked is not None
        if dossier_id is None or dossier_id in checked:
            continue
        if isinstance(obj, Dossier) and obj in session.new:
            checked.add(dossier_id)
            continue
        _check_stored(session, dossier_id)


def _check_stored(session: so.Session, dossier_id: int, sealed: str | None | bool = False) -> None:
    """Once per transaction and dossier, before this transaction writes it: the stored state must be
    the sealed one (`sealed`: the head's seal when the caller holds it, else read here)."""
    checked = session.info.setdefault(_CHECKED, set())
    if dossier_id in checked:
        return
    checked.add(dossier_id)
    conn = session.connection()
    if sealed is False:
        sealed = conn.execute(_SEALED, {"c": dossier_id}).scalar()
    if not isinstance(sealed, str):
        return
    found = dossier_state(conn, dossier_id)
    if found is not None and found != sealed:
        session.info.setdefault(_MISMATCH, {})[dossier_id] = (sealed, found)
    elif found is not None:
        session.info.setdefault(_INTACT, set()).add(dossier_id)


def _report_mismatch(session: so.Session, dossier_id: int, at: datetime) -> None:
    pending = session.info.get(_MISMATCH)
    if not pending or dossier_id not in pending:
        return
    sealed, found = pending.pop(dossier_id)
    append(session, at=at, actor="system", kind=CHANGED_OUTSIDE, dossier_id=dossier_id,
           detail={"sealed": sealed, "found": found})


def _seal_states(session: so.Session) -> None:
    """Before a commit: the state each touched dossier is left in goes into its chain head."""
    touched = session.info.get(_TOUCHED)
    if not touched:
        return
    session.flush()
    ids = {t if isinstance(t, int) else getattr(t, "id", None) for t in touched}
    unreported = session.info.get(_MISMATCH) or {}
    unchanged = (session.info.get(_INTACT) or set()) - (session.info.get(_ORM_WRITES) or set())
    for dossier_id in sorted(i for i in ids if i and i not in unreported):  # unreported: the old seal stays
        if dossier_id in unchanged:
            # Found as sealed when this transaction began with it, and neither its row nor its files written
            # since (an access-log read, a notice): its seal stands, nothing to read again.
            if CHECK_WRITTEN_SEALS:
                assert dossier_state(session, dossier_id) == _locked_head(session, dossier_id).state_hash, \
                    f"dossier #{dossier_id} changed in a transaction that wrote neither its row nor its files"
            continue
        written = _written_row(session, dossier_id)
        state = dossier_state(session, dossier_id, written)
        if written is not None and CHECK_WRITTEN_SEALS:
            stored = dossier_state(session, dossier_id)
            assert state == stored, f"dossier #{dossier_id}: the seal from the written object differs from the row " \
                f"read back ({_differences(session, dossier_id, written)})"
        if state is None:  # created in a savepoint that rolled back
            continue
        head = _locked_head(session, dossier_id)
        if head.state_hash != state:
            head.state_hash = state
    touched.clear()


def _differences(session: so.Session, dossier_id: int, written: Mapping[str, Any]) -> list[str]:
    stored: Mapping[Any, Any] = session.execute(_STATE_ROW, {"d": dossier_id}).mappings().first() or {}
    return [f"{k}: {v!r} written, {stored.get(k)!r} stored" for k, v in written.items()
            if _canonical(v) != _canonical(stored.get(k))]


def _forget(session: so.Session, transaction: so.SessionTransaction) -> None:
    if transaction.parent is None:
        for key in (_TOUCHED, _HEADS, _CHECKED, _MISMATCH, _WRITTEN, _PENDING, _ORM_WRITES, _INTACT):
            session.info.pop(key, None)


sa.event.listen(so.Session, "before_flush", _track_dossier_writes)
sa.event.listen(so.Session, "before_flush", _number_pending)
sa.event.listen(so.Session, "before_commit", _seal_states)
sa.event.listen(so.Session, "after_transaction_end", _forget)


# -- verifying --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    seq: int | None  # the event (global number), when one is to blame
    dossier_id: int | None
    dossier: str | None  # its code
    reason: str

    def __str__(self) -> str:
        where = f"dossier {self.dossier}" if self.dossier else (
            f"dossier #{self.dossier_id}" if self.dossier_id else "system events")
        event = f"event {self.seq}" if self.seq is not None else "no event"
        return f"{where}, {event}: {self.reason}"


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""
    problems: tuple[Problem, ...] = field(default=())
    checkpoint: str | None = None  # the checkpoint checked against, if any


@dataclass
class _Walk:
    n: int = 0
    hash: str = ZERO
    last_seq: int = 0


def _code_of(session: so.Session, dossier_id: int | None) -> str | None:
    if not dossier_id:
        return None
    return session.scalar(sa.select(Dossier.code).where(Dossier.id == dossier_id))


# What reading a row written past the application can raise: SQLite keeps whatever it is given (text in a
# date or a number column, a JSON column that is not JSON), and the column types fail to decode it.
_UNDECODABLE = (ValueError, TypeError)
_UNREADABLE = "it cannot be read: a value stored in it is not of its kind (written outside the application)"


@dataclass(frozen=True)
class _Unreadable:
    """An event row that failed to decode, known by what could be read of it."""

    seq: int
    chain: int
    dossier_id: int | None
    chain_seq: int = 0


_RAW_EVENT = sa.select(AuditEvent.seq, AuditEvent.chain, AuditEvent.dossier_id).where(
    AuditEvent.id == sa.bindparam("i"))


def _events(session: so.Session, stmt: sa.Select[AuditEvent]) -> list[AuditEvent | _Unreadable]:
    """The events `stmt` selects; when one of them does not decode, the rest still do, one by one, and that
    one stands for itself as `_Unreadable` (a problem of its chain, not a failure of the verification)."""
    try:
        return list(session.scalars(stmt).all())
    except _UNDECODABLE:
        ids = session.execute(stmt.with_only_columns(AuditEvent.id)).scalars().all()
    found: list[AuditEvent | _Unreadable] = []
    for i in ids:
        try:
            found.append(session.scalars(sa.select(AuditEvent).where(AuditEvent.id == i)
                                         .execution_options(populate_existing=True)).one())
        except _UNDECODABLE:
            seq, chain, dossier_id = session.execute(_RAW_EVENT, {"i": i}).one()
            found.append(_Unreadable(_int(seq), _int(chain), dossier_id if isinstance(dossier_id, int) else None))
    return found


def _int(value: Any) -> int:
    return value if isinstance(value, int) else -1


def _check_event(walk: _Walk, ev: AuditEvent | _Unreadable) -> str | None:
    """Why `ev` does not fit after `walk` (None: it fits)."""
    if isinstance(ev, _Unreadable):
        return _UNREADABLE
    if ev.chain_seq != walk.n + 1:
        return f"event {walk.n + 1} of its chain is missing"
    if ev.prev_hash != walk.hash:
        return "its link to the previous event does not match"
    try:
        digest = event_digest(walk.hash, ev.seq, ev.at, ev.actor, ev.dossier_id, ev.kind, ev.detail, ev.chain_seq,
                              ev.state_hash)
    except _UNDECODABLE:
        return _UNREADABLE
    if digest != ev.hash:
        return "its content was changed after it was written"
    return None


def verify(session: so.Session, batch: int = 5000, *, checkpoints: Sequence[dict[str, Any]] = (),
           key: bytes | None = None) -> Verification:
    """Recompute every chain (in the order events were written), compare each head and each dossier's
    state with what was sealed, and, given the auditor's checkpoints and key, compare the chains with
    the newest checkpoint. The first problem found (in event order) is `broken_seq`/`reason`; every
    problem is in `problems`."""
    walks: dict[int, _Walk] = {}
    problems: list[Problem] = []
    broken_chains: set[int] = set()
    count = 0
    last_seq = 0
    first_bad: tuple[int, str] | None = None
    while True:
        rows = _events(session, sa.select(AuditEvent).where(AuditEvent.seq > last_seq)
                       .order_by(AuditEvent.seq).limit(batch))
        # A number stored as text sorts after every number on SQLite: such rows come last and would come
        # again in every page, so paging stops at a page that moved no further, naming what is left.
        if not any(isinstance(ev.seq, int) and ev.seq > last_seq for ev in rows):
            for ev in rows:
                if ev.chain not in broken_chains:
                    problems.append(Problem(None, ev.dossier_id, _code_of(session, ev.dossier_id), _UNREADABLE))
                    broken_chains.add(ev.chain)
            break
        for ev in rows:
            if not isinstance(ev.seq, int) or ev.seq <= last_seq:
                continue  # (the rows above, after this page)
            last_seq = ev.seq
            if ev.chain in broken_chains:
                continue
            walk = walks.setdefault(ev.chain, _Walk())
            why = _check_event(walk, ev)
            if why is not None:
                missing = (why.startswith("event ") and isinstance(ev.chain_seq, int)
                           and ev.chain_seq > walk.n + 1)
                seq = _missing_seq(session, walk.last_seq, ev.seq) if missing else ev.seq
                if missing:
                    why = "it is missing (removed from the chain)"
                problems.append(Problem(seq, ev.dossier_id, _code_of(session, ev.dossier_id), why))
                broken_chains.add(ev.chain)
                if first_bad is None:
                    first_bad = (seq, why)
                continue
            assert isinstance(ev, AuditEvent)  # an unreadable one never fits
            walk.n, walk.hash, walk.last_seq = ev.chain_seq, ev.hash, ev.seq
            if ev.kind == CHANGED_OUTSIDE:
                problems.append(Problem(ev.seq, ev.dossier_id, _code_of(session, ev.dossier_id), _NOTICED))
                if first_bad is None:
                    first_bad = (ev.seq, _NOTICED)
            if first_bad is None:
                count += 1
    heads = {h.chain: h for h in session.scalars(sa.select(AuditChain))}
    for chain, head in sorted(heads.items()):
        if chain in broken_chains:
            continue
        walk = walks.get(chain, _Walk())
        dossier_id = chain or None
        if head.n != walk.n or head.hash != walk.hash:
            seq_or_none: int | None
            if _removed_after(head, walk):
                seq_or_none = _missing_seq(session, walk.last_seq, head.last_seq)
                why = "events after the last one were removed"
            else:
                seq_or_none, why = (walk.last_seq or None), "the chain head does not match its last event"
            problems.append(Problem(seq_or_none, dossier_id, _code_of(session, dossier_id), why))
            broken_chains.add(chain)
            if first_bad is None or (seq_or_none is not None and seq_or_none < first_bad[0]):
                first_bad = (seq_or_none or 0, why)
    problems.extend(_state_problems(session, heads, broken_chains))
    checked = None
    if checkpoints:
        newest = checkpoints[-1]
        checked = str(newest.get("file") or newest.get("root"))
        problems.extend(checkpoint_problems(session, checkpoints, key, heads))
    if first_bad is None and problems:
        first = problems[0]
        first_bad = (first.seq or 0, first.reason)
    if first_bad is None:
        return Verification(True, count, checkpoint=checked)
    return Verification(False, count, first_bad[0] or None, first_bad[1], tuple(problems), checked)


def _removed_after(head: AuditChain, walk: _Walk) -> bool:
    """Whether the head counts events beyond the last one found (numbers it holds, not text put there)."""
    return isinstance(head.n, int) and isinstance(head.last_seq, int) and head.n > walk.n


def _missing_seq(session: so.Session, after: int, upto: int) -> int:
    """The first event number after `after` that no row has (a removed event; numbers are taken in
    order, so the first hole is where the removal starts)."""
    present = session.scalars(sa.select(AuditEvent.seq).where(AuditEvent.seq > after, AuditEvent.seq <= upto)
                              .order_by(AuditEvent.seq)).all()
    expected = after + 1
    for seq in present:
        if seq != expected:
            return expected
        expected += 1
    return expected


_CHANGED_OUTSIDE = "the dossier's data was changed outside the application after its last event"
_NOTICED = ("the dossier's data had been changed outside the application before this event (noticed when "
            "the application next wrote it)")


def _state_problems(session: so.Session, heads: dict[int, AuditChain], broken: set[int],
                    batch: int = 1000) -> list[Problem]:
    sealed = sorted((c, h) for c, h in heads.items() if c and h.state_hash and c not in broken)
    problems: list[Problem] = []
    conn = session.connection()
    for start in range(0, len(sealed), batch):
        part = sealed[start:start + batch]
        states: dict[int, str | None]
        try:
            states = dict(_states(conn, [c for c, _ in part]))
        except _UNDECODABLE:  # one row does not decode: the others one by one
            states = {c: _stored_state(conn, c) for c, _ in part}
        for chain, head in part:
            state = states.get(chain)
            if state is None:
                problems.append(Problem(head.last_seq, chain, None, "the dossier was removed"))
            elif state != head.state_hash:
                code = conn.execute(sa.select(Dossier.__table__.c.code).where(Dossier.__table__.c.id == chain))
                problems.append(Problem(head.last_seq, chain, code.scalar(), _CHANGED_OUTSIDE))
    return problems


def _states(conn: sa.Connection, ids: list[int]) -> dict[int, str]:
    """The state hashes of these dossiers as stored, in two queries."""
    rows = {r["id"]: r for r in conn.execute(sa.select(*_DOSSIER_COLUMNS)
                                             .where(Dossier.__table__.c.id.in_(ids))).mappings()}
    files: dict[int, list[sa.RowMapping]] = {}
    for f in conn.execute(sa.select(Attachment.__table__.c.dossier_id, *_FILE_COLUMNS)
                          .where(Attachment.__table__.c.dossier_id.in_(ids))
                          .order_by(Attachment.__table__.c.id)).mappings():
        files.setdefault(f["dossier_id"], []).append(f)
    return {i: state_digest(row, files.get(i, [])) for i, row in rows.items()}


# Never a hash: the state of a dossier whose row or files hold a value the application cannot have written.
_UNDECODABLE_STATE = "undecodable"


def _stored_state(conn: sa.Connection, dossier_id: int) -> str | None:
    try:
        return dossier_state(conn, dossier_id)
    except _UNDECODABLE:
        return _UNDECODABLE_STATE


def verify_dossier(session: so.Session, dossier_id: int) -> Verification:
    """One dossier's chain, head and state (what its page shows as "intact"): a few milliseconds."""
    session.flush()  # what this transaction appended is compared too (sessions do not autoflush)
    head = session.get(AuditChain, dossier_id)
    events = _events(session, sa.select(AuditEvent).where(AuditEvent.chain == dossier_id)
                     .order_by(AuditEvent.chain_seq))
    walk = _Walk()
    code = _code_of(session, dossier_id)
    for ev in events:
        why = _check_event(walk, ev)
        if why is not None:
            return Verification(False, walk.n, ev.seq, why, (Problem(ev.seq, dossier_id, code, why),))
        assert isinstance(ev, AuditEvent)  # an unreadable one never fits
        walk.n, walk.hash, walk.last_seq = ev.chain_seq, ev.hash, ev.seq
        if ev.kind == CHANGED_OUTSIDE:
            return Verification(False, walk.n, ev.seq, _NOTICED, (Problem(ev.seq, dossier_id, code, _NOTICED),))
    if head is None:
        if events:
            why = "the chain head is missing"
            return Verification(False, walk.n, walk.last_seq, why, (Problem(walk.last_seq, dossier_id, code, why),))
        return Verification(True, 0)
    if head.n != walk.n or head.hash != walk.hash:
        removed = _removed_after(head, walk)
        why = "events after the last one were removed" if removed else "the chain head does not match"
        return Verification(False, walk.n, head.last_seq, why, (Problem(head.last_seq, dossier_id, code, why),))
    if head.state_hash and _stored_state(session.connection(), dossier_id) != head.state_hash:
        return Verification(False, walk.n, head.last_seq, _CHANGED_OUTSIDE,
                            (Problem(head.last_seq, dossier_id, code, _CHANGED_OUTSIDE),))
    return Verification(True, walk.n)


# -- checkpoints ------------------------------------------------------------------------------------
def leaf_hash(chain: int, n: int, head_hash: str, state_hash: str | None) -> str:
    return hashlib.sha256(f"leaf:{chain}:{n}:{head_hash}:{state_hash or ''}".encode()).hexdigest()


def merkle_root(leaves: Sequence[str]) -> str:
    """The root of a binary Merkle tree over the leaf hashes (an odd node is paired with itself)."""
    if not leaves:
        return ZERO
    level = list(leaves)
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hashlib.sha256(f"node:{a}{b}".encode()).hexdigest() for a, b in zip(level[::2], level[1::2],
                                                                                        strict=True)]
    return level[0]


def _anchored_digest(anchored: Any) -> str:
    return hashlib.sha256(json.dumps(anchored, sort_keys=True).encode()).hexdigest()


def _signed_part(doc: dict[str, Any]) -> bytes:
    signed = {k: doc.get(k) for k in ("version", "at", "chains", "events", "root", "prev_root")}
    signed["anchored"] = _anchored_digest(doc.get("anchored", []))
    return json.dumps(signed, sort_keys=True).encode()


def sign(doc: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, _signed_part(doc), hashlib.sha256).hexdigest()


def build_checkpoint(session: so.Session, at: datetime, previous: dict[str, Any] | None,
                     key: bytes) -> dict[str, Any]:
    """A checkpoint of every chain head as it is now (the caller writes it where the auditor keeps it).
    `anchored`: the hash of every event appended since the previous checkpoint, per chain
    ([chain, first chain_seq, [hashes…]]), so a rewritten chain is named at the very event that changed."""
    heads = session.execute(sa.select(AuditChain.chain, AuditChain.n, AuditChain.hash, AuditChain.state_hash)
                            .order_by(AuditChain.chain)).all()
    leaves = [[c, n, h, s] for c, n, h, s in heads]
    before = {int(c): int(n) for c, n, _, _ in (previous or {}).get("leaves", [])}
    grown = {c: (before.get(c, 0), n) for c, n, _, _ in heads if n > before.get(c, 0)}
    hashes: dict[int, dict[int, str]] = {}
    chains = sorted(grown)
    for start in range(0, len(chains), 1000):
        part = chains[start:start + 1000]
        for c, n, h in session.execute(sa.select(AuditEvent.chain, AuditEvent.chain_seq, AuditEvent.hash)
                                       .where(AuditEvent.chain.in_(part))):
            low, high = grown[c]
            if low < n <= high:
                hashes.setdefault(c, {})[n] = h
    anchored = [[c, grown[c][0] + 1, [hashes.get(c, {}).get(n, "") for n in range(grown[c][0] + 1, grown[c][1] + 1)]]
                for c in chains]
    doc: dict[str, Any] = {
        "version": 1, "at": at.isoformat(), "chains": len(leaves), "events": sum(n for _, n, _, _ in heads),
        "root": merkle_root([leaf_hash(c, n, h, st) for c, n, h, st in heads]),
        "prev_root": previous["root"] if previous else None, "leaves": leaves, "anchored": anchored}
    doc["signature"] = sign(doc, key)
    return doc


def checkpoint_problems(session: so.Session, checkpoints: Sequence[dict[str, Any]], key: bytes | None,
                        heads: dict[int, AuditChain] | None = None) -> list[Problem]:
    """Each checkpoint must be signed with the key and hold the root of its leaves, each link to an
    earlier one; every event a checkpoint anchored must still have its hash (the first that does not is
    named), and a chain with nothing appended since the newest checkpoint must hold the state it sealed."""
    problems: list[Problem] = []
    earlier: set[str] = set()
    anchored: dict[int, dict[int, str]] = {}
    for i, doc in enumerate(checkpoints):
        name = str(doc.get("file") or doc.get("at"))
        if key is None or not hmac.compare_digest(str(doc.get("signature", "")), sign(doc, key)):
            problems.append(Problem(None, None, None, f"checkpoint {name}: its signature does not match the key"))
            continue
        if merkle_root([leaf_hash(*leaf) for leaf in doc["leaves"]]) != doc["root"]:
            problems.append(Problem(None, None, None, f"checkpoint {name}: its heads do not give its root"))
            continue
        if i and doc.get("prev_root") not in earlier:  # sweepers on several nodes may share a predecessor
            problems.append(Problem(None, None, None, f"checkpoint {name}: it does not follow an earlier one"))
        earlier.add(doc["root"])
        for chain, first, hashes in doc.get("anchored", []):
            place = anchored.setdefault(int(chain), {})
            for offset, digest in enumerate(hashes):
                place.setdefault(first + offset, digest)
        for chain, n, digest, _ in doc["leaves"]:
            if n:
                anchored.setdefault(int(chain), {}).setdefault(int(n), digest)
    if problems or not checkpoints:
        return problems
    newest = checkpoints[-1]
    if heads is None:
        heads = {h.chain: h for h in session.scalars(sa.select(AuditChain))}
    chains = sorted(anchored)
    stored: dict[int, dict[int, tuple[int, str]]] = {}
    for start in range(0, len(chains), 1000):  # one query per thousand chains
        part = chains[start:start + 1000]
        for c, n, seq, digest in session.execute(sa.select(AuditEvent.chain, AuditEvent.chain_seq, AuditEvent.seq,
                                                           AuditEvent.hash).where(AuditEvent.chain.in_(part))):
            stored.setdefault(c, {})[n] = (seq, digest)
    for chain in chains:
        places = anchored[chain]
        dossier_id = chain or None
        rows = stored.get(chain, {})
        for n in sorted(places):
            ev = rows.get(n)
            if ev is None or ev[1] != places[n]:
                problems.append(Problem(ev[0] if ev is not None else None, dossier_id, _code_of(session, dossier_id),
                                        f"the chain was rewritten: event {n} of the chain is not the one the "
                                        f"auditor's checkpoints hold"))
                break
    for chain, n, _, state in newest["leaves"]:
        head = heads.get(int(chain))
        dossier_id = int(chain) or None
        if head is None:
            problems.append(Problem(None, dossier_id, _code_of(session, dossier_id),
                                    f"the chain was removed since the checkpoint of {newest['at']}"))
        elif head.n == n and (head.state_hash or None) != (state or None):
            problems.append(Problem(head.last_seq, dossier_id, _code_of(session, dossier_id),
                                    f"the dossier's sealed state differs from the checkpoint of {newest['at']}"))
    return problems


def make_checkpoint(services: Services, at: datetime | None = None) -> dict[str, Any]:
    """Sign every chain head as it is now and write the checkpoint where the auditor keeps it
    (`motcua audit checkpoint`, and the sweeper every `[audit] checkpoint_minutes`). The system chain
    records the root too."""
    key = audit_anchor.load_key(services.config, create=True)
    earlier = audit_anchor.read_checkpoints(services.config)
    now = at or services.clock.now()
    with UnitOfWork(services.session_factory) as uow:
        doc = build_checkpoint(uow.session, now, earlier[-1] if earlier else None, key)
        path = audit_anchor.write_checkpoint(services.config, doc)
        append(uow.session, at=now, actor="system", kind="audit_checkpoint",
               detail={"root": doc["root"], "chains": doc["chains"], "events": doc["events"], "file": path.name})
        uow.commit()
    doc["file"] = path.name
    return doc


def verify_all(services: Services) -> Verification:
    """`motcua audit verify`: every chain and state, and the auditor's checkpoints (if any) with the key."""
    checkpoints = audit_anchor.read_checkpoints(services.config)
    key = None
    if checkpoints:
        try:
            key = audit_anchor.load_key(services.config)
        except audit_anchor.AnchorError:
            key = None  # every checkpoint then fails its signature check
    with UnitOfWork(services.session_factory) as uow:
        return verify(uow.session, checkpoints=checkpoints, key=key)
