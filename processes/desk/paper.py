"""The paper the desk still needs (use cases): the printable forms of a dossier (01, 02, 03, 04, 05, on
A5) where they apply, and the register of dossiers of an agency for a period (06, on A4), numbered as
Circular 01/2018/TT-VPCP numbers them. R14.2, R14.3, R15.3."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from adapters.forms_pdf import (
    A4,
    Block,
    FontMissing,
    FormDocument,
    Letterhead,
    find_font_dir,
    render,
    render_form,
)
from handlers.texts import CHANNEL_NAMES, fmt_vnd
from models import (
    Agency,
    Attachment,
    AuditEvent,
    Dossier,
    DossierIntake,
    DossierNotice,
    FeePayment,
    Procedure,
    User,
    UserTask,
)
from processes.access import acting_user, may_print_register
from processes.dossier.access_log import record_read
from processes.dossier.dossiers import involved_agencies, load_visible
from processes.dossier.status import status_name
from processes.errors import Forbidden, Invalid, NotFound, Unprocessable
from processes.payments import ledger
from processes.people import consent
from processes.signing import SIGNED_NOTICES, dossier_agency, sign_notice
from processes.texts import N_
from processes.uow import UnitOfWork

DOSSIER_FORMS = {"01": N_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
                 "02": N_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
                 "03": N_("Phiếu từ chối tiếp nhận, giải quyết hồ sơ"),
                 "04": N_("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
                 "05": N_("Phiếu kiểm soát quá trình giải quyết hồ sơ")}
CONTROL_SHEET = "05"  # the process-control sheet: every dossier has one
REGISTER = "06"  # the register of dossiers: one per agency and period, not per dossier
REGISTER_TITLE = "Sổ theo dõi hồ sơ"
REGISTER_MAX_DAYS = 366
HOW_TO_SUPPLEMENT = ("Đăng nhập Cổng dịch vụ công, mở hồ sơ và tải lên giấy tờ bổ sung; hoặc nộp trực tiếp "
                     "tại Bộ phận tiếp nhận và trả kết quả. Thời gian chờ bổ sung không tính vào thời hạn "
                     "giải quyết. Mọi vướng mắc xin liên hệ Bộ phận tiếp nhận và trả kết quả.")
REGISTER_MAX_ROWS = 5000


def applicable_forms(s: so.Session, dossier: Dossier) -> list[str]:
    """Which of the dossier's forms exist: 01 once accepted; 02, 03, 04 once such a notice was sent;
    05 always."""
    sent = set(s.scalars(sa.select(DossierNotice.form_no).where(DossierNotice.dossier_id == dossier.id)))
    forms = ["01"] if dossier.accepted_at is not None else []
    forms += [n for n in ("02", "03", "04") if n in sent]
    return forms + [CONTROL_SHEET]


def dossier_form_pdf(services: Services, username: str, code: str, form_no: str,
                     reason: str | None = None) -> bytes:
    """The form as PDF for whoever may see the dossier; NotFound where the form does not apply. An
    officer's or administrator's download is logged (break-glass: an administrator outside the
    dossier's agencies gives `reason`)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        dossier, procedure = load_visible(s, username, code)
        if form_no not in DOSSIER_FORMS or form_no not in applicable_forms(s, dossier):
            raise NotFound("form.not_applicable", "form_no", form_no=form_no, code=code)
        user = acting_user(s, username)
        if user.id != dossier.applicant_id:
            record_read(services, s, user, dossier, involved_agencies(s, dossier), "form", reason, form=form_no)
        ctx = _Context(services, s, dossier, procedure)
        doc = {"01": ctx.receipt, "02": ctx.supplement, "03": ctx.refusal, "04": ctx.apology,
               CONTROL_SHEET: ctx.control_sheet}[form_no]()
        pdf, room_to_sign = render_form(doc, _font_dir(services), created_at=services.clock.now())
        if form_no in SIGNED_NOTICES:  # issue 14: the notices the applicant receives carry the agency's signature
            pdf = sign_notice(services, dossier_agency(s, dossier), pdf, box=room_to_sign)
        if user.id != dossier.applicant_id:  # issue 18: an officer's read was logged; keep it
            uow.commit()
        return pdf


def register_pdf(services: Services, username: str, first: date, last: date) -> bytes:
    """Form 06: the dossiers the officer's agency received from `first` to `last` (local days)."""
    if last < first:
        raise Invalid("register.period_reversed", "to")
    if (last - first).days > REGISTER_MAX_DAYS:
        raise Invalid("register.period_too_long", "to", days=REGISTER_MAX_DAYS)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        if user.agency_id is None or not may_print_register(user, user.agency_id):
            raise Forbidden("register.officers_only")
        tz = services.calendar(s).timezone
        start = datetime.combine(first, time(0), tz)
        end = datetime.combine(last + timedelta(days=1), time(0), tz)
        rows = s.execute(sa.select(Dossier, Procedure.name)
                         .join(Procedure, Procedure.id == Dossier.procedure_id)
                         .where(Dossier.agency_id == user.agency_id, Dossier.received_at >= start,
                                Dossier.received_at < end)
                         .order_by(Dossier.received_at, Dossier.id).limit(REGISTER_MAX_ROWS)).all()
        agency = s.get(Agency, user.agency_id)
        assert agency is not None
        fmt = _formatter(tz)
        table = [[str(n), d.code, pname, d.applicant_name, fmt(d.received_at), fmt(d.due_at),
                  fmt(d.finished_at), fmt(d.delivered_at),
                  status_name(d.status_code) + (" (quá hạn)" if d.late else "")]
                 for n, (d, pname) in enumerate(rows, 1)]
        late = sum(1 for d, _ in rows if d.late)
        doc = FormDocument(
            REGISTER, REGISTER_TITLE, _letterhead(s, agency, services.clock.now().astimezone(tz)),
            [Block(lines=[("Kỳ", f"từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"),
                          ("Số hồ sơ tiếp nhận", str(len(rows))), ("Số hồ sơ quá hạn", str(late))]),
             Block(table=(["STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Ngày nhận", "Hẹn trả", "Có kết quả",
                           "Đã trả", "Trạng thái"], table, [10, 50, 55, 35, 22, 22, 22, 22, 23]))],
            signatures=[("Người lập sổ", user.full_name)], landscape=True, paper=A4,
            subtitle=agency.name)
        return render(doc, _font_dir(services), created_at=services.clock.now())


def _font_dir(services: Services) -> Path:
    try:
        return find_font_dir(services.config.get("forms", {}).get("font_dir") or None)
    except FontMissing:
        raise Unprocessable("forms.font_missing") from None


def _letterhead(s: so.Session, agency: Agency, when: datetime, number: str = "") -> Letterhead:
    parent = s.get(Agency, agency.parent_id) if agency.parent_id else None
    return Letterhead(agency=agency.name, parent_agency=parent.name if parent else "", when=when,
                      number=number)


def _formatter(tz: Any, pattern: str = "%H:%M %d/%m/%Y") -> Any:
    return lambda v: v.astimezone(tz).strftime(pattern) if v else ""


class _Context:
    """What every form of one dossier draws on."""

    def __init__(self, services: Services, s: so.Session, dossier: Dossier, procedure: Procedure):
        self.services, self.s, self.d, self.p = services, s, dossier, procedure
        self.tz = services.calendar(s).timezone
        self.fmt = _formatter(self.tz)
        agency = s.get(Agency, dossier.agency_id)
        assert agency is not None
        self.agency = agency
        self.names = {u: n for u, n in s.execute(sa.select(User.username, User.full_name))}

    def head(self, when: datetime | None) -> Letterhead:
        moment = (when or self.services.clock.now()).astimezone(self.tz)
        return _letterhead(self.s, self.agency, moment, self.d.code)

    def event(self, kind: str) -> AuditEvent | None:
        return self.s.scalars(sa.select(AuditEvent)
                              .where(AuditEvent.dossier_id == self.d.id, AuditEvent.kind == kind)
                              .order_by(AuditEvent.seq.desc()).limit(1)).first()

    def applicant(self) -> Block:
        walk_in = [("Số định danh cá nhân / CMND", self.d.applicant_id_number)] if self.d.applicant_id_number else []
        walk_in += [("Địa chỉ", self.d.applicant_address)] if self.d.applicant_address else []
        return Block(lines=[("Mã hồ sơ", self.d.code), ("Người nộp hồ sơ", self.d.applicant_name), *walk_in,
                            ("Số điện thoại", self.d.applicant_phone or ""),
                            ("Nội dung yêu cầu giải quyết", f"{self.p.name} (mã thủ tục {self.p.code})"),
                            ("Thời gian nhận hồ sơ", self.fmt(self.d.received_at))])

    def receipt(self) -> FormDocument:
        """Form 01 (R14.3): documents received, appointment, papers to bring, how to pay; QR to /track."""
        docs = self.s.scalars(sa.select(Attachment).where(Attachment.dossier_id == self.d.id,
                                                          Attachment.document_key != "result")).all()
        names = {x["key"]: x["name"] for x in self.p.catalogue.get("documents", [])}
        fees = self.p.catalogue.get("fees", [])
        paid = self.s.scalar(sa.select(FeePayment).where(FeePayment.dossier_id == self.d.id))
        fee_text = ("; ".join(f"{f['name']}: {fmt_vnd(f.get('amount_vnd', 0))}" for f in fees)
                    or "Không thu phí")
        online = ledger.takes_fees_online(self.services.config, self.p, self.agency)  # only what exists
        how_to_pay = (f"Đã nộp ngày {self.fmt(paid.paid_at)}, biên lai số {paid.receipt_no}." if paid else
                      "Nộp tại Bộ phận tiếp nhận và trả kết quả khi nhận kết quả"
                      + (", trực tuyến qua VNPay trên trang hồ sơ của Cổng dịch vụ công" if online else "")
                      + ", hoặc chuyển khoản (tại ngân hàng, bưu điện) vào tài khoản của cơ quan đã công khai.")
        bring = ", ".join(x["name"] for x in self.p.catalogue.get("documents", []) if x.get("required"))
        accepted = self.event("dossier_accepted")
        base = str(self.services.config["app"].get("base_url", "")).rstrip("/")
        intake = self.s.get(DossierIntake, self.d.id)
        received = [f"{names.get(a.document_key, a.document_key)} ({a.filename})" for a in docs]
        received += [f"{names.get(k, k)} (bản giấy, đã kiểm tra tại quầy)"
                     for k in (intake.papers_seen if intake else [])]
        return FormDocument(
            "01", DOSSIER_FORMS["01"], self.head(self.d.accepted_at),
            [self.applicant(),
             Block("Thành phần hồ sơ đã nhận", paragraphs=[f"{n}. {text}" for n, text in enumerate(received, 1)]
                   or ["(không có tệp đính kèm)"]),
             Block(lines=[("Thời gian giải quyết theo quy định",
                           f"{self.p.processing_time_days:g} ngày làm việc"),
                          ("Thời gian tiếp nhận", self.fmt(self.d.accepted_at)),
                          ("Thời gian hẹn trả kết quả", self.fmt(self.d.due_at)),
                          ("Hình thức nhận kết quả",
                           CHANNEL_NAMES.get(self.d.result_channel, self.d.result_channel)),
                          ("Khi nhận kết quả mang theo bản chính", bring or "—"),
                          ("Phí, lệ phí", fee_text), ("Cách nộp phí, lệ phí", how_to_pay)])],
            signatures=[("Người nộp hồ sơ", self.d.applicant_name),
                        ("Người tiếp nhận hồ sơ", self.names.get(accepted.actor, "") if accepted else "")],
            qr_url=f"{base}/track?code={self.d.code}",
            qr_caption="Quét mã QR để tra cứu tình trạng giải quyết hồ sơ trên Cổng dịch vụ công:",
            note=f"Xử lý dữ liệu cá nhân: {consent.PAPER_NOTICE}")

    def supplement(self) -> FormDocument:
        """Form 02 (R14.2): what is missing and how to supply it."""
        event = self.event("supplement_requested")
        detail = event.detail if event else {}
        items = [f"- {m}" for m in detail.get("missing") or []]
        if detail.get("note"):
            items.append(f"- {detail['note']}")
        return FormDocument(
            "02", DOSSIER_FORMS["02"], self.head(event.at if event else None),
            [self.applicant(),
             Block("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau",
                   paragraphs=items or ["- Xem thông báo của cán bộ tiếp nhận."]),
             Block("Cách bổ sung", paragraphs=[HOW_TO_SUPPLEMENT])],
            signatures=[("Người nộp hồ sơ", self.d.applicant_name),
                        ("Người hướng dẫn", self.names.get(event.actor, "") if event else "")])

    def refusal(self) -> FormDocument:
        """Form 03 (R15.3): the refusal and its reasons."""
        event = self.event("dossier_refused")
        reasons = str(event.detail.get("reasons")) if event else "Hồ sơ không đủ điều kiện giải quyết."
        return FormDocument(
            "03", DOSSIER_FORMS["03"], self.head(event.at if event else None),
            [self.applicant(),
             Block("Lý do từ chối", paragraphs=[reasons]),
             Block(paragraphs=["Xin thông báo để ông/bà được biết và thực hiện."])],
            signatures=[("Người nộp hồ sơ", self.d.applicant_name),
                        ("Cán bộ tiếp nhận", self.names.get(event.actor, "") if event else "")])

    def apology(self) -> FormDocument:
        """Form 04: the apology and new appointment, as the notice sent told it."""
        notice = self.s.scalars(sa.select(DossierNotice).where(DossierNotice.dossier_id == self.d.id,
                                                               DossierNotice.form_no == "04")
                                .order_by(DossierNotice.id.desc()).limit(1)).one()
        return FormDocument("04", DOSSIER_FORMS["04"], self.head(notice.at),
                            [self.applicant(), Block(notice.title, paragraphs=[notice.body])],
                            signatures=[("Thủ trưởng cơ quan", "")])

    def control_sheet(self) -> FormDocument:
        """Form 05: each step, who, received and handed over when, on time or late (R8.1, R8.3)."""
        tasks = self.s.scalars(sa.select(UserTask).where(UserTask.dossier_id == self.d.id)
                               .order_by(UserTask.created_at, UserTask.completed_at.asc().nulls_last())).all()
        agencies = {a.id: a.name for a in self.s.scalars(sa.select(Agency))}
        when = _formatter(self.tz, "%H:%M\n%d/%m/%Y")  # two lines: narrow columns on A5
        how = {"counter": "Tiếp nhận hồ sơ tại quầy", "post": "Tiếp nhận hồ sơ qua bưu chính"}
        rows = [["1", how.get(self.d.channel, "Tiếp nhận hồ sơ trực tuyến"), self.d.applicant_name,
                 when(self.d.received_at), when(self.d.received_at), "", ""]]
        for n, t in enumerate(tasks, 2):
            where = f" ({agencies.get(t.agency_id, '')})" if t.agency_id != self.d.agency_id else ""
            rows.append([str(n), t.name + where, self.names.get(t.completed_by or "", t.completed_by or ""),
                         when(t.created_at), when(t.completed_at), when(t.due_at),
                         _timeliness(t.completed_at, t.due_at, self.services.clock.now())])
        overall = _timeliness(self.d.finished_at, self.d.due_at, self.services.clock.now())
        return FormDocument(
            CONTROL_SHEET, DOSSIER_FORMS[CONTROL_SHEET], self.head(None),
            [self.applicant(),
             Block(lines=[("Thời gian hẹn trả kết quả", self.fmt(self.d.due_at)),
                          ("Kết quả giải quyết", f"{status_name(self.d.status_code)} — {overall}")]),
             Block(table=(["TT", "Bước xử lý", "Người xử lý", "Nhận lúc", "Chuyển lúc", "Hạn", "Kết quả"],
                          rows, [6, 27, 24, 17, 17, 17, 16]))])


def _timeliness(done: datetime | None, due: datetime | None, now: datetime) -> str:
    if due is None:
        return "Đã xong" if done else "Đang xử lý"
    if done is None:
        return "Quá hạn, đang xử lý" if now > due else "Đang xử lý"
    if done > due:
        return "Quá hạn"
    return "Trước hạn" if due - done >= timedelta(hours=24) else "Đúng hạn"
