"""A production site (`app.demo` off): never on the shipped secret key; its first administrator made
with `motcua users create` (issue 11)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyotp
import pytest

from adapters.config import DEFAULT_SECRET_KEY, PROJECT_ROOT, InsecureConfig, check_secret_key
from tests.e2e.test_cli import Cli

PRODUCTION_KEY = "a-long-random-production-secret-0123456789"


def production(folder: Path, secret: str = PRODUCTION_KEY) -> Cli:
    cli = Cli(folder)
    cli.env.update({"MOTCUA_APP__DEMO": "false", "MOTCUA_APP__SECRET_KEY": secret})
    return cli


@pytest.mark.parametrize("secret", [DEFAULT_SECRET_KEY, "", "short"])
def test_the_command_line_refuses_a_production_site_on_a_weak_secret_key(tmp_path: Path, secret: str) -> None:
    cli = production(tmp_path, secret)
    for args in (("init",), ("migrate",), ("users", "list")):
        done = cli(*args)
        assert done.returncode == 1, (args, done.stderr)
        assert "MOTCUA_APP__SECRET_KEY" in done.stderr
    assert not cli.db.exists()  # refused before touching the database


def test_gunicorn_refuses_to_start_on_the_default_key(tmp_path: Path) -> None:
    env = {**production(tmp_path, DEFAULT_SECRET_KEY).env}
    done = subprocess.run([sys.executable, "-c", "import web.gunicorn_conf"], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 1 and "MOTCUA_APP__SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_app_factory_refuses_it_too_and_demo_mode_is_exempt() -> None:
    with pytest.raises(InsecureConfig):
        check_secret_key({"app": {"demo": False, "secret_key": DEFAULT_SECRET_KEY}})
    check_secret_key({"app": {"demo": True, "secret_key": DEFAULT_SECRET_KEY}})
    check_secret_key({"app": {"demo": False, "secret_key": PRODUCTION_KEY}})


def test_users_create_makes_the_first_administrator_of_a_production_database(tmp_path: Path) -> None:
    from web import create_app

    cli = production(tmp_path)
    assert cli("migrate").returncode == 0  # a production database: no demo accounts, nobody to log in
    assert json.loads(cli("users", "list", "--json").stdout) == []
    done = cli("users", "create", "boss", "--role", "admin", "--email", "boss@example.vn")
    assert done.returncode == 0, done.stderr
    password = done.stdout.strip()
    assert len(password) >= 12 and "must change it at first log-in" in done.stderr
    again = cli("users", "create", "boss", "--role", "admin")
    assert again.returncode == 1 and "boss" in again.stderr
    assert cli("users", "create", "x2", "--role", "citizen").returncode == 1

    services = cli.services()
    try:
        client: Any = create_app(services).test_client()
        with client.session_transaction() as s:
            s["csrf"] = "t"
        resp = client.post("/login?next=/admin", data={"csrf_token": "t", "username": "boss", "password": password})
        assert resp.status_code == 303
        assert client.get("/admin").headers["Location"] == "/account/password"
        new = "quan-tri-vien-dau-tien"
        with client.session_transaction() as s:
            s["csrf"] = "t"  # a new session after log-in: a new form token
        client.post("/account/password", data={"csrf_token": "t", "current_password": password, "password": new,
                                                "password_repeat": new})
        # then, an administrator enrols in two-factor log-in ([sessions] admin_2fa_required, on by default)
        assert client.get("/admin").headers["Location"] == "/account/two-factor"
        page = client.get("/account/two-factor").get_data(as_text=True)
        secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page)
        assert secret is not None
        with client.session_transaction() as s:
            s["csrf"] = "t"
        client.post("/account/two-factor", data={"csrf_token": "t", "otp": pyotp.TOTP(secret.group(1)).now()})
        assert client.get("/admin").status_code == 200
        assert client.get("/admin/users").status_code == 200
    finally:
        services.db.dispose()
