"""`motcua simulate`: a test-run of a diagram file or a shipped procedure, printed step by step, exit 0 at an
end event and 1 where it stopped; nothing is written (it runs without a database)."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from adapters.config import PROJECT_ROOT, load_config
from engine.calendar import WorkCalendar
from tests.e2e.test_cli import Cli
from tests.unit.test_simulation import LOOP

KHAI_SINH = PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_khai_sinh.bpmn"
HKD_BPMN = PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_ho_kinh_doanh.bpmn"
AT = "2026-03-02T16:00:00+07:00"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)  # no `motcua init`: the test-run needs no database


def test_a_shipped_file_runs_to_its_end_with_statuses_and_the_appointment(cli: Cli) -> None:
    done = cli("simulate", str(KHAI_SINH), "--at", AT)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "reached end event EndEvent_result_delivered; status 10 Đã trả kết quả"
    # received at 16:00, after the same-day cut-off: due at the end of the next working day
    calendar = WorkCalendar.from_config(load_config({})["calendar"])
    due = calendar.due(datetime.fromisoformat(AT), 0, True).astimezone(calendar.timezone)
    assert f"appointment (statutory due): {due:%Y-%m-%d %H:%M %a}" in lines
    assert any("Task_accept_dossier" in line and "[2 Đã tiếp nhận]" in line for line in lines)
    assert any("notice: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)" in line for line in lines)
    if (cli.folder / "motcua.db").exists():  # opened to read the calendar's days off: nothing written
        with sqlite3.connect(cli.folder / "motcua.db") as db:
            assert db.execute("select count(*) from sqlite_master").fetchone() == (0,)


def test_a_procedure_code_finds_its_shipped_diagram_and_the_refusal_path_is_taken(cli: Cli) -> None:
    done = cli("simulate", "1.001193", "--at", AT, "--decide", "reception_decision=refuse")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == ("reached end event EndEvent_refused_at_reception; "
                                            "status 3 Không được tiếp nhận")


def test_json_lists_every_step(cli: Cli) -> None:
    done = cli("simulate", str(HKD_BPMN), "--at", AT, "--json", "--decide", "specialist_proposal=refuse")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ended"] and report["status_code"] == 8
    assert report["steps"][0]["kind"] == "start" and report["steps"][-1]["kind"] == "end"
    assert {"at", "element", "status", "due_at", "notices", "values"} <= set(report["steps"][0])


def test_a_run_that_cannot_end_exits_1_naming_the_element(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "vong.bpmn"
    path.write_text(LOOP, encoding="utf-8")
    done = cli("simulate", str(path), "--at", AT, "--decide", "again=false", "--decide", "divisor=0")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1].startswith("stopped at Script_divide: ")
    assert "no catalogue entry beside vong.bpmn" in done.stderr


def test_a_diagram_with_problems_prints_them_and_exits_1(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "cut.bpmn"
    path.write_text(LOOP.replace('<bpmn:sequenceFlow id="f2" sourceRef="Task_review" targetRef="Gateway_1" />', ""),
                    encoding="utf-8")
    done = cli("simulate", str(path))
    assert done.returncode == 1
    assert "cut.bpmn:" in done.stdout and "dead end: nothing leaves this user task" in done.stdout


@pytest.mark.parametrize("args", [("--decide", "reception_decision"), ("--at", "2026-03-02T08:00:00")])
def test_bad_options_are_usage_errors(cli: Cli, args: tuple[str, str]) -> None:
    done = cli("simulate", str(KHAI_SINH), *args)
    assert done.returncode == 2
    assert done.stderr.startswith("motcua: ")


def test_each_option_in_turn_one_line_per_run(cli: Cli) -> None:
    done = cli("simulate", "1.001612", "--at", AT, "--each")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("(defaults)") and "end event EndEvent_result_delivered" in lines[0]
    assert any(line.startswith("reception_decision=refuse") and "status 3" in line for line in lines)
    assert all("STOPPED" not in line for line in lines)
