"""Fixtures of the end-to-end tests."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import Services, bootstrap
from adapters.config import load_config
from web import cli


@pytest.fixture
def motcua(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    """`motcua ARGS…` run in this process (`web.cli.main`, the script's code path) on the test database:
    (exit code, stdout, stderr), both stripped. Every service it opens is closed afterwards (a process
    of its own would close them on exit)."""
    for key in [k for k in os.environ if k.startswith("MOTCUA_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("MOTCUA_DATABASE__URL", db_url)
    monkeypatch.setenv("MOTCUA_STORAGE__DATA_DIR", str(tmp_path / "data"))
    opened: list[Services] = []

    def services() -> Services:
        opened.append(bootstrap(load_config()))
        return opened[-1]
    monkeypatch.setattr(cli, "cli_services", services)

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out.strip(), err.strip()
    yield run
    for svc in opened:
        svc.db.dispose()
