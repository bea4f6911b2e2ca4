"""The electronic receipt (biên lai điện tử) of a dossier's fee, however it was paid: a PDF the
applicant downloads and the desk sees (adapters.forms_pdf)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.forms_pdf import Block, FontMissing, FormDocument, Letterhead, find_font_dir, render
from models import Agency, PaymentRefund, User
from processes.dossier.dossiers import load_visible
from processes.errors import NotFound, Unprocessable
from processes.payments import ledger
from processes.uow import UnitOfWork

METHOD_NAMES = {"counter": "Nộp trực tiếp tại Bộ phận tiếp nhận và trả kết quả",
                "online": "Thanh toán trực tuyến qua cổng VNPay",
                "transfer": "Chuyển khoản vào tài khoản của cơ quan thu"}
RECEIPT_FORM = "BL"


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def receipt_pdf(services: Services, username: str, code: str) -> tuple[bytes, str]:
    """The receipt of the dossier's paid fee (PDF bytes, file name); NotFound while nothing is paid."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        dossier, procedure = load_visible(s, username, code)
        fee = ledger.fee_of(s, dossier.id)
        if fee is None:
            raise NotFound("payment.receipt_not_found", code=code)
        agency = s.get(Agency, dossier.agency_id)
        assert agency is not None
        parent = s.get(Agency, agency.parent_id) if agency.parent_id else None
        collector = s.get(User, fee.received_by)
        refund = s.scalar(sa.select(PaymentRefund).where(PaymentRefund.dossier_id == dossier.id))
        tz = ZoneInfo(str(services.config["calendar"]["timezone"]))
        paid = fee.paid_at.astimezone(tz)
        items = [(str(f.get("name", "")), vnd(int(f.get("amount_vnd", 0))))
                 for f in procedure.catalogue.get("fees", []) if int(f.get("amount_vnd", 0)) > 0]
        lines = [("Số biên lai", fee.receipt_no), ("Mã hồ sơ", dossier.code), ("Thủ tục", procedure.name),
                 ("Người nộp", dossier.applicant_name), ("Số tiền", vnd(fee.amount_vnd)),
                 ("Hình thức nộp", METHOD_NAMES.get(fee.method, fee.method)),
                 ("Thời điểm nộp", paid.strftime("%H:%M ngày %d/%m/%Y"))]
        if fee.reference:
            lines.append(("Mã giao dịch" if fee.method == "online" else "Số tham chiếu", fee.reference))
        blocks = [Block(lines=lines)]
        if items:
            blocks.append(Block(heading="Các khoản phí, lệ phí",
                                table=(["Khoản thu", "Số tiền"], [list(i) for i in items], [80, 44])))
        if refund is not None and refund.refunded_at is not None:
            blocks.append(Block(paragraphs=[
                f"Đã hoàn trả {vnd(refund.amount_vnd)} ngày "
                f"{refund.refunded_at.astimezone(tz):%d/%m/%Y}. Lý do: {refund.reason}"]))
        who = collector.full_name if collector is not None and fee.method != "online" else "Thu trực tuyến"
        doc = FormDocument(form_no=RECEIPT_FORM, title="Biên lai thu phí, lệ phí",
                           letterhead=Letterhead(agency=agency.name, parent_agency=parent.name if parent else "",
                                                 when=paid, number=fee.receipt_no),
                           subtitle="(Biên lai điện tử)", blocks=blocks, signatures=[("Người thu tiền", who)])
        try:
            font_dir = find_font_dir(services.config.get("forms", {}).get("font_dir") or None)
        except FontMissing:
            raise Unprocessable("forms.font_missing") from None
        return render(doc, font_dir, created_at=fee.paid_at), f"bien-lai-{fee.receipt_no}.pdf"
