"""The Flask app factory, blueprints, templates and the `motcua` command line. Only this folder
imports Flask."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from adapters.bootstrap import Services, bootstrap
from adapters.config import check_secret_key, load_config


def create_app(services: Services | None = None, config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app around the given services (tests pass their own, with fakes)."""
    services = services or bootstrap(config or load_config())
    check_secret_key(services.config)  # no production site on the shipped key
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=services.config["app"]["secret_key"],
        MAX_CONTENT_LENGTH=int(services.config["storage"]["max_upload_bytes"]) * 6,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=str(services.config["app"].get("base_url", "")).startswith("https"),
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["motcua"] = services

    from web import api, csrf, errors, gate, headers, i18n, pages, session

    errors.init_app(app)
    gate.init_app(app)
    headers.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    session.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    from web import accounts, citizen, filters, portal

    filters.init_app(app)
    app.register_blueprint(portal.bp)
    from web import verify

    app.register_blueprint(verify.bp)
    if services.config["app"].get("demo"):
        from web import sim_tsa

        app.register_blueprint(sim_tsa.bp)  # the demo's time-stamping authority (docs/signatures.md)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(citizen.bp)
    from web import admin, admin_definitions, diagram_pages

    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_definitions.bp)
    app.register_blueprint(diagram_pages.bp)
    from web import officer

    app.register_blueprint(officer.bp)
    from web import desk_pages

    app.register_blueprint(desk_pages.bp)
    from web import admin_calendar

    app.register_blueprint(admin_calendar.bp)
    from web import admin_agencies, admin_reports, admin_users

    app.register_blueprint(admin_agencies.bp)
    app.register_blueprint(admin_users.bp)
    app.register_blueprint(admin_reports.bp)
    from web import feedback_public

    app.register_blueprint(feedback_public.bp)
    from web import acts, admin_operations  # issue 12: procedural acts and the operations console

    app.register_blueprint(acts.bp)
    app.register_blueprint(admin_operations.bp)
    from web import notices_pages, privacy

    app.register_blueprint(notices_pages.bp)
    app.register_blueprint(privacy.bp)  # issue 18: consent records (Decree 13/2023)
    if services.config["app"].get("demo"):  # the outside systems' simulators (issue 15)
        from web import simulators

        app.extensions["motcua_simulators"] = simulators.register(app)
    from web import payments, sim_vnpay

    app.register_blueprint(payments.bp)
    sim_vnpay.init_app(app)  # the VNPay simulator under /_sim/vnpay/, in demo mode only
    return app
