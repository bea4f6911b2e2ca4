"""Oversight (R8.3, R9.1, R10.1, R17.1): the Decision 766 indicators read from the dossiers' history
for an agency (with its sub-agencies), a procedure and a period; the leader's and the province's
dashboards; the annual report's content; the reminders of the annual report's fixed dates.

The computation is pure (processes/reports/indicators.py); this module loads the records and checks
the rights. Administrators see every agency (the province's view, all agencies ranked); leaders and
agency administrators see their own agency and the agencies below it."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters import annual_report as annual_file
from adapters.bootstrap import Services
from adapters.forms_pdf import FontMissing, find_font_dir
from models import Agency, Attachment, Dossier, DossierNotice, OutboxMessage, Procedure, User, UserTask
from models.portal import Feedback
from models.status import FINAL_STATUSES
from models.workbench import FeePayment, ResultDelivery
from processes.access import authorise, may_view_reports, may_view_some_report
from processes.errors import Forbidden, Invalid, NotFound, Reason, Unprocessable, collect
from processes.reports.indicators import (
    COUNTS,
    GROUPS,
    DossierRecord,
    ProcedureRecord,
    compute,
    monthly_on_time,
    period_bounds,
)
from processes.timekeeping.calendar_admin import parse_day
from processes.uow import UnitOfWork

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _tz(services: Services) -> ZoneInfo:
    return ZoneInfo(str(services.config["calendar"].get("timezone", "Asia/Ho_Chi_Minh")))


def _tree(s: so.Session) -> tuple[dict[int, Agency], dict[int | None, list[int]]]:
    agencies = {a.id: a for a in s.scalars(sa.select(Agency).order_by(Agency.code))}
    children: dict[int | None, list[int]] = defaultdict(list)
    for a in agencies.values():
        children[a.parent_id if a.parent_id in agencies else None].append(a.id)
    return agencies, children


def _below(children: dict[int | None, list[int]], root: int) -> list[int]:
    """The agency and every agency under it."""
    out, todo = [], [root]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def _ancestors(agencies: dict[int, Agency], agency_id: int) -> list[int]:
    chain, current = [], agencies.get(agency_id)
    while current is not None and current.id not in chain:
        chain.append(current.id)
        current = agencies.get(current.parent_id) if current.parent_id is not None else None
    return chain


def _may_see(me: User, agencies: dict[int, Agency], agency_id: int | None) -> bool:
    """Administrators every agency (None = the province, all of them); the others an agency at or below
    their own."""
    if agency_id is None:
        return may_view_reports(me, None)
    return any(may_view_reports(me, a) for a in _ancestors(agencies, agency_id))


def _scope(s: so.Session, me: User, agency_code: str) -> tuple[Agency | None, list[int] | None,
                                                                 dict[int, Agency], dict[int | None, list[int]]]:
    """The agency asked for (default: the officer's own; administrators: all), its subtree's ids."""
    agencies, children = _tree(s)
    agency: Agency | None = None
    if agency_code:
        agency = next((a for a in agencies.values() if a.code == agency_code), None)
        if agency is None:
            if me.has_role("admin"):
                raise Invalid("agency.not_found", "agency", code=agency_code[:40])
            raise Forbidden("report.not_your_agency")
    elif not me.has_role("admin"):
        agency = agencies.get(me.agency_id) if me.agency_id else None
        if agency is None:
            raise Forbidden("report.not_your_agency")
    if not _may_see(me, agencies, agency.id if agency else None):
        raise Forbidden("report.not_your_agency")
    return agency, (_below(children, agency.id) if agency else None), agencies, children


def _period(services: Services, date_from: object, date_to: object) -> tuple[date, date]:
    today = services.clock.now().astimezone(_tz(services)).date()
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
    return start, end


def _year(value: object, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        year = int(str(value).strip())
    except ValueError:
        raise Invalid("report.year_invalid", "year", value=str(value)[:10]) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid("report.year_invalid", "year", value=str(value)[:10])
    return year


def load_records(s: so.Session, agency_ids: list[int] | None, since: datetime, until: datetime,
                 procedure_code: str = "") -> tuple[list[DossierRecord], list[ProcedureRecord]]:
    """The dossiers received in [since, until) of the agencies (None: all), with their payments,
    deliveries, attachments, notices and ratings, as plain records."""
    query = (sa.select(Dossier, Procedure.code, Procedure.catalogue, Agency.code)
             .join(Procedure, Procedure.id == Dossier.procedure_id).join(Agency, Agency.id == Dossier.agency_id)
             .where(Dossier.received_at >= since, Dossier.received_at < until)
             .options(so.defer(Dossier.state), so.defer(Dossier.form)))
    if agency_ids is not None:
        query = query.where(Dossier.agency_id.in_(agency_ids))
    if procedure_code:
        query = query.where(Procedure.code == procedure_code)
    rows = s.execute(query.order_by(Dossier.code)).all()
    ids = [d.id for d, *_ in rows]
    payments: dict[int, str] = {}
    deliveries: dict[int, str] = {}
    inputs: set[int] = set()
    results: set[int] = set()
    ratings: dict[int, int] = {}
    notices: dict[int, set[str]] = defaultdict(set)
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        payments.update(s.execute(sa.select(FeePayment.dossier_id, FeePayment.method)
                                  .where(FeePayment.dossier_id.in_(chunk))).all())
        deliveries.update(s.execute(sa.select(ResultDelivery.dossier_id, ResultDelivery.channel)
                                    .where(ResultDelivery.dossier_id.in_(chunk))).all())
        for dossier_id, key in s.execute(sa.select(Attachment.dossier_id, Attachment.document_key)
                                         .where(Attachment.dossier_id.in_(chunk)).distinct()):
            (results if key == "result" else inputs).add(dossier_id)
        for fb_dossier, rating in s.execute(sa.select(Feedback.dossier_id, Feedback.rating)
                                            .where(Feedback.dossier_id.in_(chunk),
                                                   Feedback.rating.is_not(None))):
            if fb_dossier is not None and rating is not None:
                ratings[fb_dossier] = rating
        for dossier_id, form_no in s.execute(sa.select(DossierNotice.dossier_id, DossierNotice.form_no)
                                             .where(DossierNotice.dossier_id.in_(chunk),
                                                    DossierNotice.form_no.in_(("01", "04")))):
            notices[dossier_id].add(str(form_no))
    records = [DossierRecord(
        code=d.code, agency=agency, procedure=procedure, status=d.status_code, channel=d.channel,
        received_at=d.received_at, due_at=d.due_at, finished_at=d.finished_at, delivered_at=d.delivered_at,
        paused_at=d.paused_at, supplement_requests=d.supplement_count or 0,
        fee_vnd=sum(int(f.get("amount_vnd", 0) or 0) for f in (catalogue or {}).get("fees", [])),
        payment_method=payments.get(d.id), result_channel=deliveries.get(d.id), inputs_attached=d.id in inputs,
        result_attached=d.id in results, rating=ratings.get(d.id), receipt_notice="01" in notices[d.id],
        apology="04" in notices[d.id]) for d, procedure, catalogue, agency in rows]
    used = sorted({r.procedure for r in records})
    procedures = [ProcedureRecord(code, published is not None) for code, published in s.execute(
        sa.select(Procedure.code, Procedure.published_at).where(Procedure.code.in_(used)))] if used else []
    return records, procedures


def _last_day(until: datetime, tz: ZoneInfo) -> str:
    return (until - timedelta(seconds=1)).astimezone(tz).date().isoformat()


def _agency_row(a: Agency | None) -> dict[str, Any]:
    return {"code": a.code, "name": a.name} if a else {"code": "", "name": ""}


def indicators(services: Services, username: str, agency_code: str = "", date_from: object = "",
               date_to: object = "", procedure_code: str = "") -> dict[str, Any]:
    """The indicators, group scores and total for an agency (and its sub-agencies; administrators: the
    whole province by default), a procedure (optional) and a period (default: this year to today)."""
    tz = _tz(services)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_view_some_report)
        start, end = _period(services, date_from, date_to)
        agency, ids, _, _ = _scope(s, me, agency_code)
        since, until = period_bounds(start, end, tz)
        records, procedures = load_records(s, ids, since, until, procedure_code)
        result = compute(records, procedures, since, until, tz, services.clock.now())
        return {"agency": _agency_row(agency), "procedure": procedure_code, "from": start.isoformat(),
                "to": end.isoformat(), **result}


def choices(services: Services, username: str) -> dict[str, Any]:
    """What the filters offer this user: the agencies they may see (as a tree, by name) and the procedures."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_view_some_report)
        agencies, children = _tree(s)
        rows: list[dict[str, Any]] = []

        def walk(parent: int | None, depth: int) -> None:
            for agency_id in children.get(parent, []):
                a = agencies[agency_id]
                if _may_see(me, agencies, a.id):
                    rows.append({"code": a.code, "name": a.name, "depth": depth})
                walk(a.id, depth + 1)

        walk(None, 0)
        procs = [{"code": c, "name": n} for c, n in s.execute(
            sa.select(Procedure.code, Procedure.name).order_by(Procedure.code))]
        return {"agencies": rows, "procedures": procs, "province": me.has_role("admin")}


def dashboard(services: Services, username: str, agency_code: str = "", year: object = "",
              procedure_code: str = "") -> dict[str, Any]:
    """A leader's (their agency) or the province's (administrators; every agency ranked) dashboard for a
    year: the score and its groups, the on-time rate and the average rating month by month, the ratings,
    dossiers due this week and late now, each officer's open work."""
    tz = _tz(services)
    now = services.clock.now()
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_view_some_report)
        the_year = _year(year, now.astimezone(tz).year)
        agency, ids, agencies, children = _scope(s, me, agency_code)
        since = datetime(the_year, 1, 1, tzinfo=tz)
        until = min(datetime(the_year + 1, 1, 1, tzinfo=tz), max(now, since + timedelta(days=1)))
        records, procedures = load_records(s, ids, since, until, procedure_code)
        result = compute(records, procedures, since, until, tz)
        months = monthly_on_time(records, the_year, tz, cut=until)
        week_end = now + timedelta(days=7)
        open_q = (sa.select(Dossier.code, Dossier.due_at).where(Dossier.status_code.not_in(sorted(FINAL_STATUSES)),
                                                                Dossier.finished_at.is_(None),
                                                                Dossier.due_at.is_not(None)))
        if ids is not None:
            open_q = open_q.where(Dossier.agency_id.in_(ids))
        open_rows = s.execute(open_q.order_by(Dossier.due_at)).all()
        due_week = [c for c, due in open_rows if due is not None and now <= due <= week_end]
        late_now = [c for c, due in open_rows if due is not None and due < now]
        work_q = (sa.select(User.full_name, sa.func.count(UserTask.id))
                  .join(User, User.id == UserTask.assignee_id)
                  .where(UserTask.completed_at.is_(None)).group_by(User.full_name).order_by(User.full_name))
        if ids is not None:
            work_q = work_q.where(UserTask.agency_id.in_(ids))
        officers = [{"name": n, "open": int(c)} for n, c in s.execute(work_q)]
        ranking: list[dict[str, Any]] = []
        if agency is None:  # the province: every top agency's subtree, ranked by its total
            for a in sorted(agencies.values(), key=lambda a: a.code):
                mine = {r for r in _below(children, a.id)}
                codes = {agencies[i].code for i in mine}
                sub = [r for r in records if r.agency in codes]
                if not sub:
                    continue
                scored = compute(sub, procedures, since, until, tz)
                ranking.append({"code": a.code, "name": a.name, "total": scored["total"],
                                "received": scored["counts"]["received"]})
            ranking.sort(key=lambda r: (-(r["total"] or 0), r["code"]))
        names = dict(s.execute(sa.select(Procedure.code, Procedure.name)).all())
        by_procedure = []
        for code in sorted({r.procedure for r in records}):
            per_proc = compute([r for r in records if r.procedure == code], procedures, since, until, tz)
            by_procedure.append({"code": code, "name": names.get(code, code),
                                 "received": per_proc["counts"]["received"],
                                 "late": per_proc["counts"]["late"], "rated": per_proc["counts"]["rated"],
                                 "average_rating": per_proc["average_rating"], "total": per_proc["total"]})
        return {"agency": _agency_row(agency), "year": the_year, "procedure": procedure_code,
                "from": since.date().isoformat(), "to": _last_day(until, tz), "procedures": by_procedure,
                **result, "months": months, "due_this_week": due_week, "late_now": late_now,
                "officers": officers, "ranking": ranking}


def annual_report(services: Services, username: str, agency_code: str = "", year: object = "") -> dict[str, Any]:
    """The annual report's content (R17.1, Decree 61/2018 art. 17.1a) for an agency (or the province's
    roll-up of every agency) for a year: the dossiers received, on time, early and late, the indicators
    and scores, and one row per procedure and per agency below."""
    tz = _tz(services)
    now = services.clock.now()
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_view_some_report)
        the_year = _year(year, now.astimezone(tz).year)
        agency, ids, agencies, children = _scope(s, me, agency_code)
        since = datetime(the_year, 1, 1, tzinfo=tz)
        until = min(datetime(the_year + 1, 1, 1, tzinfo=tz), max(now, since + timedelta(days=1)))
        records, procedures = load_records(s, ids, since, until)
        result = compute(records, procedures, since, until, tz)
        names = dict(s.execute(sa.select(Procedure.code, Procedure.name)).all())
        per_procedure = []
        for code in sorted({r.procedure for r in records}):
            sub = compute([r for r in records if r.procedure == code], procedures, since, until, tz)
            per_procedure.append({"code": code, "name": names.get(code, code), **sub["counts"],
                                  "total": sub["total"]})
        per_agency = []
        for a in sorted(agencies.values(), key=lambda a: a.code):
            if ids is not None and a.id not in ids:
                continue
            sub = compute([r for r in records if r.agency == a.code], procedures, since, until, tz)
            if sub["counts"]["received"]:
                per_agency.append({"code": a.code, "name": a.name, **sub["counts"], "total": sub["total"]})
        return {"agency": _agency_row(agency), "year": the_year, "from": since.date().isoformat(),
                "to": _last_day(until, tz),
                "generated_at": now.astimezone(tz).isoformat(timespec="minutes"),
                **result, "per_procedure": per_procedure, "per_agency": per_agency,
                "count_labels": COUNTS, "group_labels": GROUPS}


def annual_report_file(services: Services, username: str, agency_code: str = "", year: object = "",
                       fmt: str = "xlsx") -> tuple[bytes, str]:
    """The annual report as an Excel workbook (`xlsx`) or a PDF (`pdf`), and its file name."""
    report = annual_report(services, username, agency_code, year)
    who = report["agency"]["code"] or "toan-tinh"
    name = f"bao-cao-nam-{report['year']}-{who}.{fmt}"
    if fmt == "xlsx":
        return annual_file.to_xlsx(report), name
    if fmt != "pdf":
        raise NotFound("report.format_unknown", "format", format=fmt[:10])
    try:
        font_dir = find_font_dir(services.config.get("forms", {}).get("font_dir") or None)
    except FontMissing:
        raise Unprocessable("forms.font_missing") from None
    return annual_file.to_pdf(report, font_dir, services.clock.now().astimezone(_tz(services))), name


def indicators_file(services: Services, username: str, agency_code: str = "", date_from: object = "",
                    date_to: object = "", procedure_code: str = "", fmt: str = "csv") -> tuple[bytes, str]:
    """The indicators' table (with the counts below it) as CSV or XLSX, Vietnamese column names."""
    found = indicators(services, username, agency_code, date_from, date_to, procedure_code)
    rows: list[list[Any]] = [[i["key"], i["name"], i["source"], i["numerator"], i["denominator"],
                              None if i["value"] is None else round(i["value"] * 100, 2), i["score"], i["max"],
                              annual_file.NOT_APPLICABLE.get(i["reason"] or "", "")] for i in found["indicators"]]
    rows += [[g["key"], g["name"], "766", None, None, None, g["score"], g["max"], ""] for g in found["groups"]]
    rows.append(["total", "Tổng điểm", "766", None, None, None, found["total"], 100, ""])
    rows += [[key, label, "", found["counts"][key], None, None, None, None, ""] for key, label in COUNTS]
    name = f"chi-so-{found['agency']['code'] or 'toan-tinh'}-{found['from']}-{found['to']}.{fmt}"
    if fmt == "csv":
        return annual_file.table_csv(annual_file.INDICATOR_HEADERS, rows), name
    if fmt == "xlsx":
        return annual_file.table_xlsx("Chỉ số", annual_file.INDICATOR_HEADERS, rows), name
    raise NotFound("report.format_unknown", "format", format=fmt[:10])


def _reminder_dates(services: Services, year: int) -> list[tuple[str, date, date]]:
    """(whom, the deadline, the day the reminder goes) for a year, from [reports] in config.toml."""
    cfg = services.config.get("reports", {})
    out = []
    for whom, deadline_key, default in (("agency", "agency_deadline", "11-30"), ("province", "province_deadline",
                                                                                "12-31")):
        month, day = (int(x) for x in str(cfg.get(deadline_key, default)).split("-"))
        deadline = date(year, month, day)
        out.append((whom, deadline, deadline - timedelta(days=int(cfg.get("remind_days_before", 15)))))
    return out


def queue_annual_reminders(services: Services, at: datetime | None = None) -> int:
    """Queue the annual report's reminders due by `at` (default now) through the outbox, once each
    (the outbox key is unique): each agency's leaders before the agency's deadline (30 November by
    default), the province's administrators before the province's (31 December). Run by every timer
    sweep; returns how many were queued."""
    tz = _tz(services)
    now = at or services.clock.now()
    today = now.astimezone(tz).date()
    queued = 0
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        people = s.execute(sa.select(User.email, User.roles, Agency.code, Agency.name)
                           .outerjoin(Agency, Agency.id == User.agency_id)
                           .where(User.active.is_(True), User.email.is_not(None))
                           .order_by(User.username)).all()
        for whom, deadline, remind_on in _reminder_dates(services, today.year):
            if not remind_on <= today <= deadline:
                continue
            role = "leader" if whom == "agency" else "admin"
            targets = [(email, code or "province", name or "") for email, roles, code, name in people
                       if email and role in (roles or []) and (code or whom == "province")]
            for email, code, name in targets:
                key = f"annual_report:{deadline.year}:{whom}:{code}:{email}"[:200]
                if s.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
                    continue
                subject = f"Nhắc báo cáo năm {deadline.year}: hạn {deadline.strftime('%d/%m/%Y')}"
                body = (f"Kính gửi {name or 'Quản trị tỉnh'},\n\nBáo cáo năm {deadline.year} về việc thực hiện cơ "
                        f"chế một cửa, một cửa liên thông (Nghị định 61/2018/NĐ-CP, Điều 17) phải gửi trước ngày "
                        f"{deadline.strftime('%d/%m/%Y')}. Báo cáo lập sẵn (PDF, XLSX) tại "
                        f"/admin/reports/dashboard?year={deadline.year}"
                        + (f"&agency={code}" if whom == "agency" else "") + ".")
                s.add(OutboxMessage(key=key, channel="email", recipient=email, subject=subject, body=body,
                                    created_at=now, next_attempt_at=now))
                queued += 1
        uow.commit()
    return queued
