"""The command line acts as a named operator account (issue 10): `--as USERNAME`, by default the
configured `[cli] operator`; its rights are checked by the use case and it is written into the audit
trail; an unknown, locked or unentitled operator is refused with a clear message and exit 1. Runs
`main()` in this process against the test database (the same code path as the script)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.config import PROJECT_ROOT, load_config
from models import AuditEvent, User
from processes.access import SYSTEM
from processes.uow import UnitOfWork
from tests.helpers import HKD
from tests.integration.versions_support import write_version_2

HKD_BPMN = PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_ho_kinh_doanh.bpmn"



def _actors(services: Services, kind: str) -> list[str]:
    with UnitOfWork(services.session_factory) as uow:
        return list(uow.session.scalars(sa.select(AuditEvent.actor).where(AuditEvent.kind == kind)
                                        .order_by(AuditEvent.seq)))


def test_config_names_the_default_operator() -> None:
    assert load_config({})["cli"]["operator"] == "admin"


def test_deploy_acts_as_the_configured_operator_and_the_audit_trail_names_it(
        motcua: Any, services: Services, tmp_path: Path) -> None:
    code, out, err = motcua("deploy", str(write_version_2(tmp_path)))
    assert (code, out) == (0, ""), err
    assert _actors(services, "definition_deployed")[-1] == "admin"


def test_deploy_as_another_administrator(motcua: Any, services: Services, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_CLI__OPERATOR", "nobody")  # the flag wins over the configuration
    with UnitOfWork(services.session_factory) as uow:
        uow.session.add(User(username="admin2", password_hash="!", full_name="Quản trị 2", roles=["admin"],
                             active=True, created_at=services.clock.now()))
        uow.commit()
    code, _, err = motcua("deploy", "--as", "admin2", str(write_version_2(tmp_path)))
    assert code == 0, err
    assert _actors(services, "definition_deployed")[-1] == "admin2"


@pytest.mark.parametrize("args", [
    ("deploy", str(HKD_BPMN)),
    ("deploy", "--dry-run", str(HKD_BPMN)),
    ("versions", HKD),
    ("rollback", HKD, "--to", "1"),
    ("migrate-dossiers", HKD, "--to", "1", "--dry-run"),
])
@pytest.mark.parametrize("operator", ["nobody", "locked", "citizen", "specialist"])
def test_an_unknown_locked_or_unentitled_operator_is_refused_with_exit_1(
        motcua: Any, services: Services, args: tuple[str, ...], operator: str) -> None:
    with UnitOfWork(services.session_factory) as uow:
        uow.session.add(User(username="locked", password_hash="!", full_name="Khóa", roles=["admin"],
                             active=False, created_at=services.clock.now()))
        uow.commit()
    before = _actors(services, "definition_deployed") + _actors(services, "definition_rolled_back")
    code, out, err = motcua(*args, "--as", operator)
    assert code == 1 and out == ""
    assert "Traceback" not in err
    assert f"acting as operator '{operator}'" in err and "--as USERNAME" in err
    assert _actors(services, "definition_deployed") + _actors(services, "definition_rolled_back") == before


def test_an_unknown_default_operator_is_refused_naming_the_configuration(
        motcua: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_CLI__OPERATOR", "ghost")
    code, _, err = motcua("versions", HKD)
    assert code == 1
    assert "ghost" in err and "[cli] operator" in err


def test_an_analyst_may_dry_run_and_look_but_not_deploy_or_roll_back(motcua: Any, tmp_path: Path) -> None:
    path = str(write_version_2(tmp_path))
    assert motcua("deploy", "--dry-run", "--as", "analyst", path)[0] == 0
    assert motcua("versions", "--as", "analyst", HKD)[0] == 0
    assert motcua("deploy", "--as", "analyst", path)[0] == 1
    assert motcua("rollback", HKD, "--to", "1", "--as", "analyst")[0] == 1


def test_rollback_and_migration_record_the_operator(motcua: Any, services: Services, tmp_path: Path) -> None:
    assert motcua("deploy", str(write_version_2(tmp_path)))[0] == 0
    code, out, err = motcua("rollback", HKD, "--to", "1", "--as", "admin")
    assert code == 1 and "add --yes to publish version 1 again" in err  # shown, not done
    assert "publishing version 1 again instead of version 2 changes:" in out and "Task_reception_deliver" in out
    assert _actors(services, "definition_rolled_back") == []
    code, out, err = motcua("rollback", HKD, "--to", "1", "--as", "admin", "--yes")
    assert code == 0 and "version 1 published again" in out, err
    assert _actors(services, "definition_rolled_back") == ["admin"]
    assert motcua("migrate-dossiers", HKD, "--to", "2", "--actor", "admin")[0] == 0  # the former spelling
    assert _actors(services, "dossiers_migrated") == ["admin"]


def test_the_shipped_diagrams_were_deployed_by_the_machine_account(services: Services) -> None:
    # tests/conftest.py prepares the database as `motcua init` does
    assert set(_actors(services, "definition_deployed")) == {SYSTEM}


def test_no_token_is_issued_for_the_machine_account(motcua: Any) -> None:
    code, out, err = motcua("token", SYSTEM)
    assert (code, out) == (1, "") and "machine account" in err
    code, out, _ = motcua("token", "citizen")
    assert code == 0 and out.strip()


def test_the_bootstrap_tools_need_no_operator(motcua: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_CLI__OPERATOR", "ghost")  # token and users list read the database directly
    assert motcua("users", "list", "--json")[0] == 0
    assert motcua("token", "admin")[0] == 0
