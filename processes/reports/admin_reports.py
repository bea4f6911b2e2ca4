"""Reports per agency and period (R10.1, R8.3, R17.1, R5.2): dossiers received, accepted, finished
on time and late, refused, withdrawn; supplement requests (a second or later request on the same
dossier counts against the agency); the average net processing working hours (waiting for the
applicant left out) against the statutory hours; the use of each procedure. Plus the open
incidents (R9.2) and their resolution. Administrators see every agency; agency administrators and
leaders their own."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import Agency, AuditEvent, Dossier, ExtensionRequest, Incident, Procedure
from processes import audit
from processes.access import authorise, may_resolve_incident, may_view_reports, may_view_some_report
from processes.dossier.status import DossierStatus
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Reason, collect
from processes.texts import N_
from processes.timekeeping.calendar_admin import parse_day
from processes.timekeeping.deadlines import net_processing_hours
from processes.uow import UnitOfWork

COLUMNS = [("agency", N_("Cơ quan")), ("procedure", N_("Thủ tục")), ("received", N_("Tiếp nhận")),
           ("accepted", N_("Đã tiếp nhận")), ("finished", N_("Đã giải quyết")), ("on_time", N_("Đúng hạn")),
           ("late", N_("Trễ hạn")), ("refused", N_("Không tiếp nhận")), ("withdrawn", N_("Rút hồ sơ")),
           ("supplement_requests", N_("Yêu cầu bổ sung")),
           ("repeated_supplements", N_("Bổ sung lần 2 trở lên")),
           ("avg_hours", N_("Giờ xử lý trung bình")), ("statutory_hours", N_("Giờ theo quy định")),
           ("extended", N_("Được gia hạn"))]  # issue 12: approved extensions of the time limit
HOURS_PER_DAY = 8.0


def report(services: Services, username: str, agency_code: str = "", date_from: object = "",
           date_to: object = "") -> dict[str, Any]:
    """The table of the period (default: 1 January of this year to today), one row per agency and
    one per agency × procedure, over the dossiers received in the period."""
    tz = ZoneInfo(str(services.config["calendar"].get("timezone", "Asia/Ho_Chi_Minh")))
    today = services.clock.now().astimezone(tz).date()
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_view_some_report)  # the right first: a stranger learns nothing
        reasons: list[Reason] = []
        start, end = date(today.year, 1, 1), today
        try:
            start = parse_day(date_from, "from") if date_from else start
        except Invalid as exc:
            reasons.extend(exc.reasons)
        try:
            end = parse_day(date_to, "to") if date_to else end
        except Invalid as exc:
            reasons.extend(exc.reasons)
        if not reasons and end < start:
            reasons.append(Reason("report.end_before_start", "to"))
        collect(reasons)
        since = datetime.combine(start, time.min, tz)
        until = datetime.combine(end + timedelta(days=1), time.min, tz)
        agency = None
        if agency_code:
            agency = s.scalar(sa.select(Agency).where(Agency.code == agency_code))
            if agency is None and me.has_role("admin"):
                raise Invalid("agency.not_found", "agency", code=agency_code[:40])
        elif not me.has_role("admin"):
            agency = s.get(Agency, me.agency_id) if me.agency_id else None
        if (agency is None and agency_code) or not may_view_reports(me, agency.id if agency else None):
            raise Forbidden("report.not_your_agency")
        query = (sa.select(Dossier, Procedure, Agency.code)
                 .join(Procedure, Procedure.id == Dossier.procedure_id)
                 .join(Agency, Agency.id == Dossier.agency_id)
                 .where(Dossier.received_at >= since, Dossier.received_at < until))
        if agency is not None:
            query = query.where(Dossier.agency_id == agency.id)
        rows = s.execute(query.order_by(Agency.code, Procedure.code)).all()
        supplements = _supplements(s, [d.id for d, _, _ in rows])
        extended = _extended(s, [d.id for d, _, _ in rows])
        pauses = _pauses(s, [d.id for d, _, _ in rows])
        calendar = services.calendar(s)
        by_agency: dict[str, _Tally] = defaultdict(_Tally)
        by_procedure: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
        for d, p, code in rows:
            for tally in (by_agency[code], by_procedure[(code, p.code)]):
                tally.add(d, p, supplements.get(d.id, 0), pauses.get(d.id, []), calendar)
                tally.extended += d.id in extended
        return {"from": start.isoformat(), "to": end.isoformat(), "agency": agency.code if agency else "",
                "agencies": [by_agency[c].row(c, "") for c in sorted(by_agency)],
                "procedures": [by_procedure[k].row(*k) for k in sorted(by_procedure)],
                "incidents": _incidents(s) if may_resolve_incident(me) else None}


def report_csv(table: dict[str, Any]) -> str:
    """The same table as CSV (agency rows, then agency × procedure rows), headers in English keys."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([key for key, _ in COLUMNS])
    for row in table["agencies"] + table["procedures"]:
        writer.writerow([row[key] for key, _ in COLUMNS])
    return out.getvalue()


def report_xlsx(table: dict[str, Any]) -> bytes:
    """The same table as an Excel workbook, with the Vietnamese column names (issue 17)."""
    from adapters.annual_report import table_xlsx

    return table_xlsx("Báo cáo", [label for _, label in COLUMNS],
                      [[row[key] for key, _ in COLUMNS] for row in table["agencies"] + table["procedures"]])


def resolve_incident(services: Services, username: str, incident_id: int) -> dict[str, Any]:
    """Mark an open incident resolved (R9.2); resolving twice is refused."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_resolve_incident)
        incident = s.get(Incident, incident_id)
        if incident is None:
            raise NotFound("incident.not_found", "incident", id=incident_id)
        if incident.resolved_at is not None:
            raise Conflict("incident.already_resolved", "incident", id=incident_id)
        incident.resolved_at = services.clock.now()
        audit.append(s, at=incident.resolved_at, actor=me.username, kind="incident_resolved",
                     dossier_id=incident.dossier_id, detail={"incident": incident.id, "kind": incident.kind})
        uow.commit()
        return {"id": incident_id, "resolved_at": incident.resolved_at.isoformat()}


class _Tally:
    def __init__(self) -> None:
        self.received = self.accepted = self.finished = self.on_time = self.late = 0
        self.refused = self.withdrawn = self.supplement_requests = self.repeated = 0
        self.extended = 0  # dossiers whose time limit a leader extended (issue 12)
        self.hours: list[float] = []
        self.statutory: list[float] = []

    def add(self, d: Dossier, p: Procedure, supplements: int, pauses: list[tuple[datetime, datetime | None]],
            calendar: Any) -> None:
        self.received += 1
        self.accepted += d.accepted_at is not None
        self.refused += d.status_code == DossierStatus.NOT_ACCEPTED
        self.withdrawn += d.status_code == DossierStatus.WITHDRAWAL_REQUESTED
        self.supplement_requests += supplements
        self.repeated += max(supplements - 1, 0)
        closed_unfinished = (DossierStatus.NOT_ACCEPTED, DossierStatus.WITHDRAWAL_REQUESTED,
                             DossierStatus.PROCESSING_STOPPED)
        if d.finished_at is not None and d.status_code not in closed_unfinished:
            self.finished += 1
            if d.due_at is None or d.finished_at <= d.due_at:
                self.on_time += 1
            else:
                self.late += 1
            if d.accepted_at is not None:
                self.hours.append(net_processing_hours(calendar, d.accepted_at, d.finished_at, pauses))
                self.statutory.append(p.processing_time_days * HOURS_PER_DAY)

    def row(self, agency: str, procedure: str) -> dict[str, Any]:
        def avg(values: list[float]) -> float | str:
            return round(sum(values) / len(values), 1) if values else ""

        return {"agency": agency, "procedure": procedure, "received": self.received,
                "accepted": self.accepted, "finished": self.finished, "on_time": self.on_time,
                "late": self.late, "refused": self.refused,
                "withdrawn": self.withdrawn, "extended": self.extended, "supplement_requests": self.supplement_requests,
                "repeated_supplements": self.repeated, "avg_hours": avg(self.hours),
                "statutory_hours": avg(self.statutory)}


def _extended(s: so.Session, ids: list[int]) -> set[int]:
    """The dossiers whose time limit a leader extended (approved extension requests)."""
    if not ids:
        return set()
    return set(s.scalars(sa.select(ExtensionRequest.dossier_id).where(
        ExtensionRequest.status == "approved", ExtensionRequest.dossier_id.in_(ids))))


def _supplements(s: so.Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = s.execute(sa.select(AuditEvent.dossier_id, sa.func.count())
                     .where(AuditEvent.kind == "supplement_requested", AuditEvent.dossier_id.in_(ids))
                     .group_by(AuditEvent.dossier_id)).all()
    return {int(dossier_id): int(n) for dossier_id, n in rows if dossier_id is not None}


def _pauses(s: so.Session, ids: list[int]) -> dict[int, list[tuple[datetime, datetime | None]]]:
    """Per dossier, the spans the clock waited for the applicant (from clock_paused/clock_resumed)."""
    found: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    if not ids:
        return found
    events = s.scalars(sa.select(AuditEvent).where(AuditEvent.kind.in_(("clock_paused", "clock_resumed")),
                                                   AuditEvent.dossier_id.in_(ids)).order_by(AuditEvent.seq))
    for e in events:
        if e.dossier_id is None:
            continue
        if e.kind == "clock_paused":
            found[e.dossier_id].append((datetime.fromisoformat(e.detail["paused_at"]), None))
        elif found[e.dossier_id] and found[e.dossier_id][-1][1] is None:
            found[e.dossier_id][-1] = (found[e.dossier_id][-1][0],
                                       datetime.fromisoformat(e.detail["resumed_at"]))
    return found


def _incidents(s: so.Session) -> list[dict[str, Any]]:
    rows = s.execute(sa.select(Incident, Dossier.code).outerjoin(Dossier, Dossier.id == Incident.dossier_id)
                     .where(Incident.resolved_at.is_(None)).order_by(Incident.at.desc()).limit(200)).all()
    return [{"id": i.id, "at": i.at.isoformat(), "kind": i.kind, "message": i.message, "dossier": code}
            for i, code in rows]

