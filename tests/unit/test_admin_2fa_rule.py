"""Administrators must use two-factor log-in in production; the demo's admin logs in as the contract says."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from processes.people.sessions import admin_2fa_required


def _services(demo: bool, **sessions: Any) -> Any:
    return SimpleNamespace(config={"app": {"demo": demo}, "sessions": sessions})


@pytest.mark.parametrize(("demo", "setting", "required"), [
    (False, None, True), (True, None, False),  # "auto", the shipped value
    (False, "auto", True), (True, "auto", False),
    (True, True, True), (False, False, False), (True, "true", True), (False, "false", False)])
def test_auto_asks_in_production_and_true_or_false_force_it(demo: bool, setting: Any, required: bool) -> None:
    sessions = {} if setting is None else {"admin_2fa_required": setting}
    assert admin_2fa_required(_services(demo, **sessions)) is required
