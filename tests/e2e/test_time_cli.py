"""`motcua calendar due` across the 2025–2026 holidays and swapped days, its refusals, and
`motcua timers sweep --at` showing the escalations of a dossier left untouched (issue 3, done-when).

The date table calls the command line's `main()` in this process (the same code path as the script,
without a second of start-up per line); the refusals and the sweep run the real `motcua` script."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import Services
from adapters.config import PROJECT_ROOT
from engine.clock import ManualClock
from processes.dossier.dossiers import get_dossier
from processes.timekeeping.calendar_admin import add_override
from tests.integration.timers_support import local, submit_hkd, work

_SCRIPT = Path(sys.executable).parent / "motcua"
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "web.cli"]



@pytest.mark.parametrize("start, amount, expected", [
    # Tết 2025: 27 January – 1 February (and the weekends around it) are not counted.
    ("2025-01-24T10:00:00+07:00", ("--working-days", "1"), "2025-02-03T10:00:00+07:00"),
    # Tết 2026: 16–20 February.
    ("2026-02-13T10:00:00+07:00", ("--working-days", "3"), "2026-02-25T10:00:00+07:00"),
    # 30/4 and 1/5 2025, and Friday 2 May given in exchange for Saturday 26 April.
    ("2025-04-29T16:00:00+07:00", ("--working-days", "1"), "2025-05-05T16:00:00+07:00"),
    # Saturday 26 April 2025 is a working day.
    ("2025-04-25T17:00:00+07:00", ("--working-hours", "4"), "2025-04-26T11:30:00+07:00"),
    # 2/9 2026: Monday 31 August (exchanged for Saturday 22 August), 1 and 2 September.
    ("2026-08-28T09:00:00+07:00", ("--working-days", "2"), "2026-09-04T09:00:00+07:00"),
    # Saturday 22 August 2026 is a working day.
    ("2026-08-21T13:00:00+07:00", ("--working-days", "1"), "2026-08-22T11:30:00+07:00"),
    # Hùng Kings' day 2026 falls on a Sunday and is observed on Monday 27 April.
    ("2026-04-24T15:00:00+07:00", ("--working-hours", "8"), "2026-04-28T15:00:00+07:00"),
    # Any offset in, Hanoi time out; half a working day is four working hours (R14.4).
    ("2026-03-02T01:00:00Z", ("--working-days", "0.5"), "2026-03-02T13:30:00+07:00"),
])
def test_calendar_due_counts_vietnamese_working_time(motcua: Any, start: str, amount: tuple[str, str],
                                                     expected: str) -> None:
    assert motcua("calendar", "due", "--from", start, *amount) == (0, expected, "")


def test_the_administrators_table_wins_over_the_package(motcua: Any, services: Services) -> None:
    before = motcua("calendar", "due", "--from", "2026-01-01T10:00:00+07:00", "--working-days", "1")
    assert before == (0, "2026-01-02T17:00:00+07:00", "")  # 1 January is a holiday: from 2 January 07:30
    add_override(services, "admin", "2026-01-02", "day_off", "Nghỉ bù Tết Dương lịch (giả định)")
    after = motcua("calendar", "due", "--from", "2026-01-01T10:00:00+07:00", "--working-days", "1")
    assert after == (0, "2026-01-05T17:00:00+07:00", "")


@pytest.mark.parametrize("amount, message", [
    (("--working-days", "nan"), "working days must be a finite number of at least 0, not nan"),
    (("--working-hours", "1e9"), "working hours 1000000000.0 exceed 20000 working hours (about ten years)"),
])
def test_absurd_durations_are_refused_with_a_usage_error(motcua: Any, amount: tuple[str, str], message: str) -> None:
    code, out, err = motcua("calendar", "due", "--from", "2026-03-02T08:00:00+07:00", *amount)
    assert (code, out) == (2, "") and message in err


def test_a_duration_that_is_no_number_is_a_usage_error(motcua: Any) -> None:
    with pytest.raises(SystemExit) as stopped:
        motcua("calendar", "due", "--from", "2026-03-02T08:00:00+07:00", "--working-days", "three")
    assert stopped.value.code == 2


def _script(db_url: str, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.update({"MOTCUA_DATABASE__URL": db_url, "MOTCUA_STORAGE__DATA_DIR": str(folder)})
    done = subprocess.run([*COMMAND, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def test_a_negative_duration_is_a_clear_error_and_exit_2(db_url: str, tmp_path: Path) -> None:
    done = _script(db_url, tmp_path, "calendar", "due", "--from", "2026-03-02T08:00:00+07:00", "--working-days", "-1")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip() == "motcua: working days must be a finite number of at least 0, not -1.0"


def test_timers_sweep_shows_the_escalations_of_a_dossier_left_untouched(
        db_url: str, services: Services, clock: ManualClock, tmp_path: Path) -> None:
    code = submit_hkd(services)  # Monday 09:00; reception must forward it by 14:30 (R14.4)
    sweep = _script(db_url, tmp_path, "timers", "sweep", "--at", "2026-03-02T15:00:00+07:00")
    assert (sweep.returncode, sweep.stdout.strip()) == (0, "1")
    clock.set(local(2026, 3, 3, 9))
    work(services, code, "reception")  # accepted Tuesday: due Friday 09:00, warned Thursday 09:00
    sweep = _script(db_url, tmp_path, "timers", "sweep", "--at", "2026-03-06T10:00:00+07:00")
    assert (sweep.returncode, sweep.stdout.strip()) == (0, "2")  # the warning (too late to warn: a no-op) and the due
    dossier = get_dossier(services, "citizen", code)
    kinds = [h["kind"] for h in dossier["history"]]
    assert dossier["late"] is True
    assert {"task_overdue", "deadline_passed"} <= set(kinds)
    assert dossier["open_tasks"][0]["overdue_at"] is not None
    mail = (tmp_path / "outbox" / "mail.jsonl").read_text(encoding="utf-8")  # sent by the sweep
    assert "Hồ sơ quá hạn chuyển xử lý" in mail and "mẫu 04" in mail
    again = _script(db_url, tmp_path, "timers", "sweep", "--at", "2026-03-06T11:00:00+07:00")
    assert (again.returncode, again.stdout.strip()) == (0, "0")
