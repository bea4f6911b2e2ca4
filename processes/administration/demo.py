"""Demo data (config `app.demo = true`): the agency tree of Kon Tum province and the demo users.

Agency e-codes follow the QCVN 102:2016 shape (`000.LL.NN.H34`); the exact numbers are demo
assumptions, not the province's published list."""
from __future__ import annotations

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Agency, User
from processes.people.users import hash_password
from processes.uow import UnitOfWork

AGENCIES = [
    # code, name, level, parent code
    ("000.00.00.H34", "Ủy ban nhân dân tỉnh Kon Tum", "province", None),
    ("000.00.05.H34", "Sở Tư pháp tỉnh Kon Tum", "department", "000.00.00.H34"),
    ("000.00.06.H34", "Sở Tài nguyên và Môi trường tỉnh Kon Tum", "department", "000.00.00.H34"),
    ("000.00.22.H34", "Ủy ban nhân dân thành phố Kon Tum", "district", "000.00.00.H34"),
    ("000.00.23.H34", "Ủy ban nhân dân huyện Đắk Hà", "district", "000.00.00.H34"),
    ("000.25.22.H34", "Ủy ban nhân dân phường Quyết Thắng", "commune", "000.00.22.H34"),
    ("000.26.22.H34", "Ủy ban nhân dân phường Thắng Lợi", "commune", "000.00.22.H34"),
    ("000.00.90.H34", "Công an tỉnh Kon Tum", "department", "000.00.00.H34"),
    # Agencies of the demo procedures in bpmn_diagrams/ (handling or consulted, R8.2).
    ("000.00.07.H34", "Sở Kế hoạch và Đầu tư tỉnh Kon Tum", "department", "000.00.00.H34"),
    ("000.40.22.H34", "Chi nhánh Văn phòng đăng ký đất đai thành phố Kon Tum", "district", "000.00.06.H34"),
    ("000.41.22.H34", "Chi cục Thuế thành phố Kon Tum", "district", None),
    ("000.92.22.H34", "Công an phường Quyết Thắng", "commune", "000.00.90.H34"),
]

MAIN_AGENCY = "000.00.22.H34"
SECOND_AGENCY = "000.25.22.H34"

USERS = [
    # username, full name, roles, agency code
    ("citizen", "Nguyễn Văn An", ["citizen"], None),
    ("citizen2", "Trần Thị Bình", ["citizen"], None),
    ("reception", "Lê Thị Cúc (một cửa)", ["reception"], MAIN_AGENCY),
    ("specialist", "Phạm Văn Dũng (chuyên viên)", ["specialist"], MAIN_AGENCY),
    ("leader", "Hoàng Văn Em (lãnh đạo)", ["leader"], MAIN_AGENCY),
    ("reception2", "Vũ Thị Gấm (một cửa phường)", ["reception"], SECOND_AGENCY),
    ("specialist2", "Đỗ Văn Hải (công chức phường)", ["specialist"], SECOND_AGENCY),
    ("leader2", "Bùi Văn Khoa (lãnh đạo phường)", ["leader"], SECOND_AGENCY),
    ("reception_tp", "Ngô Thị Lan (một cửa Sở Tư pháp)", ["reception"], "000.00.05.H34"),
    ("specialist_tp", "Đặng Văn Minh (Sở Tư pháp)", ["specialist"], "000.00.05.H34"),
    ("leader_tp", "Lý Văn Nam (lãnh đạo Sở Tư pháp)", ["leader"], "000.00.05.H34"),
    ("specialist_ca", "Trịnh Văn Phúc (Công an tỉnh)", ["specialist"], "000.00.90.H34"),
    ("leader_ca", "Mai Văn Quang (lãnh đạo Công an tỉnh)", ["leader"], "000.00.90.H34"),
    ("reception_kh", "Trần Thị Ngọc (một cửa Sở KH&ĐT)", ["reception"], "000.00.07.H34"),
    ("specialist_kh", "Nguyễn Văn Tài (Phòng Đăng ký kinh doanh)", ["specialist"], "000.00.07.H34"),
    ("leader_kh", "Phan Văn Sơn (Trưởng phòng Đăng ký kinh doanh)", ["leader"], "000.00.07.H34"),
    ("specialist_vpdk", "Lê Văn Tú (Văn phòng đăng ký đất đai)", ["specialist"], "000.40.22.H34"),
    ("specialist_thue", "Hà Thị Uyên (Chi cục Thuế)", ["specialist"], "000.41.22.H34"),
    ("reception_cap", "Y Vân (tiếp nhận Công an phường)", ["reception"], "000.92.22.H34"),
    ("specialist_cap", "A Xuân (đăng ký cư trú Công an phường)", ["specialist"], "000.92.22.H34"),
    ("leader_cap", "Nguyễn Văn Yên (Trưởng Công an phường)", ["leader"], "000.92.22.H34"),
    ("admin", "Quản trị hệ thống", ["admin"], None),
    ("analyst", "Chuyên viên phân tích nghiệp vụ", ["analyst"], None),
]


def seed_demo(services: Services) -> int:
    """Create what is missing (idempotent); return how many rows were added."""
    added = 0
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        by_code = {a.code: a for a in s.scalars(sa.select(Agency))}
        for code, name, level, parent in AGENCIES:
            if code not in by_code:
                agency = Agency(code=code, name=name, level=level,
                                parent_id=by_code[parent].id if parent else None,
                                email=f"{code.replace('.', '')}@kontum.gov.vn.example")
                s.add(agency)
                s.flush()
                by_code[code] = agency
                added += 1
        existing = set(s.scalars(sa.select(User.username)))
        password = hash_password("demo")  # one hash for all: same password, Argon2 salts inside
        now = services.clock.now()
        for username, full_name, roles, agency_code in USERS:
            if username in existing:
                continue
            s.add(User(username=username, password_hash=password, full_name=full_name, roles=roles,
                       email=f"{username}@example.vn", phone="0912345678" if "citizen" in roles else None,
                       agency_id=by_code[agency_code].id if agency_code else None, created_at=now))
            added += 1
        uow.commit()
    return added
