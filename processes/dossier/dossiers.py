"""Reading a dossier: the applicant and the officers of the agencies involved, nobody else."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import Dossier, Procedure, User, UserTask
from processes.access import acting_user, may_view_dossier
from processes.dossier.views import dossier_view
from processes.errors import Forbidden, NotFound
from processes.uow import UnitOfWork


def involved_agencies(s: so.Session, dossier: Dossier) -> set[int]:
    """Agencies that held a task of this dossier (consulted agencies see what they worked on)."""
    return set(s.scalars(sa.select(UserTask.agency_id).where(UserTask.dossier_id == dossier.id).distinct()))


def load_visible(s: so.Session, username: str, code: str) -> tuple[Dossier, Procedure]:
    """The dossier if the user may see it; otherwise NotFound (we do not confirm that it exists)."""
    user = acting_user(s, username)
    dossier = s.scalar(sa.select(Dossier).where(Dossier.code == code))
    if dossier is None or not may_view_dossier(user, dossier, involved_agencies(s, dossier)):
        raise NotFound("dossier.not_found", code=code)
    procedure = s.get(Procedure, dossier.procedure_id)
    assert procedure is not None
    return dossier, procedure


def load_for(s: so.Session, username: str, code: str, right: Callable[[User, Dossier], bool],
             refusal: str) -> tuple[User, Dossier, Procedure]:
    """The acting user and a dossier they may see and act on under `right`; NotFound for a dossier
    they may not see, Forbidden with `refusal` for one they see but may not act on."""
    user = acting_user(s, username)
    dossier, procedure = load_visible(s, username, code)
    if not right(user, dossier):
        raise Forbidden(refusal)
    return user, dossier, procedure


def get_dossier(services: Services, username: str, code: str, reason: str | None = None) -> dict[str, Any]:
    """The dossier as the API shows it, with each stored document's signature check and the signed result
    (issue 14); an officer's or administrator's read is logged (an administrator outside the dossier's
    agencies gives `reason`, break-glass; issue 18)."""
    from processes.dossier.access_log import record_read
    from processes.signing import document_signatures

    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        dossier, procedure = load_visible(s, username, code)
        view = dossier_view(services, s, dossier, procedure) | document_signatures(services, s, dossier)
        if dossier.applicant_id != acting_user(s, username).id:
            record_read(services, s, acting_user(s, username), dossier, involved_agencies(s, dossier), "dossier",
                        reason)
            uow.commit()
        return view


def list_procedures(services: Services) -> list[dict[str, Any]]:
    """The public catalogue (R5.1–R5.3, R3.1)."""
    from models import Agency  # local: only this read needs it

    with UnitOfWork(services.session_factory) as uow:
        rows = uow.session.execute(
            sa.select(Procedure, Agency.code, Agency.name).outerjoin(Agency, Agency.id == Procedure.agency_id)
            .where(Procedure.current_definition_id.is_not(None)).order_by(Procedure.code)).all()
        result = []
        for p, agency_code, agency_name in rows:
            cat = p.catalogue
            result.append({
                "code": p.code, "name": p.name, "name_en": cat.get("name_en"), "level": p.level,
                "sector": p.sector, "field": p.field, "agency_level": p.agency_level,
                "agency": agency_code, "agency_name": agency_name,
                "consulted_agencies": sorted(set(map(str, cat.get("agencies", {}).values()))),  # R8.2
                "processing_time": {"working_days": p.processing_time_days, "same_day": p.same_day},
                "fees": cat.get("fees", []),
                "documents": [{"key": d["key"], "name": d["name"], "required": bool(d.get("required"))}
                              for d in cat.get("documents", [])],
                "form": [dict(f, required=bool(f.get("required", False)), options=f.get("options", []),
                              label=f.get("label", f["id"]), type=f.get("type", "string"),
                              example=f.get("example", example_value(f)))
                         for f in cat.get("form", [])],
                "result": cat.get("result"), "legal_basis": cat.get("legal_basis", []),
                "applicants": cat.get("applicants"), "conditions": cat.get("conditions", []),
                "steps": cat.get("steps", []), "channels": cat.get("channels", []),
                "published_at": p.published_at.isoformat() if p.published_at else None,
                "featured": cat.get("featured") is True,
            })
        # The province's featured services first (the portal's front row), then by national code.
        result.sort(key=lambda item: (not item["featured"], item["code"]))
        return result


_EXAMPLES = {"long": 1, "boolean": True, "date": "1990-01-01", "email": "nguoi.nop@example.vn",
             "phone": "0912345678", "string": "Nguyễn Văn An", "text": "Nguyễn Văn An"}


def example_value(field: dict[str, Any]) -> Any:
    """A value the field accepts, shown as a hint (and usable by API clients as a template)."""
    if field.get("type") == "enum":
        options = field.get("options") or []
        return options[0]["id"] if options else None
    if field.get("pattern") == "^[0-9]{12}$":
        return "062095001234"  # a citizen identity number: 12 digits
    return _EXAMPLES.get(str(field.get("type", "string")), "Nguyễn Văn An")
