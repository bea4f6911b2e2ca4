"""The dossier's access log (Decree 13/2023 on personal data; R4.1, R13.2): every read and download of
a dossier's personal data by an officer or an administrator is an audit event of the dossier's own
chain (who, what, when, why), so it is as hard to rewrite as the rest of the trail. The applicant
reading their own dossier is not logged.

Break-glass: a system administrator may open any dossier, but one outside their agency (and outside
the agencies consulted on it) only with a reason; the reason is logged and shown to the agency on the
dossier's page. Without one the read is refused."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import Agency, AuditEvent, Dossier, User
from processes import audit
from processes.access import is_officer
from processes.errors import Forbidden

READ = "personal_data_read"
DISCLOSED = "personal_data_disclosed"  # another agency was given the dossier (consultation, R8.2)
MAX_REASON = 500


def is_break_glass(user: User, dossier: Dossier, involved: set[int]) -> bool:
    """An administrator who sees the dossier only because they are an administrator."""
    if dossier.applicant_id == user.id or not user.has_role("admin"):
        return False
    return not (is_officer(user) and user.agency_id in ({dossier.agency_id} | involved))


def record_read(services: Services, s: so.Session, user: User, dossier: Dossier, involved: set[int], what: str,
                reason: str | None = None, **detail: Any) -> None:
    """Log a read of `dossier`'s personal data by `user` (inside the caller's transaction, which must
    commit); refuse a break-glass read without a reason."""
    if dossier.applicant_id == user.id:
        return
    reason = (reason or "").strip()[:MAX_REASON] or None
    glass = is_break_glass(user, dossier, involved)
    if glass and reason is None:
        raise Forbidden("dossier.break_glass_reason", "reason", code=dossier.code)
    audit.append(s, at=services.clock.now(), actor=user.username, kind=READ, dossier_id=dossier.id,
                 detail={"what": what, "reason": reason, "break_glass": glass, **detail})
    s.flush()  # sessions do not autoflush: the page built next shows this read


_LOG = (sa.select(AuditEvent.at, AuditEvent.actor, AuditEvent.kind, AuditEvent.detail)
        .where(AuditEvent.dossier_id == sa.bindparam("dossier_id"), AuditEvent.kind.in_((READ, DISCLOSED)))
        .order_by(AuditEvent.seq.desc()).limit(sa.bindparam("limit")))


def access_log(s: so.Session, dossier_id: int, limit: int = 200) -> list[dict[str, Any]]:
    """The newest first: each read (when, who, what, why, break-glass or not) and each disclosure to
    another agency (`what` = "disclosure", `to` = the agency)."""
    rows = s.execute(_LOG, {"dossier_id": dossier_id, "limit": limit}).all()
    agencies = {a: n for a, n in s.execute(sa.select(Agency.id, Agency.name).where(Agency.id.in_(
        {int(d["to_agency"]) for _, _, k, d in rows if k == DISCLOSED and d.get("to_agency")})))}
    return [{"at": at, "actor": actor, "what": detail.get("what") if kind == READ else "disclosure",
             "reason": detail.get("reason") if kind == READ else detail.get("purpose"),
             "break_glass": bool(detail.get("break_glass")),
             **({"to": agencies.get(detail.get("to_agency"), "")} if kind == DISCLOSED else {})}
            for at, actor, kind, detail in rows]
