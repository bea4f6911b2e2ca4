"""The dossier in the national portal's shapes (DongBoHoSoMC, CapNhatTienDoHoSoMC), queued in the outbox
with one ordering per dossier so that its steps reach the portal in the order they happened.
docs/integrations.md has the field mapping."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import Agency, Attachment, Dossier, OutboxMessage, Procedure, User
from processes.dossier.status import status_name

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
# How the dossier came in (KenhThucHien) and how its result goes out (HinhThuc): 1 at the desk,
# 2 online, 3 by post (the codes of the public integration guides; unverified).
KENH = {"counter": "1", "online": "2", "post": "3"}
ROLE_TITLES = {"reception": "Cán bộ một cửa", "specialist": "Chuyên viên", "leader": "Lãnh đạo",
               "agency_admin": "Quản trị cơ quan", "admin": "Quản trị hệ thống", "citizen": "Người nộp hồ sơ"}


def national_time(value: datetime | None) -> str:
    """yyyyMMddHHmmss in Vietnam's time; empty when there is no instant."""
    return value.astimezone(LOCAL).strftime("%Y%m%d%H%M%S") if value else ""


def ordering_of(code: str) -> str:
    return f"national:{code}"


def dossier_record(session: so.Session, dossier: Dossier, procedure: Procedure) -> dict[str, Any]:
    """DongBoHoSoMC: the dossier as the portal keeps it."""
    applicant = session.get(User, dossier.applicant_id)
    agency = session.get(Agency, dossier.agency_id)
    files = session.scalars(sa.select(Attachment).where(Attachment.dossier_id == dossier.id)
                            .order_by(Attachment.id)).all()
    form = dossier.form or {}
    return {
        "MaHoSo": dossier.code, "MaTTHC": procedure.code, "TenTTHC": procedure.name,
        "ChuHoSo": dossier.applicant_name, "LoaiDoiTuong": "1",
        "MaDoiTuong": str(form.get("so_dinh_danh") or ""), "ThongTinKhac": "",
        "Email": (applicant.email if applicant else None) or "", "Fax": "",
        "SoDienThoai": dossier.applicant_phone or (applicant.phone if applicant else None) or "",
        "TrichYeuHoSo": f"{procedure.name}: {dossier.applicant_name}"[:500],
        "NgayTiepNhan": national_time(dossier.accepted_at or dossier.received_at),
        "NgayHenTra": national_time(dossier.due_at), "TrangThaiHoSo": str(dossier.status_code),
        "NgayTra": national_time(dossier.delivered_at), "ThongTinTra": "",
        "HinhThuc": KENH.get(dossier.result_channel, "1"),
        "NgayKetThucXuLy": national_time(dossier.finished_at),
        "DonViXuLy": agency.code if agency else "", "GhiChu": "",
        "TaiLieuNop": [{"TepDinhKemId": str(f.id), "TenTepDinhKem": f.filename, "MaThanhPhanHoSo": f.document_key,
                        "MaHashTep": f.sha256} for f in files],
        "DanhSachLePhi": [{"TenPhiLePhi": str(fee.get("name", "")), "MaPhiLePhi": str(fee.get("key", "")),
                           "Gia": int(fee.get("amount_vnd", 0) or 0), "LoaiPhiLePhi": "1"}
                          for fee in procedure.catalogue.get("fees", [])],
        "DanhSachTepDinhKemKhac": [], "DanhSachHoSoBoSung": [{"SoLan": n} for n in
                                                            range(1, dossier.supplement_count + 1)],
        "DanhSachGiayToKetQua": [], "KenhThucHien": KENH.get(dossier.channel, "2"),
    }


def progress_record(session: so.Session, dossier: Dossier, actor: str, now: datetime) -> dict[str, Any]:
    """CapNhatTienDoHoSoMC: one step, by whom, when, what, and the status it left the dossier in."""
    user = session.scalar(sa.select(User).where(User.username == actor))
    agency = session.get(Agency, user.agency_id) if user is not None and user.agency_id else None
    role = next((r for r in ("leader", "specialist", "reception", "agency_admin", "admin", "citizen")
                 if user is not None and user.has_role(r)), "")
    return {"MaHoSo": dossier.code, "NguoiXuLy": user.full_name if user else actor,
            "ChucDanh": ROLE_TITLES.get(role, ""), "ThoiDiemXuLy": national_time(now),
            "PhongBanXuLy": agency.name if agency else "", "NoiDungXuLy": status_name(dossier.status_code),
            "TrangThai": str(dossier.status_code),
            "NgayBatDau": national_time(dossier.accepted_at or dossier.received_at),
            "NgayKetThucTheoQuyDinh": national_time(dossier.due_at)}


def queue_sync(services: Services, session: so.Session, dossier: Dossier, procedure: Procedure, actor: str,
               now: datetime, created: bool, status_changed: bool) -> None:
    """Queue the dossier (on creation and every change of status or appointment) and, on a change of
    status, the progress step. Nothing when the portal is off."""
    if not str(services.config.get("national_portal", {}).get("url") or ""):
        return
    base = f"national:{dossier.code}:{dossier.version}"
    rows = [("DongBoHoSoMC", dossier_record(session, dossier, procedure), f"{base}:sync")]
    if status_changed and not created:
        rows.append(("CapNhatTienDoHoSoMC", progress_record(session, dossier, actor, now), f"{base}:progress"))
    for service, record, key in rows:
        session.add(OutboxMessage(key=key, channel="national", recipient="national_portal", subject=service,
                                  body=json.dumps(record, ensure_ascii=False), event=f"status:{dossier.status_code}",
                                  dossier_id=dossier.id, ordering=ordering_of(dossier.code), created_at=now,
                                  next_attempt_at=now))
