"""`motcua` commands for diagram versions: history, roll back, migrate running dossiers. Each acts
as the operator account of `--as` (default `[cli] operator`); the use case checks its rights."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def cmd_versions(args: argparse.Namespace) -> int:
    """Versions and publication history of a procedure (R11.1)."""
    from processes.definitions.versions import procedure_history
    from web.cli import cli_services, operator

    services = cli_services()
    history = procedure_history(services, operator(args, services), args.procedure)
    if args.json:
        print(json.dumps(history, ensure_ascii=False))
        return 0
    print(f"{history['code']} {history['name']} — published version {history['published_version']}")
    for v in history["versions"]:
        mark = "*" if v["published"] else " "
        print(f"{mark} v{v['version']:<3} {v['hash'][:12]} {v['filename']:<32} {v['deployed_at']} "
              f"{v['deployed_by']:<12} running dossiers: {v['running_dossiers']}")
    print("publications (newest first):")
    for p in history["publications"]:
        print(f"  v{p['version']:<3} {p['kind']:<9} since {p['published_at']} until {p['until'] or 'now'} "
              f"by {p['published_by']}{(' (' + p['note'] + ')') if p['note'] else ''}")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    """Publish an earlier version again; running dossiers stay where they are."""
    from processes.definitions.versions import definition_rights, rollback
    from web.cli import cli_services, operator

    services = cli_services()
    actor = operator(args, services)
    if not args.yes and definition_rights(services, actor)["deploy"] and not _rollback_confirmed(args, services, actor):
        return 1
    outcome = rollback(services, actor, args.procedure, args.to)
    if outcome.changed:
        print(f"{outcome.procedure}: version {outcome.version} published again "
              f"(was version {outcome.previous_version})")
    else:
        print(f"{outcome.procedure}: version {outcome.version} is already published; nothing changed")
    return 0


def _rollback_confirmed(args: argparse.Namespace, services: Any, actor: str) -> bool:
    """Print what publishing the version again changes and which running dossiers stay where they are;
    True when the operator confirms at the terminal (without one, `--yes` is the confirmation)."""
    from processes.definitions.versions import compare_versions, procedure_history

    history = procedure_history(services, actor, args.procedure)
    published = history["published_version"]
    changes = compare_versions(services, actor, args.procedure, published or args.to, args.to)
    if published == args.to:
        return True  # nothing would change; the use case says so
    print(f"{args.procedure}: publishing version {args.to} again instead of version {published} changes:")
    for c in changes:
        details = f": {'; '.join(c.details)}" if c.details else ""
        print(f"  {c.kind:<8} {c.element_id} ({c.element_type}{', ' + c.name if c.name else ''}){details}")
    if not changes:
        print("  no element (the catalogue entry it was published with comes back)")
    for v in history["versions"]:
        if v["running_dossiers"]:
            print(f"  {v['running_dossiers']} running dossier(s) stay on version {v['version']}")
    if sys.stdin.isatty():
        answer = input(f"Publish version {args.to} again? [y/N] ").strip().lower()
        if answer in ("y", "yes", "c", "có"):
            return True
    print(f"motcua: nothing changed; add --yes to publish version {args.to} again", file=sys.stderr)
    return False


def cmd_migrate_dossiers(args: argparse.Namespace) -> int:
    """Move running dossiers to a version (forward or back); exit 1 when some cannot move."""
    from processes.definitions.migration import migrate_dossiers
    from web.cli import cli_services, operator

    services = cli_services()
    report = migrate_dossiers(services, operator(args, services), args.procedure, args.to,
                              dry_run=args.dry_run, language="en")
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        verb = "can move" if args.dry_run else "moved"
        for d in report.dossiers:
            if d.movable:
                print(f"{d.code}: {verb} from version {d.from_version} to {report.to_version}")
            else:
                print(f"{d.code}: stays on version {d.from_version}: {'; '.join(d.reasons)}")
        summary: dict[str, Any] = {"movable": len(report.movable), "not movable": len(report.refused)}
        print(f"{report.procedure} → version {report.to_version}{' (dry run)' if args.dry_run else ''}: "
              + ", ".join(f"{v} {k}" for k, v in summary.items()), file=sys.stderr)
    return 0 if not report.refused else 1


def _simulation_source(args: argparse.Namespace, services: Any) -> tuple[Any, dict[str, Any]] | int:
    """(definition, catalogue) of PATH, of a shipped diagram whose catalogue code or file name is CODE,
    or of the version of CODE published in the database; the exit status 1 when it has problems."""
    from pathlib import Path

    from adapters.config import PROJECT_ROOT
    from engine.definitions import load_definition
    from engine.problems import DiagramRefused
    from processes.definitions.catalogue import parse_catalogue
    from processes.definitions.deploy import read_source, validate_source
    from processes.definitions.versions import published_diagram
    from web.cli import operator

    path = Path(args.diagram)
    if not path.exists():
        shipped = PROJECT_ROOT / "bpmn_diagrams"
        for side in sorted(shipped.glob("*.toml")):
            catalogue, _ = parse_catalogue(side.read_bytes(), str(side))
            if side.stem == args.diagram or (catalogue is not None and catalogue.code == args.diagram):
                path = side.with_suffix(".bpmn")
                break
    if path.exists():
        source = read_source(path)
        library = {} if isinstance(source, list) else _library(args, services, source.bpmn)
        if not isinstance(source, list) and source.catalogue is None:  # a drawing without its sidecar yet
            print(f"motcua: no catalogue entry beside {path.name}: no documents, fees or statutory time "
                  f"(the appointment is the day of receipt)", file=sys.stderr)
            try:
                return load_definition(source.bpmn, source.path, known_topics=services.handlers.topics(),
                                       library=library), {}
            except DiagramRefused as exc:
                for problem in exc.problems:
                    print(problem)
                return 1
        validation = (None if isinstance(source, list)
                      else validate_source(source, services.handlers.topics(), library))
        problems = source if isinstance(source, list) else validation.problems if validation else []
        if problems or validation is None or validation.definition is None:
            for problem in problems:
                print(problem)
            return 1
        return validation.definition, dict(validation.catalogue.data) if validation.catalogue else {}
    filename, bpmn, published, library = published_diagram(services, operator(args, services), args.diagram)
    try:
        definition = load_definition(bpmn, filename, process_id=published.get("process_id"),
                                     known_topics=services.handlers.topics(), library=library)
    except DiagramRefused as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    return definition, published


def _library(args: argparse.Namespace, services: Any, bpmn: bytes) -> dict[str, tuple[str, bytes]]:
    """The published processes a file's call activities call, when it has any and the database can be read."""
    from sqlalchemy import exc as sa_exc

    from processes.definitions.versions import published_library
    from web.cli import operator

    if b"calledElement" not in bpmn:
        return {}
    try:
        return published_library(services, operator(args, services), bpmn)
    except (sa_exc.OperationalError, sa_exc.ProgrammingError):
        return {}


def _working_calendar(services: Any) -> Any:
    """The calendar with the administrators' days off when the database can be read, else the configured one."""
    from sqlalchemy import exc as sa_exc

    from engine.calendar import WorkCalendar

    try:
        with services.session_factory() as session:
            return services.calendar(session)
    except (sa_exc.OperationalError, sa_exc.ProgrammingError):
        print("motcua: the database cannot be read; the test-run uses the configured calendar without the "
              "administrators' days off", file=sys.stderr)
        return WorkCalendar.from_config(services.config["calendar"])


def cmd_simulate(args: argparse.Namespace) -> int:
    """Test-run a diagram in memory to an end event; exit 0 when it reached one, 1 when it stopped."""
    from processes.definitions.simulation import parse_decisions, simulate
    from web.cli import UsageError, _instant, cli_services

    try:
        decisions = parse_decisions(args.decide or [])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    services = cli_services()
    found = _simulation_source(args, services)
    if isinstance(found, int):
        return found
    definition, catalogue = found
    at = _instant(args.at) if args.at else services.clock.now()
    calendar = _working_calendar(services)
    if args.each:
        return _explore(definition, catalogue, calendar, services, at, args.json)
    result = simulate(definition, catalogue, calendar, services.handlers, at, decisions)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
        return 0 if result.ended else 1
    zone = calendar.timezone
    when = lambda instant: instant.astimezone(zone).strftime("%Y-%m-%d %H:%M %a")  # noqa: E731
    print(f"{definition.process_id} ({result.procedure_code or '-'}), test-run from {when(at)}")
    for step in result.steps:
        line = f"  {when(step.at)}  {step.kind:<8} {step.element_id}"
        if step.name and step.name != step.element_id:
            line += f" «{step.name}»"
        if step.values:
            line += "  " + ", ".join(f"{k}={v}" for k, v in step.values.items() if v not in ("", None))
        if step.due_at:
            line += f"  due {when(step.due_at)}"
        print(f"{line}  [{step.status_code} {step.status}]")
        for notice in step.notices:
            print(f"      notice: {notice}")
    if result.due_at:
        print(f"appointment (statutory due): {when(result.due_at)}")
    for key, values in result.unused_decisions.items():
        print(f"motcua: --decide {key}={','.join(values)} was never asked for", file=sys.stderr)
    if result.ended:
        print(f"reached end event {result.end_event}; status {result.status_code} {status_label(result.status_code)}")
        return 0
    print(f"stopped at {result.stopped_at}: {result.reason}; status {result.status_code} "
          f"{status_label(result.status_code)}")
    return 1


def _explore(definition: Any, catalogue: dict[str, Any], calendar: Any, services: Any, at: Any, as_json: bool) -> int:
    """One line per run: the default, then each other option of each choice field; exit 1 if any stopped."""
    from processes.definitions.simulation import explore

    runs = explore(definition, catalogue, calendar, services.handlers, at)
    if as_json:
        print(json.dumps([{"decide": d, **r.as_dict()} for d, r in runs], ensure_ascii=False))
    else:
        for decision, result in runs:
            how = (f"end event {result.end_event}" if result.ended
                   else f"STOPPED at {result.stopped_at}: {result.reason}")
            due = f", appointment {result.due_at.astimezone(calendar.timezone):%Y-%m-%d %H:%M}" if result.due_at else ""
            print(f"{decision or '(defaults)':<40} {how}; status {result.status_code} "
                  f"{status_label(result.status_code)}{due}; {len(result.steps)} steps")
    return 0 if all(r.ended for _, r in runs) else 1


def status_label(code: int) -> str:
    from processes.dossier.status import status_name

    return status_name(code)


def register(sub: Any) -> None:
    """Add these commands to the `motcua` parser."""
    from web.cli import add_operator

    p = sub.add_parser("versions", help="versions and publication history of a procedure")
    p.add_argument("procedure", metavar="PROCEDURE")
    p.add_argument("--json", action="store_true")
    add_operator(p, "looks at them")
    p.set_defaults(fn=cmd_versions)

    p = sub.add_parser("rollback", help="publish an earlier version of a procedure's diagram again")
    p.add_argument("procedure", metavar="PROCEDURE")
    p.add_argument("--to", type=int, required=True, metavar="VERSION")
    p.add_argument("--yes", action="store_true",
                   help="confirm: without it the command prints what changes and the running dossiers, and asks "
                        "at a terminal (elsewhere it stops, changing nothing)")
    add_operator(p, "rolls back")
    p.set_defaults(fn=cmd_rollback)

    p = sub.add_parser("migrate-dossiers", help="move running dossiers of a procedure to a version")
    p.add_argument("procedure", metavar="PROCEDURE")
    p.add_argument("--to", type=int, required=True, metavar="VERSION")
    p.add_argument("--dry-run", action="store_true", help="only say which dossiers can move, and why not")
    add_operator(p, "migrates")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_migrate_dossiers)

    p = sub.add_parser("simulate", help="test-run a diagram in memory to an end event (nothing is written)")
    p.add_argument("diagram", metavar="CODE|PATH",
                   help="a .bpmn file (with its .toml sidecar), a shipped procedure's code or file name, or "
                        "the code of a procedure published in the database")
    p.add_argument("--decide", action="append", metavar="KEY=VALUE",
                   help="a user task's value instead of its default: KEY is a form field (e.g. "
                        "reception_decision=refuse) or a user task's element id (its first choice field); each "
                        "value is used once, repeat the option for the next time the task comes round")
    p.add_argument("--at", metavar="ISO", help="the instant the dossier is received (default: now)")
    p.add_argument("--each", action="store_true",
                   help="run once with the defaults, then once per other option of every choice field, one line "
                        "each; exit 1 when any run stops before an end event")
    p.add_argument("--json", action="store_true")
    add_operator(p, "reads a published diagram (CODE only)")
    p.set_defaults(fn=cmd_simulate)
