"""Dossier search for officers (issue 12): by code, identity number, name or phone typed with or
without diacritics, by status, procedure and period of receipt, finished dossiers included, paged.

An officer finds the dossiers of the own agency and those the own agency was consulted on (held a
task of, R8.2), never another agency's: the visibility is part of the query, not a filter after it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Dossier, Procedure, User, UserTask
from models.folding import fold
from processes.access import authorise, may_search_dossiers
from processes.dossier.status import FINAL_STATUSES, status_name
from processes.errors import Invalid
from processes.uow import UnitOfWork

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_TERMS = 8


@dataclass(frozen=True)
class DossierQuery:
    """What the officer searches for; every field is optional."""

    q: str | None = None  # words of the code, identity number, name or phone (diacritics ignored)
    status: int | None = None
    procedure: str | None = None  # procedure code
    received_from: date | None = None  # received on or after this local day
    received_to: date | None = None  # received on or before this local day


def visible_to(user: User) -> Any:
    """The dossiers an officer may find: the own agency's and those it was consulted on."""
    consulted = sa.select(UserTask.dossier_id).where(UserTask.agency_id == user.agency_id)
    return sa.or_(Dossier.agency_id == user.agency_id, Dossier.id.in_(consulted))


def text_clauses(column: Any, text: str | None) -> list[Any]:
    """Each folded word of `text` appears in the folded `column` (models/folding.py), in any order."""
    words = fold(text).split()[:MAX_TERMS]
    return [column.contains(w, autoescape=True) for w in words]


def search_dossiers(services: Services, username: str, query: DossierQuery, page: int = 1,
                    per_page: int = PER_PAGE) -> dict[str, Any]:
    """One page of the dossiers the officer may find, newest received first."""
    if query.received_from and query.received_to and query.received_to < query.received_from:
        raise Invalid("search.period_reversed", "to")
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_search_dossiers)
        tz = services.calendar(s).timezone
        where = [visible_to(user), *text_clauses(Dossier.search_text, query.q)]
        if query.status is not None:
            where.append(Dossier.status_code == query.status)
        if query.procedure:
            where.append(Procedure.code == query.procedure.strip())
        if query.received_from:
            where.append(Dossier.received_at >= datetime.combine(query.received_from, time(0), tz))
        if query.received_to:
            where.append(Dossier.received_at < datetime.combine(query.received_to + timedelta(days=1), time(0), tz))
        base = sa.select(Dossier, Procedure).join(Procedure, Procedure.id == Dossier.procedure_id).where(*where)
        total = int(s.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        rows = s.execute(base.order_by(Dossier.received_at.desc(), Dossier.id.desc())
                         .limit(per_page).offset((page - 1) * per_page)).all()
        items = [{"code": d.code, "procedure": p.code, "procedure_name": p.name, "applicant": d.applicant_name,
                  "status": status_name(d.status_code), "status_code": d.status_code, "channel": d.channel,
                  "received_at": d.received_at, "due_at": d.due_at, "finished_at": d.finished_at,
                  "late": d.late, "finished": d.status_code in FINAL_STATUSES or d.finished_at is not None,
                  "consulted": d.agency_id != user.agency_id} for d, p in rows]
        return {"items": items, "page": page, "pages": pages, "total": total, "per_page": per_page}
