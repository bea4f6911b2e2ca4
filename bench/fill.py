"""Fill a database quickly with realistic dossiers: every row of one real dossier (state, projections,
audit events, notices, outbox, attachments) copied N times with bulk inserts, each copy with its own
code, ids, workflow task ids and dates, and the audit chain extended correctly."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa

from engine.serializer import pack_state, unpack_state
from models import AuditChain, AuditEvent, AuditHead, Base, Dossier, OutboxMessage
from processes.audit import ZERO, event_digest

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PER_DAY = 300  # dossiers per agency and day in the copied history
CHUNK = 1000
DOSSIERS = cast(sa.Table, Dossier.__table__)
AUDIT_EVENTS = cast(sa.Table, AuditEvent.__table__)
AUDIT_HEAD = cast(sa.Table, AuditHead.__table__)
AUDIT_CHAINS = cast(sa.Table, AuditChain.__table__)


@dataclass
class Template:
    """All rows that belong to one dossier, read once."""

    dossier: dict[str, Any]
    children: dict[str, list[dict[str, Any]]]  # table name -> rows with dossier_id = template's id
    uuids: list[str]

    @classmethod
    def read(cls, engine: sa.Engine, code: str) -> Template:
        with engine.connect() as conn:
            dossier = dict(
                conn.execute(sa.select(Dossier.__table__).where(Dossier.code == code)).mappings().one()
            )
            dossier["state"] = unpack_state(dossier["state"])  # copies are rewritten as JSON
            children: dict[str, list[dict[str, Any]]] = {}
            for table in _child_tables():
                rows = (
                    conn.execute(
                        sa.select(table)
                        .where(table.c.dossier_id == dossier["id"])
                        .order_by(*table.primary_key.columns)
                    )
                    .mappings()
                    .all()
                )
                if rows:
                    children[table.name] = [dict(r) for r in rows]
            conn.rollback()
        found = set(UUID_RE.findall(dossier["state"]))
        for copied in children.values():
            found.update(
                u for row in copied for v in row.values() if isinstance(v, str) for u in UUID_RE.findall(v)
            )
        return cls(dossier, children, sorted(found))


def _child_tables() -> list[sa.Table]:
    return [t for t in Base.metadata.sorted_tables if "dossier_id" in t.c and t.name != "audit_events"]


class _Copy:
    """Rewrites template rows for one copy: code, workflow task ids, dates (shifted into the past)."""

    def __init__(self, template: Template, code: str, shift: timedelta):
        self.old_code = template.dossier["code"]
        self.code = code
        self.shift = shift
        self.ids = [(old, str(uuid.uuid4())) for old in template.uuids]

    def text(self, value: str) -> str:
        value = value.replace(self.old_code, self.code)
        for old, new in self.ids:
            if old in value:
                value = value.replace(old, new)
        return value

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, datetime):
            return value - self.shift
        if isinstance(value, (dict, list)):
            return json.loads(self.text(json.dumps(value, ensure_ascii=False)))
        return value

    def row(self, row: dict[str, Any], plan: dict[str, bool], drop: tuple[str, ...] = ()) -> dict[str, Any]:
        """`plan` says which columns change from copy to copy (see `_plan`); the rest are shared."""
        return {k: (self.value(v) if plan[k] else v) for k, v in row.items() if k not in drop}


def _plan(template: Template, row: dict[str, Any]) -> dict[str, bool]:
    """Which columns of a template row differ between copies: dates, and text naming the code or a task."""
    marks = [template.dossier["code"], *template.uuids]

    def varies(value: Any) -> bool:
        if isinstance(value, datetime):
            return True
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        return isinstance(value, str) and any(m in value for m in marks)

    return {k: varies(v) for k, v in row.items()}


def _codes(agency_code: str, start: int, n: int, today: date) -> Iterator[tuple[str, timedelta]]:
    """Codes of past days (yesterday backwards, PER_DAY a day), never today's: the live sequence
    of the use cases cannot collide with them."""
    for i in range(start, start + n):
        days = 1 + i // PER_DAY
        day = today - timedelta(days=days)
        yield f"{agency_code}-{day:%y%m%d}-{9999 - i % PER_DAY:04d}", timedelta(days=days)


def copy_dossier(
    engine: sa.Engine, template: Template, n: int, start: int = 0, timer_due: datetime | None = None
) -> list[str]:
    """Insert n copies of the template; `start` numbers the copies across calls (unique codes).
    With `timer_due`, every copied timer row is due then (the state keeps the template's instant)."""
    agency_code = template.dossier["code"].rsplit("-", 2)[0]
    today = datetime.now(UTC).date()
    codes: list[str] = []
    pending = list(_codes(agency_code, start, n, today))
    tables = {t.name: t for t in _child_tables()}
    audit_rows = _audit_rows(engine, template.dossier["id"])
    dossier_plan = _plan(template, template.dossier)
    plans = {name: [_plan(template, row) for row in rows] for name, rows in template.children.items()}
    while pending:
        chunk, pending = pending[:CHUNK], pending[CHUNK:]
        with engine.begin() as conn:
            next_id = (
                int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(Dossier.id), 0))).scalar_one()) + 1
            )
            seq = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.seq), 0))).scalar_one())
            dossiers: list[dict[str, Any]] = []
            events: list[dict[str, Any]] = []
            chains: list[dict[str, Any]] = []
            children: dict[str, list[dict[str, Any]]] = {name: [] for name in template.children}
            for offset, (code, shift) in enumerate(chunk):
                c = _Copy(template, code, shift)
                dossier_id = next_id + offset
                new_dossier = c.row(template.dossier, dossier_plan)
                dossiers.append(
                    {
                        **new_dossier,
                        "id": dossier_id,
                        "code": code,
                        "state": pack_state(new_dossier["state"]),
                    }
                )
                for name, rows in template.children.items():
                    pk_int = _int_pk(tables[name])
                    for row, plan in zip(rows, plans[name], strict=True):
                        new = {**c.row(row, plan, drop=(pk_int,) if pk_int else ()), "dossier_id": dossier_id}
                        if name == OutboxMessage.__tablename__:
                            new.update(status="sent", sent_at=new["created_at"], attempts=1)
                        if name == "timers" and timer_due is not None:
                            new["due_at"] = timer_due
                        children[name].append(new)
                prev = ZERO  # each copy its own chain; its state is sealed when the application touches it
                for n, ev in enumerate(audit_rows, start=1):
                    seq += 1
                    at = ev["at"] - shift
                    detail = c.value(ev["detail"])
                    digest = event_digest(prev, seq, at, ev["actor"], dossier_id, ev["kind"], detail, n, None)
                    events.append(
                        {
                            "seq": seq,
                            "at": at,
                            "actor": ev["actor"],
                            "dossier_id": dossier_id,
                            "kind": ev["kind"],
                            "detail": detail,
                            "prev_hash": prev,
                            "hash": digest,
                            "chain": dossier_id,
                            "chain_seq": n,
                            "state_hash": None,
                        }
                    )
                    prev = digest
                chains.append({"chain": dossier_id, "n": len(audit_rows), "hash": prev, "last_seq": seq,
                               "state_hash": None})
                codes.append(code)
            conn.execute(DOSSIERS.insert(), dossiers)
            for name, rows in children.items():
                if rows:
                    conn.execute(tables[name].insert(), rows)
            if events:
                conn.execute(AUDIT_EVENTS.insert(), events)
                conn.execute(AUDIT_CHAINS.insert(), chains)
                if engine.dialect.name == "postgresql":
                    conn.execute(sa.select(sa.func.setval("audit_events_seq", seq)))
                else:
                    conn.execute(sa.update(AUDIT_HEAD).where(AUDIT_HEAD.c.id == 1).values(seq=seq))
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('dossiers', 'id'), (SELECT max(id) FROM dossiers))"
                )
    return codes


def _int_pk(table: sa.Table) -> str | None:
    cols = list(table.primary_key.columns)
    return cols[0].name if len(cols) == 1 and isinstance(cols[0].type, sa.Integer) else None


def _audit_rows(engine: sa.Engine, dossier_id: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = (
            conn.execute(
                sa.select(AuditEvent.__table__)
                .where(AuditEvent.dossier_id == dossier_id)
                .order_by(AuditEvent.seq)
            )
            .mappings()
            .all()
        )
        conn.rollback()
    return [dict(r) for r in rows]
