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
    from processes.definitions.versions import rollback
    from web.cli import cli_services, operator

    services = cli_services()
    outcome = rollback(services, operator(args, services), args.procedure, args.to)
    if outcome.changed:
        print(f"{outcome.procedure}: version {outcome.version} published again "
              f"(was version {outcome.previous_version})")
    else:
        print(f"{outcome.procedure}: version {outcome.version} is already published; nothing changed")
    return 0


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
    add_operator(p, "rolls back")
    p.set_defaults(fn=cmd_rollback)

    p = sub.add_parser("migrate-dossiers", help="move running dossiers of a procedure to a version")
    p.add_argument("procedure", metavar="PROCEDURE")
    p.add_argument("--to", type=int, required=True, metavar="VERSION")
    p.add_argument("--dry-run", action="store_true", help="only say which dossiers can move, and why not")
    add_operator(p, "migrates")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_migrate_dossiers)
