"""The agency tree (R2.1): province → departments/districts → communes, with their e-codes
(QCVN 102:2016, `000.NN.NN.Hxx`), the number of active officers and of open dossiers. System
administrators add agencies and edit their name and e-mail; every change is audited."""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from adapters.bootstrap import Services
from models import Agency, Dossier, User
from models.catalogue import AGENCY_LEVELS
from processes import audit
from processes.access import authorise, may_manage_agencies, may_view_agencies
from processes.dossier.status import FINAL_STATUSES
from processes.errors import Conflict, Invalid, NotFound, Reason, collect
from processes.texts import N_
from processes.uow import UnitOfWork

CODE_PATTERN = re.compile(r"^000\.\d{2}\.\d{2}\.H\d{2}$")
LEVEL_NAMES = {"province": N_("tỉnh"), "department": N_("sở, ngành"), "district": N_("huyện, thành phố"),
               "commune": N_("xã, phường")}
RANK = {level: i for i, level in enumerate(AGENCY_LEVELS)}  # province 0 … commune 3
MAX_NAME, MAX_EMAIL = 200, 200


def agency_tree(services: Services, username: str) -> list[dict[str, Any]]:
    """Every agency, depth-first from the roots (children by code), each with `depth`, its parent's
    code, the number of active officers and of open (not final) dossiers."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_view_agencies)
        agencies = s.scalars(sa.select(Agency).order_by(Agency.code)).all()
        officers = dict(s.execute(sa.select(User.agency_id, sa.func.count()).where(User.active.is_(True))
                                  .group_by(User.agency_id)).all())
        open_ = dict(s.execute(sa.select(Dossier.agency_id, sa.func.count())
                               .where(Dossier.status_code.not_in(sorted(FINAL_STATUSES)))
                               .group_by(Dossier.agency_id)).all())
        by_id = {a.id: a for a in agencies}
        children: dict[int | None, list[Agency]] = {}
        for a in agencies:
            parent = a.parent_id if a.parent_id in by_id else None
            children.setdefault(parent, []).append(a)
        rows: list[dict[str, Any]] = []

        def walk(parent: int | None, depth: int) -> None:
            for a in children.get(parent, []):
                rows.append({"id": a.id, "code": a.code, "name": a.name, "level": a.level,
                             "email": a.email or "", "depth": depth,
                             "parent": by_id[a.parent_id].code if a.parent_id in by_id else None,
                             "officers": officers.get(a.id, 0), "open_dossiers": open_.get(a.id, 0)})
                walk(a.id, depth + 1)

        walk(None, 0)
        return rows


def add_agency(services: Services, username: str, code: object, name: object, level: object,
               parent_code: object = "", email: object = "") -> dict[str, Any]:
    """Add an agency: a unique QCVN 102:2016 code, a name, a level, and (except a province) a parent
    of a higher level. Each refusal names the field; every bad field is told at once."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_manage_agencies)
        reasons: list[Reason] = []
        code_t = code.strip() if isinstance(code, str) else ""
        if not CODE_PATTERN.match(code_t):
            reasons.append(Reason("agency.code_format", "code", {"code": code_t[:40]}))
        name_t = _name(name, reasons)
        level_ok = isinstance(level, str) and level in AGENCY_LEVELS
        if not level_ok:
            reasons.append(Reason("agency.level_invalid", "level"))
        email_t = email_field(email, reasons)
        parent_t = parent_code.strip() if isinstance(parent_code, str) else ""
        if level_ok and level != "province" and not parent_t:
            reasons.append(Reason("agency.parent_required", "parent"))
        collect(reasons)
        if s.scalar(sa.select(Agency.id).where(Agency.code == code_t)) is not None:
            raise Invalid("agency.code_taken", "code", code=code_t)
        parent = None
        if parent_t:
            parent = s.scalar(sa.select(Agency).where(Agency.code == parent_t))
            if parent is None:
                raise Invalid("agency.parent_not_found", "parent", code=parent_t[:40])
            if RANK[parent.level] >= RANK[str(level)]:
                raise Invalid("agency.parent_level", "parent", code=parent.code)
        agency = Agency(code=code_t, name=name_t, level=str(level), parent_id=parent.id if parent else None,
                        email=email_t or None)
        s.add(agency)
        audit.append(s, at=services.clock.now(), actor=user.username, kind="agency_changed",
                     detail={"action": "added", "code": code_t, "name": name_t, "level": level,
                             "parent": parent_t or None, "email": email_t or None})
        try:
            uow.commit()
        except IntegrityError:
            raise Conflict("agency.code_taken", "code", code=code_t) from None
        return {"code": code_t, "name": name_t, "level": str(level)}


def edit_agency(services: Services, username: str, code: str, name: object, email: object) -> dict[str, Any]:
    """Change an agency's name and e-mail (its code, level and place in the tree stay)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_manage_agencies)
        reasons: list[Reason] = []
        name_t = _name(name, reasons)
        email_t = email_field(email, reasons)
        collect(reasons)
        agency = s.scalar(sa.select(Agency).where(Agency.code == code))
        if agency is None:
            raise NotFound("agency.not_found", "code", code=code[:40])
        before = {"name": agency.name, "email": agency.email}
        agency.name, agency.email = name_t, email_t or None
        audit.append(s, at=services.clock.now(), actor=user.username, kind="agency_changed",
                     detail={"action": "edited", "code": code, "before": before,
                             "after": {"name": name_t, "email": email_t or None}})
        uow.commit()
        return {"code": code, "name": name_t, "email": email_t}


def _name(value: object, reasons: list[Reason]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        reasons.append(Reason("agency.name_required", "name"))
    elif len(text) > MAX_NAME:
        reasons.append(Reason("agency.name_too_long", "name", {"max": MAX_NAME}))
    return text


def email_field(value: object, reasons: list[Reason]) -> str:
    """An optional e-mail address (agencies, officers): a reason when it is not one."""
    text = value.strip() if isinstance(value, str) else ""
    if text and (len(text) > MAX_EMAIL or not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", text)):
        reasons.append(Reason("admin.email_invalid", "email", {"email": text[:MAX_EMAIL]}))
    return text
