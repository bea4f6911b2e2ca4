"""Configuration: config.toml defaults, another file via MOTCUA_CONFIG, single values via
MOTCUA_<SECTION>__<KEY> environment variables (parsed as TOML values when they parse, else text)."""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key."""


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    path = Path(env.get("MOTCUA_CONFIG") or PROJECT_ROOT / "config.toml")
    try:
        with path.open("rb") as fh:
            config: dict[str, Any] = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc}") from None
    for key, raw in env.items():
        if not key.startswith("MOTCUA_") or "__" not in key:
            continue
        section, _, name = key[len("MOTCUA_"):].lower().partition("__")
        config.setdefault(section, {})[name] = _value(raw)
    return config


DEFAULT_SECRET_KEY = "dev-only-secret-change-me"  # the shipped config.toml's: fine for a demonstration only
MIN_SECRET_KEY = 16


class InsecureConfig(ConfigError):
    """The configuration would run a production site insecurely (the message says what to set)."""


def check_secret_key(config: Mapping[str, Any]) -> None:
    """With `app.demo` off, refuse the shipped default secret key, an empty or a short one: whoever
    knows it could forge session cookies and mailed links."""
    app = config.get("app", {})
    if app.get("demo"):
        return
    key = str(app.get("secret_key") or "")
    if key == DEFAULT_SECRET_KEY or len(key) < MIN_SECRET_KEY:
        raise InsecureConfig(
            "[app] secret_key is the shipped default (or shorter than 16 characters) while [app] demo is off: "
            "set MOTCUA_APP__SECRET_KEY to a long random value (e.g. `python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`) before starting")


def _value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def data_dir(config: Mapping[str, Any]) -> Path:
    path = Path(config["storage"]["data_dir"])
    return path if path.is_absolute() else PROJECT_ROOT / path


def database_url(config: Mapping[str, Any]) -> str:
    url = str(config.get("database", {}).get("url") or "")
    return url or f"sqlite:///{data_dir(config) / 'motcua.db'}"
