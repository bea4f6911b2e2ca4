"""A warning, not a refusal: a user task whose role no active officer of its agency holds today could
never be claimed; the dry run, the deploy and the studio's check say so, naming the task and its line."""
from __future__ import annotations

from pathlib import Path

from adapters.bootstrap import Services
from processes.definitions.deploy import deploy_file
from processes.definitions.proposals import Upload, check_upload
from tests.integration.versions_support import HKD_BPMN, HKD_TOML, copy_with

UNSTAFFED = "000.26.22.H34"  # UBND phường Thắng Lợi: an agency of the demo without officers


def _unstaffed_toml() -> str:
    text = HKD_TOML.read_text(encoding="utf-8")
    agency = next(line for line in text.splitlines() if line.startswith("agency = "))
    return text.replace(agency, f'agency = "{UNSTAFFED}"')


def test_a_dry_run_warns_of_each_role_nobody_holds_and_still_passes(services: Services, tmp_path: Path) -> None:
    outcome = deploy_file(services, "analyst", copy_with(tmp_path, toml=_unstaffed_toml()), dry_run=True)
    assert outcome.ok
    roles = {note.split("holds the role '")[1].split("'")[0] for note in outcome.notes}
    assert roles == {"reception", "specialist", "leader"}
    first = outcome.notes[0]
    assert f"{HKD_BPMN.name}:" in first and "no active officer of the handling agency" in first
    assert "nobody can claim this task until one is added" in first


def test_the_published_agency_with_its_officers_has_no_warning(services: Services, tmp_path: Path) -> None:
    assert deploy_file(services, "analyst", copy_with(tmp_path), dry_run=True).notes == []
    check = check_upload(services, "analyst", Upload(HKD_BPMN.name, HKD_BPMN.read_bytes(), HKD_TOML.name,
                                                     _unstaffed_toml().encode("utf-8")))
    assert check.ok and len(check.notes) >= 3
