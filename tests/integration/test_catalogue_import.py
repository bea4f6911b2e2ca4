"""Catalogue import from the national procedure database's export (JSON and XLSX): what changed against
the published catalogue is reported and proposed, nothing is published until an administrator does."""
from __future__ import annotations

import io
import json
import tomllib
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Procedure
from models.publications import DefinitionProposal
from processes.definitions.catalogue import parse_catalogue
from processes.definitions.national_import import import_catalogue, read_export
from processes.definitions.proposals import deploy_proposal
from processes.errors import Forbidden, Invalid
from tests.helpers import HKD


def published(services: Services, code: str = HKD) -> dict[str, Any]:
    with services.session_factory() as s:
        catalogue = s.scalar(sa.select(Procedure.catalogue).where(Procedure.code == code))
        assert catalogue is not None
        return dict(catalogue)


def export_of(c: dict[str, Any]) -> dict[str, Any]:
    """A published entry as the national database exports it."""
    return {
        "MATTHC": c["code"], "TENTTHC": c["name"], "LINHVUCTHUCHIEN": [{"TENLINHVUC": c["field"]}],
        "CAPTHUCHIEN": "Cấp Huyện",
        "CACHTHUCTHUCHIEN": [{"KENH": k, "THOIGIAN": [{"THOIGIANGIAIQUYET": c["processing_time_days"],
                                                       "DONVITINH": "Ngày làm việc",
                                                       "PHILEPHI": [{"MOTA": f["name"], "SOTIEN": f["amount_vnd"]}
                                                                    for f in c.get("fees", [])]}]}
                             for k in c.get("channels", [])],
        "THANHPHANHOSO": [{"GIAYTO": [{"TENGIAYTO": d["name"], "BATBUOC": d.get("required", False)}
                                      for d in c.get("documents", [])]}],
        "CANCUPHAPLY": [{"TENVANBAN": t} for t in c.get("legal_basis", [])],
        "COQUANTHUCHIEN": [{"TENDONVI": t} for t in c.get("implementing_agencies", [])],
        "TRINHTUTHUCHIEN": [{"TRINHTU": t} for t in c.get("steps", [])],
        "YEUCAU": "\n".join(c.get("conditions", [])),
    }


NEW = {"MATTHC": "2.002189", "TENTTHC": "Cấp giấy phép kinh doanh karaoke", "CAPTHUCHIEN": "Cấp Tỉnh",
       "LINHVUCTHUCHIEN": "Văn hóa", "CACHTHUCTHUCHIEN": [{"KENH": "Trực tuyến", "THOIGIAN": [
           {"THOIGIANGIAIQUYET": 5, "DONVITINH": "Ngày làm việc", "PHILEPHI": [{"MOTA": "Phí thẩm định",
                                                                              "SOTIEN": 4000000}]}]}],
       "THANHPHANHOSO": [{"GIAYTO": [{"TENGIAYTO": "Đơn đề nghị cấp giấy phép", "BATBUOC": True}]}],
       "CANCUPHAPLY": [{"SOVANBAN": "54/2019/NĐ-CP", "TENVANBAN": "Nghị định quy định về kinh doanh karaoke"}],
       "COQUANTHUCHIEN": [{"TENDONVI": "Sở Văn hóa, Thể thao và Du lịch"}],
       "TRINHTUTHUCHIEN": [{"TRINHTU": "Nộp hồ sơ"}], "YEUCAU": ""}


def changed_hkd(services: Services) -> dict[str, Any]:
    entry = export_of(published(services))
    entry["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["THOIGIANGIAIQUYET"] = 5
    entry["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["PHILEPHI"] = [
        {"MOTA": "Lệ phí đăng ký hộ kinh doanh", "SOTIEN": 50000}]
    entry["THANHPHANHOSO"][0]["GIAYTO"].append({"TENGIAYTO": "Văn bản ủy quyền", "BATBUOC": False})
    return entry


def test_an_export_of_the_published_catalogue_changes_nothing(services: Services) -> None:
    raw = json.dumps({"procedures": [export_of(published(services))]}, ensure_ascii=False).encode()
    [entry] = import_catalogue(services, "analyst", "export.json", raw)
    assert (entry.code, entry.state, entry.changes, entry.proposal_id) == (HKD, "unchanged", [], None)


def test_changes_are_reported_and_proposed_and_published_only_by_an_administrator(services: Services) -> None:
    before = published(services)
    raw = json.dumps({"procedures": [changed_hkd(services), NEW]}, ensure_ascii=False).encode()
    hkd, new = import_catalogue(services, "analyst", "export.json", raw)
    assert hkd.state == "changed" and hkd.proposal_id is not None
    changed = {c["field"]: (c["before"], c["after"]) for c in hkd.changes}
    assert set(changed) == {"processing_time_days", "fees", "documents"}
    assert changed["processing_time_days"] == (3, 5)
    assert changed["fees"][1][0]["amount_vnd"] == 50000 and "note" in changed["fees"][1][0]  # the note is kept
    keys = [d["key"] for d in changed["documents"][1]]
    assert keys[:-1] == [d["key"] for d in before["documents"]] and keys[-1] == "van_ban_uy_quyen"
    assert published(services) == before  # proposed, not published

    assert new.state == "new" and new.proposal_id is None
    draft = tomllib.loads(new.sidecar)
    assert (draft["code"], draft["agency_level"], draft["processing_time_days"]) == ("2.002189", "province", 5)
    assert draft["fees"] == [{"name": "Phí thẩm định", "amount_vnd": 4000000}]
    assert draft["legal_basis"] == ["54/2019/NĐ-CP Nghị định quy định về kinh doanh karaoke"]
    assert parse_catalogue(new.sidecar.encode(), "draft.toml")[1] == []

    with pytest.raises(Forbidden):
        deploy_proposal(services, "analyst", hkd.proposal_id)
    outcome = deploy_proposal(services, "admin", hkd.proposal_id)
    assert outcome.ok, outcome.problems
    after = published(services)
    assert after["processing_time_days"] == 5 and after["form"] == before["form"]  # the local parts kept
    with services.session_factory() as s:
        assert s.get(DefinitionProposal, hkd.proposal_id).state == "deployed"  # type: ignore[union-attr]


def xlsx(rows: list[list[str]]) -> bytes:
    """A minimal workbook (inline strings), as a spreadsheet program would save the export."""
    def cell(col: int, row: int, text: str) -> str:
        return (f'<c r="{chr(65 + col)}{row}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>')
    body = "".join(f'<row r="{r + 1}">' + "".join(cell(c, r + 1, v) for c, v in enumerate(values)) + "</row>"
                   for r, values in enumerate(rows))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/worksheets/sheet1.xml", '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                   f'2006/main"><sheetData>{body}</sheetData></worksheet>')
    return out.getvalue()


def test_a_spreadsheet_export_reads_like_the_json_one(services: Services) -> None:
    raw = xlsx([["MATTHC", "TENTTHC", "LINHVUCTHUCHIEN", "CAPTHUCHIEN", "KENH", "THOIGIANGIAIQUYET", "PHILEPHI",
                 "THANHPHANHOSO", "CANCUPHAPLY", "COQUANTHUCHIEN", "TRINHTUTHUCHIEN", "YEUCAU"],
                ["2.002189", "Cấp giấy phép kinh doanh karaoke", "Văn hóa", "Cấp Tỉnh", "Trực tuyến", "5",
                 "Phí thẩm định: 4.000.000", "Đơn đề nghị cấp giấy phép\nBản sao giấy phép PCCC (không bắt buộc)",
                 "Nghị định 54/2019/NĐ-CP", "Sở Văn hóa, Thể thao và Du lịch", "Nộp hồ sơ\nThẩm định", ""]])
    [row] = read_export(raw, "export.xlsx")
    [entry] = import_catalogue(services, "analyst", "export.xlsx", raw)
    draft = tomllib.loads(entry.sidecar)
    assert row["MATTHC"] == "2.002189" and entry.state == "new"
    assert draft["fees"] == [{"name": "Phí thẩm định", "amount_vnd": 4000000}]
    assert [(d["name"], d["required"]) for d in draft["documents"]] == [
        ("Đơn đề nghị cấp giấy phép", True), ("Bản sao giấy phép PCCC", False)]
    assert draft["steps"] == ["Nộp hồ sơ", "Thẩm định"]


def test_a_file_that_is_no_export_is_refused(services: Services) -> None:
    for raw, name in ((b"not json", "x.json"), (b"PK\x03\x04junk", "x.xlsx"), (b'{"procedures": 3}', "x.json")):
        with pytest.raises(Invalid) as caught:
            import_catalogue(services, "analyst", name, raw)
        assert caught.value.code == "catalogue_import.unreadable"


def test_the_command_line_reports_proposes_and_writes_drafts(services: Services, tmp_path: Path) -> None:
    from tests.e2e.test_cli import Cli

    cli = Cli(tmp_path)
    cli.env["MOTCUA_DATABASE__URL"] = str(services.db.url.render_as_string(hide_password=False))
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"procedures": [changed_hkd(services), NEW]}, ensure_ascii=False), encoding="utf-8")
    done = cli("catalogue", "import", str(export), "--drafts", str(tmp_path / "drafts"), "--json", "--as", "analyst")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [(r["code"], r["state"]) for r in report] == [(HKD, "changed"), ("2.002189", "new")]
    assert (tmp_path / "drafts" / "2.002189.toml").exists()
    plain = cli("catalogue", "import", str(export), "--as", "analyst")
    assert "processing_time_days: 3 -> 5" in plain.stdout

