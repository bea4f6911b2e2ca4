"""`/admin/definitions`: procedures and their diagram versions (D4, R11.1, R13.1). Analysts validate,
propose, compare and look at a migration's dry run; administrators deploy, roll back and migrate.
Every decision about who may do what is taken in the use cases (processes.access): the routes pass
the logged-in user and never choose a rule."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, g, jsonify, redirect, render_template, request, url_for

from engine.xml_safety import MAX_DIAGRAM_BYTES
from processes.definitions import diagrams, migration, proposals, simulation, studio, versions
from processes.definitions.deploy import MAX_CATALOGUE_BYTES
from processes.errors import Invalid, NotFound, TooLarge
from web.context import services
from web.headers import STUDIO_CSP
from web.i18n import _, current_language
from web.labels import legend
from web.session import login_required

bp = Blueprint("admin_definitions", __name__, url_prefix="/admin/definitions")
_FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields



@bp.get("")
@login_required
def index() -> str:
    svc = services()
    return render_template("admin/definitions_index.html",
                           procedures=versions.list_procedures(svc, g.username),
                           proposals=proposals.list_proposals(svc, g.username),
                           rights=versions.definition_rights(svc, g.username), upload_limit=_upload_limit())


@bp.get("/<code>")
@login_required
def procedure(code: str) -> str:
    svc = services()
    history = versions.procedure_history(svc, g.username, code)
    return render_template("admin/definitions_procedure.html", p=history,
                           rights=versions.definition_rights(svc, g.username))


@bp.get("/<code>/versions/<int:version>/diagram.svg")
@login_required
def version_diagram(code: str, version: int) -> Response:
    svg = diagrams.version_diagram(services(), g.username, code, version)
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/<code>/compare")
@login_required
def compare(code: str) -> str:
    old, new = _int_arg("old"), _int_arg("new")
    changes = versions.compare_versions(services(), g.username, code, old, new)
    return render_template("admin/definitions_compare.html", code=code, old=old, new=new, changes=changes)


@bp.get("/<code>/compare/diagram.svg")
@login_required
def compare_diagram(code: str) -> Response:
    """Version `new` (`side=new`) or `old` (`side=old`) with the difference between them marked."""
    side = "old" if request.args.get("side") == "old" else "new"
    svg = diagrams.version_diff_diagram(services(), g.username, code, _int_arg("old"), _int_arg("new"), side,
                                        legend())
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/<code>/simulate")
@login_required
def simulate(code: str) -> str:
    """A test-run of the published version, step by step, with the decisions given (KEY=VALUE, separated
    by spaces or commas: a query parameter holds no line break)."""
    from processes.definitions.simulation import simulate_published

    decide = request.args.get("decide", "")
    at = request.args.get("at", "")
    pairs = decide.replace(",", " ").split()
    result = simulate_published(services(), g.username, code, pairs, at) if "run" in request.args else None
    return render_template("admin/definitions_simulate.html", code=code, result=result, decide=decide, at=at)


@bp.get("/<code>/rollback")
@login_required
def rollback_confirm(code: str) -> str:
    """What publishing version N again changes (against the published version) and which running dossiers
    stay where they are; administrators confirm here."""
    svc = services()
    version = _int_arg("version")
    history = versions.procedure_history(svc, g.username, code)
    if not any(v["version"] == version for v in history["versions"]):
        raise NotFound("definition.version_not_found", "version", code=code, version=version)
    published = history["published_version"]
    changes = (versions.compare_versions(svc, g.username, code, published, version)
               if published and published != version else [])
    return render_template("admin/definitions_rollback.html", p=history, version=version, changes=changes,
                           rights=versions.definition_rights(svc, g.username))


@bp.post("/<code>/rollback")
@login_required
def rollback(code: str) -> Any:
    version = _int_form("version")
    if request.form.get("confirm") != "yes":  # one click is not enough: see what changes first
        return redirect(url_for(".rollback_confirm", code=code, version=version), 303)
    outcome = versions.rollback(services(), g.username, code, version)
    if outcome.changed:
        flash(_("Đã công bố lại phiên bản {version} (thay cho phiên bản {previous}).", version=version,
                previous=outcome.previous_version), "success")
    else:
        flash(_("Phiên bản {version} đang được công bố; không có gì thay đổi.", version=version), "info")
    return redirect(url_for(".procedure", code=code))


@bp.route("/<code>/migrate", methods=["GET", "POST"])
@login_required
def migrate(code: str) -> str:
    dry_run = request.method == "GET"
    version = _int_arg("to") if dry_run else _int_form("to")
    report = migration.migrate_dossiers(services(), g.username, code, version, dry_run=dry_run,
                                        language=current_language())
    return render_template("admin/definitions_migrate.html", code=code, report=report,
                           rights=versions.definition_rights(services(), g.username))


def _uploaded() -> proposals.Upload:
    """The diagram and sidecar of the request: multipart files `bpmn` and `catalogue`, or (from the
    studio's scripts) JSON `{"filename", "bpmn", "catalogue_filename", "catalogue"}` with the texts."""
    limit = _upload_limit()
    if (request.content_length or 0) > limit:  # refused by its size, before a byte of it is read
        raise TooLarge("definition.upload_too_large", "bpmn", mb=round(limit / (1024 * 1024), 1))
    request.max_content_length = limit
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("bpmn"), str) or not body["bpmn"]:
            raise Invalid("definition.bpmn_required", "bpmn")
        catalogue_text = body.get("catalogue") if isinstance(body.get("catalogue"), str) else ""
        if isinstance(body.get("sheet"), dict):  # the studio's catalogue form, put into the sidecar's text
            catalogue_text = studio.catalogue_with_sheet(str(catalogue_text or ""), body["sheet"])
        return proposals.Upload(str(body.get("filename") or "diagram.bpmn"), body["bpmn"].encode("utf-8"),
                                str(body.get("catalogue_filename") or "") if catalogue_text else "",
                                str(catalogue_text).encode("utf-8"))
    bpmn, catalogue = request.files.get("bpmn"), request.files.get("catalogue")
    if bpmn is None or not bpmn.filename:
        raise Invalid("definition.bpmn_required", "bpmn")
    return proposals.Upload(bpmn.filename, bpmn.read(), (catalogue.filename or "") if catalogue else "",
                            catalogue.read() if catalogue else b"")


def _problem_drawing(upload_data: proposals.Upload, check: proposals.UploadCheck) -> str | None:
    """The uploaded diagram with each element a problem names marked, when there are such problems."""
    elements = {item["element"] for item in check.items if item["element"]}
    if not elements:
        return None
    return diagrams.upload_diagram(services(), g.username, upload_data, elements, legend())


@bp.post("/check.json")
@login_required
def check_json() -> Any:
    """Every problem of a diagram, each with its element and line, and what it changes against the
    published version: what the studio marks on the drawing (nothing is stored)."""
    check = proposals.check_upload(services(), g.username, _uploaded())
    return jsonify({"ok": check.ok, "path": check.path, "procedure": check.procedure_code,
                    "problems": check.items, "warnings": check.notes, "published_version": check.published_version,
                    "same_as_version": check.same_as_version,
                    "changes": [{"kind": c.kind, "element": c.element_id, "type": c.element_type, "name": c.name,
                                 "details": list(c.details)} for c in check.changes]})


@bp.get("/new")
@login_required
def studio_new() -> Response:
    return _studio(None)


@bp.get("/<code>/edit")
@login_required
def studio_edit(code: str) -> Response:
    return _studio(code)


def _studio(code: str | None) -> Response:
    """The analysts' studio: the modeler, its MotCua panel and the catalogue form (web/static/studio)."""
    svc = services()
    source = studio.studio_source(svc, g.username, code)
    for status in source["vocabulary"]["statuses"]:  # the national statuses in the reader's language
        status["name"] = _(status["name"])
    response = Response(render_template("admin/definitions_studio.html", source=source,
                                        rights=versions.definition_rights(svc, g.username),
                                        upload_limit=_upload_limit()))
    response.headers["Content-Security-Policy"] = STUDIO_CSP
    return response


@bp.post("/propose.json")
@login_required
def propose_json() -> Any:
    """The studio's "propose" (analysts) or "deploy" (administrators: stored, then confirmed on the deploy
    page that shows what changes): a diagram with problems is not stored and its problems come back."""
    upload_data = _uploaded()
    body = request.get_json(silent=True) or {}
    svc = services()
    if body.get("action") == "deploy":
        check = proposals.stage_deployment(svc, g.username, upload_data, str(body.get("note") or "")[:1000])
        url = url_for(".deploy_confirm", proposal_id=check.proposal_id) if check.proposal_id else None
    else:
        check = proposals.propose(svc, g.username, upload_data, str(body.get("note") or "")[:1000])
        url = url_for(".proposal", proposal_id=check.proposal_id) if check.proposal_id else None
    return jsonify({"ok": check.ok, "proposal_id": check.proposal_id, "url": url, "procedure": check.procedure_code,
                    "problems": check.items, "warnings": check.notes})


@bp.post("/simulate.json")
@login_required
def simulate_json() -> Any:
    """The studio's test-run of the drawn diagram (not yet published): checked first; a valid one runs in
    memory with the decisions (`decide`: lines KEY=VALUE) from the instant `at` (ISO; default now)."""
    upload_data = _uploaded()
    body = request.get_json(silent=True) or {}
    decide = body.get("decide") or []
    lines = decide.splitlines() if isinstance(decide, str) else [str(x) for x in decide][:200]
    check, run = simulation.simulate_upload(services(), g.username, upload_data, lines,
                                            str(body.get("at") or "") or None)
    return jsonify({"ok": check.ok, "problems": check.items, "warnings": check.notes,
                    "simulation": run.as_dict() if run is not None else None})


@bp.post("/upload")
@login_required
def upload() -> Any:
    upload_data = _uploaded()
    action = request.form.get("action", "validate")
    svc = services()
    if action == "deploy":  # stored, then published once the administrator has seen what changes
        check = proposals.stage_deployment(svc, g.username, upload_data, request.form.get("note", ""))
        if check.ok and check.proposal_id:
            return redirect(url_for(".deploy_confirm", proposal_id=check.proposal_id), 303)
        return render_template("admin/definitions_upload.html", action=action, check=check, outcome=None,
                               rights=versions.definition_rights(svc, g.username),
                               problem_svg=_problem_drawing(upload_data, check))
    if action == "propose":
        check = proposals.propose(svc, g.username, upload_data, request.form.get("note", ""))
    else:
        check = proposals.check_upload(svc, g.username, upload_data)
    return render_template("admin/definitions_upload.html", action=action, check=check, outcome=None,
                           rights=versions.definition_rights(svc, g.username),
                           problem_svg=_problem_drawing(upload_data, check))


@bp.get("/proposals/<int:proposal_id>")
@login_required
def proposal(proposal_id: int) -> str:
    svc = services()
    view, check = proposals.get_proposal(svc, g.username, proposal_id)
    return render_template("admin/definitions_proposal.html", proposal=view, check=check,
                           rights=versions.definition_rights(svc, g.username))


@bp.get("/proposals/<int:proposal_id>/diagram.svg")
@login_required
def proposal_diagram(proposal_id: int) -> Response:
    svg = diagrams.proposal_diagram(services(), g.username, proposal_id)
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/proposals/<int:proposal_id>/diff.svg")
@login_required
def proposal_diff(proposal_id: int) -> Response:
    """The proposal (`side=new`) or the published version (`side=old`) with what the proposal changes marked."""
    side = "old" if request.args.get("side") == "old" else "new"
    svg = diagrams.proposal_diff_diagram(services(), g.username, proposal_id, side, legend())
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/proposals/<int:proposal_id>/deploy")
@login_required
def deploy_confirm(proposal_id: int) -> str:
    """What deploying a proposal changes against the published version, and the running dossiers that stay
    on it; administrators confirm here."""
    svc = services()
    view, check = proposals.get_proposal(svc, g.username, proposal_id)
    running = None
    if check.published_version:
        history = versions.procedure_history(svc, g.username, view["procedure"])
        running = next((v["running_dossiers"] for v in history["versions"]
                        if v["version"] == check.published_version), 0)
    return render_template("admin/definitions_deploy.html", proposal=view, check=check, running=running,
                           rights=versions.definition_rights(svc, g.username))


@bp.post("/proposals/<int:proposal_id>/deploy")
@login_required
def deploy_proposal(proposal_id: int) -> Any:
    if request.form.get("confirm") != "yes":  # one click is not enough: see what changes first
        return redirect(url_for(".deploy_confirm", proposal_id=proposal_id), 303)
    outcome = proposals.deploy_proposal(services(), g.username, proposal_id)
    return render_template("admin/definitions_upload.html", action="deploy", outcome=outcome, check=None)


@bp.post("/proposals/<int:proposal_id>/reject")
@login_required
def reject_proposal(proposal_id: int) -> Any:
    proposals.reject_proposal(services(), g.username, proposal_id, request.form.get("note", ""))
    flash(_("Đã từ chối đề xuất số {id}.", id=proposal_id), "info")
    return redirect(url_for(".index"))


def _upload_limit() -> int:
    storage = services().config.get("storage", {})
    return int(storage.get("max_diagram_bytes", MAX_DIAGRAM_BYTES)) + MAX_CATALOGUE_BYTES + _FORM_OVERHEAD


def _int_arg(name: str) -> int:
    return _as_version(name, request.args.get(name))


def _int_form(name: str) -> int:
    return _as_version(name, request.form.get(name))


def _as_version(name: str, value: str | None) -> int:
    try:
        number = int(value or "")
    except ValueError:
        raise Invalid("definition.version_required", name) from None
    if number < 1:
        raise Invalid("definition.version_required", name)
    return number
