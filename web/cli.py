"""The `motcua` command line (../shared/CONTRACT.md). Never prints a Python traceback.

Commands that change or reveal data through a use case (deploy, versions, rollback,
migrate-dossiers) act as a named operator account: `--as USERNAME`, by default the configured
`[cli] operator` ("admin" in config.toml, an account the demo seed creates). The use case checks
that account's rights and writes it into the audit trail; an unknown or locked operator, or one
without the right, is refused with exit 1. `motcua init` deploys the shipped diagrams as the
machine account `system` (created there; a production database has no administrator yet). The
host-operator tools (`migrate`, `token`, `users list`, `users reset-2fa`, `maintenance purge`,
`audit verify`, `timers sweep`, `bench`, `calendar due`) run with the database credentials alone and
call no use case that needs an actor: whoever can run them can read the database already (the timers
and the resets of two-factor log-in act, and are audited, as `system`)."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exc as sa_exc

from adapters.bootstrap import Services, bootstrap
from adapters.config import ConfigError, InsecureConfig, check_secret_key, database_url, load_config
from adapters.signing import demo_pki_folder
from engine.calendar import CalendarError
from engine.problems import DiagramRefused
from processes.errors import Forbidden, Refused
from web import refusals

Command = Callable[[argparse.Namespace], int]
DEFAULT_OPERATOR = "admin"  # when the configuration has no [cli] operator


def cli_config() -> dict[str, Any]:
    """The configuration, refused when it would run production on the shipped secret key."""
    config = load_config()
    check_secret_key(config)
    return config


def cli_services() -> Services:
    return bootstrap(cli_config())


def operator(args: argparse.Namespace, services: Services) -> str:
    """The account a command acts as: `--as`, else the configured `[cli] operator`."""
    name = args.operator or str(services.config.get("cli", {}).get("operator") or DEFAULT_OPERATOR)
    args.acting_as = name  # for the refusal's hint in main()
    return name


def add_operator(parser: argparse.ArgumentParser, what: str) -> None:
    """`--as USERNAME` (and its former spelling `--actor`): who the command acts as."""
    parser.add_argument("--as", "--actor", dest="operator", metavar="USERNAME",
                        help=f"the operator account who {what} (its rights are checked and it is recorded "
                             f"in the audit trail); default: [cli] operator of the configuration")


def cmd_init(args: argparse.Namespace) -> int:
    """Migrate, seed the demo (when configured), deploy every diagram: what `make run` does first."""
    from adapters.config import PROJECT_ROOT
    from models.migrate import upgrade
    from processes.access import SYSTEM
    from processes.administration.demo import seed_demo
    from processes.administration.system_account import ensure_system_account
    from processes.definitions.deploy import deploy_paths

    config = cli_config()
    upgrade(database_url(config))
    services = bootstrap(config)
    if config["app"].get("demo"):
        print(f"demo data: {seed_demo(services)} rows added")
        from processes.signing import make_demo_pki

        if make_demo_pki(services):
            print(f"demo PKI written to {demo_pki_folder(config)} (docs/signatures.md)")
    if ensure_system_account(services):
        print(f"machine account '{SYSTEM}' created")
    # The machine account deploys: on a production database no administrator exists yet, and the
    # audit trail must not name a person who did not act.
    outcomes = deploy_paths(services, SYSTEM, [PROJECT_ROOT / "bpmn_diagrams"])
    for o in outcomes:
        for p in o.problems:
            print(p)
    print(f"deployed {sum(o.ok for o in outcomes)}/{len(outcomes)} diagrams "
          f"({sum(o.changed for o in outcomes)} changed)")
    return 0 if all(o.ok for o in outcomes) else 1


def cmd_pki_demo(args: argparse.Namespace) -> int:
    """The demo PKI under the data folder: made when absent, or anew with --fresh (demo mode only)."""
    from processes.signing import make_demo_pki

    config = cli_config()
    if not config["app"].get("demo"):
        print("motcua pki demo: [app] demo is off; a production site signs with its agencies' own "
              "certificates ([signing.agencies], docs/signatures.md)", file=sys.stderr)
        return 2
    made = make_demo_pki(cli_services(), fresh=args.fresh)
    folder = demo_pki_folder(config)
    print(f"demo PKI {'written to' if made else 'already in'} {folder}: root.pem (the trust anchor), "
          f"issuing-ca.pem, agencies/<e-code>.p12, citizen.p12, tsa.p12 (password \"demo\")")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from models.migrate import upgrade

    upgrade(database_url(cli_config()))
    print("database is at the newest schema")
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from processes.definitions.deploy import deploy_paths

    services = cli_services()
    outcomes = deploy_paths(services, operator(args, services), [Path(p) for p in args.paths],
                            dry_run=args.dry_run)
    for o in outcomes:
        for problem in o.problems:
            print(problem)
        for note in o.notes:
            print(f"note: {note}", file=sys.stderr)
        if o.ok and not args.dry_run:
            state = "deployed" if o.changed else "unchanged"
            print(f"{o.path}: {state} ({o.procedure_code} version {o.version})", file=sys.stderr)
        elif o.ok:
            print(f"{o.path}: ok ({o.procedure_code})", file=sys.stderr)
    if not outcomes:
        print("-:-: -: no .bpmn files given")
        return 1
    return 0 if all(o.ok for o in outcomes) else 1


def cmd_catalogue_import(args: argparse.Namespace) -> int:
    """Import the national procedure database's export (JSON or XLSX): report what changed against the
    published catalogue, propose the changed procedures (an administrator publishes), and write the
    sidecars of procedures not yet published into --drafts for an analyst to give them a diagram."""
    from processes.definitions.national_import import import_catalogue

    services = cli_services()
    path = Path(args.file)
    report = import_catalogue(services, operator(args, services), path.name, path.read_bytes())
    if args.drafts:
        out = Path(args.drafts)
        out.mkdir(parents=True, exist_ok=True)
        for entry in report:
            if entry.state == "new":
                (out / f"{entry.code}.toml").write_text(entry.sidecar, encoding="utf-8")
    if args.json:
        print(json.dumps([{"code": e.code, "name": e.name, "state": e.state, "changes": e.changes,
                           "proposal": e.proposal_id, "problems": e.problems} for e in report],
                         ensure_ascii=False, indent=2))
    else:
        for e in report:
            extra = f", proposal {e.proposal_id}" if e.proposal_id else ""
            print(f"{e.code or '-'} {e.state}{extra}: {e.name}")
            for change in e.changes:
                print(f"  {change['field']}: {_short(change['before'])} -> {_short(change['after'])}")
            for problem in e.problems:
                print(f"  problem: {problem}")
    return 1 if any(e.state == "invalid" for e in report) else 0


def cmd_national_status(args: argparse.Namespace) -> int:
    """What the national portal holds of a dossier, beside the local sync state."""
    from processes.notices.deliveries import national_look_up

    services = cli_services()
    found = national_look_up(services, operator(args, services), args.code)
    print(json.dumps(found, ensure_ascii=False, indent=2))
    return 0 if found["local"]["state"] in ("synchronised", "off") else 1


def cmd_notices_check(args: argparse.Namespace) -> int:
    """Check the administrators' edited notice templates: each problem on a line, exit 1 if any."""
    from processes.notices.templates import admin_dir, check

    folder = admin_dir(cli_config())
    files = sorted(folder.glob("*/*.txt")) if folder.is_dir() else []
    bad = 0
    for path in files:
        for problem in check(path.read_text(encoding="utf-8")):
            print(f"{path}: {problem}")
            bad += 1
    print(f"{len(files)} edited template(s) in {folder}, {bad} problem(s)", file=sys.stderr)
    return 1 if bad else 0


def _short(value: object, limit: int = 100) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit - 1] + "…"


def cmd_render(args: argparse.Namespace) -> int:
    from drawing.svg import render_svg

    path = Path(args.path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{path}:-: -: cannot read the file: {exc.strerror}")
        return 1
    try:
        svg = render_svg(data, str(path))
    except DiagramRefused as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    if args.out:
        Path(args.out).write_text(svg, encoding="utf-8")
    else:
        sys.stdout.write(svg)
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    """An operator bootstrap tool: a token for an existing active account, from the database directly
    (whoever runs it holds the database credentials). Never for the machine account."""
    from processes.access import SYSTEM
    from processes.people.users import get_user
    from processes.uow import UnitOfWork
    from web.auth import make_token

    services = cli_services()
    with UnitOfWork(services.session_factory) as uow:
        user = get_user(uow.session, args.username)
        username = user.username if user is not None and user.active else None
    if username is None:
        print(f"no active user named '{args.username}'", file=sys.stderr)
        return 1
    if username == SYSTEM:
        print(f"'{SYSTEM}' is the machine account: it acts only in `motcua init` and the timers; "
              f"no token is issued for it", file=sys.stderr)
        return 1
    print(make_token(services, username))
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    """An operator bootstrap tool: the first administrator of a production database (or any account
    the admin pages cannot make). Prints a one-time password, to be changed at first log-in."""
    from processes.administration.admin_users import create_first_account

    made = create_first_account(cli_services(), args.username, args.roles, args.email or "",
                                args.full_name or args.username, args.agency or "")
    print(f"created '{made['username']}' ({', '.join(made['roles'])}); its one-time password follows on "
          f"standard output: give it to its owner, who must change it at first log-in", file=sys.stderr)
    print(made["password"])
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    """An operator bootstrap tool: every account, read from the database directly."""
    from processes.people.users import list_users

    users = list_users(cli_services())
    if args.json:
        print(json.dumps(users, ensure_ascii=False))
    else:
        for u in users:
            print(f"{u['username']:<16} {','.join(u['roles']):<24} {u['agency'] or '-'}")
    return 0


def cmd_users_reset_2fa(args: argparse.Namespace) -> int:
    """An operator bootstrap tool: switch two-factor log-in off for an account whose owner lost the
    device (and its recovery codes); the owner logs in with the password and enrols again."""
    from processes.people.two_factor import operator_reset

    done = operator_reset(cli_services(), args.username)
    print(f"two-factor log-in of '{done['username']}' reset; {done['sessions_ended']} sessions and tokens "
          f"ended" + ("; an administrator must enrol again at the next log-in" if done["must_enrol"] else ""))
    return 0


def cmd_maintenance_purge(args: argparse.Namespace) -> int:
    """Delete what is kept only for a while: idempotency keys older than [idempotency] retention_hours
    (the timer sweep does it too, every ten minutes)."""
    from processes.idempotency import purge_expired

    print(f"{purge_expired(cli_services())} expired idempotency keys purged")
    return 0


def cmd_calendar_due(args: argparse.Namespace) -> int:
    from processes.uow import UnitOfWork

    start = _instant(args.start)
    services = cli_services()
    with UnitOfWork(services.session_factory) as uow:
        calendar = services.calendar(uow.session)
    if args.working_days is not None:
        due = calendar.add_working_days(start, args.working_days)
    else:
        due = calendar.add_working_hours(start, args.working_hours)
    print(due.isoformat())
    return 0


def cmd_timers_sweep(args: argparse.Namespace) -> int:
    from processes.outbox import dispatch_outbox
    from processes.reports.oversight import queue_annual_reminders
    from processes.timekeeping.timers import sweep_until_done

    services = cli_services()
    at = _instant(args.at) if args.at else None
    result = sweep_until_done(services, at=at)  # batch after batch: everything due by then fires
    queue_annual_reminders(services, at=at)  # the annual report's dates (R17.1), once each
    dispatch_outbox(services, now=at)
    print(result.fired)
    if result.failed:
        print(f"{result.failed} timers failed: retried later with backoff, or parked with an incident",
              file=sys.stderr)
    return 0


def cmd_payments_reconcile(args: argparse.Namespace) -> int:
    """Compare the gateway's records (querydr) with MotCua's for the attempts of a day; mismatches
    become incidents (kind payment.*). Prints the summary as JSON."""
    from processes.payments.reconcile import reconcile_payments

    services = cli_services()
    try:
        tz = ZoneInfo(str(services.config["calendar"]["timezone"]))
        day = date.fromisoformat(args.date) if args.date else services.clock.now().astimezone(tz).date()
    except ValueError:
        raise UsageError(f"--date: not a date (YYYY-MM-DD): {args.date}") from None
    summary = reconcile_payments(services, operator(args, services), day, args.days)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def cmd_outbox_archive(args: argparse.Namespace) -> int:
    """Move the bodies of messages sent more than `[outbox] archive_after_days` ago to the archive files."""
    from adapters.outbox_archive import archive_dir
    from processes.outbox import archive_sent

    services = cli_services()
    moved = archive_sent(services)
    print(f"{moved} sent message(s) archived in {archive_dir(services.config)}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Every chain, every dossier's sealed state, and the checkpoints in `[audit] checkpoint_dir`
    (signed with the key in `[audit] checkpoint_key_file`): names each dossier and event that broke."""
    from processes.audit import verify_all

    result = verify_all(cli_services())
    if result.ok:
        against = f", checkpoint {result.checkpoint}" if result.checkpoint else ""
        print(f"ok {result.count} events{against}")
        return 0
    where = f" at event {result.broken_seq}" if result.broken_seq is not None else ""
    print(f"broken{where}: {result.reason} ({result.count} events verified before it)")
    for problem in result.problems:
        print(f"  {problem}")
    return 1


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    """Sign every chain head now and write the checkpoint file the auditor keeps."""
    from adapters.audit_anchor import AnchorError, checkpoint_dir
    from processes.audit import make_checkpoint

    services = cli_services()
    try:
        doc = make_checkpoint(services)
    except AnchorError as exc:
        raise UsageError(str(exc)) from None
    print(f"{checkpoint_dir(services.config) / doc['file']} {doc['chains']} chains {doc['events']} events "
          f"root {doc['root']}")
    return 0


def cmd_tasks_list(args: argparse.Namespace) -> int:
    """The open tasks USERNAME may act on (as `GET /api/v1/tasks` lists them)."""
    from processes.desk.tasks import list_tasks

    listed = list_tasks(cli_services(), args.username)
    if args.json:
        print(json.dumps(listed, ensure_ascii=False))
    else:
        for task in listed:
            print(f"{task['id']}  {task['dossier']:<28} {task['step']:<12} {task['title']}")
    return 0


def cmd_tasks_complete(args: argparse.Namespace) -> int:
    """Complete a task as USERNAME: the same use case, and the same refusals, as the task page and
    `POST /api/v1/tasks/ID/complete` (a refusal prints its sentence and exits 1)."""
    from processes.desk.tasks import complete_task
    from processes.submission.submission import Upload
    from web import commands

    body = {"data": _json_option(args.data, "--data"), "checklist": _json_option(args.checklist, "--checklist"),
            "delivery": _json_option(args.delivery, "--delivery")}
    result = None
    if args.result_file:
        path = Path(args.result_file)
        try:
            result = Upload("result", path.name, path.read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    view = complete_task(cli_services(), args.username, commands.completion(args.task_id, body, result))
    print(json.dumps({"code": view["code"], "status_code": view["status_code"], "status": view["status"]},
                     ensure_ascii=False))
    return 0


def _json_option(text: str | None, option: str) -> object:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise UsageError(f"{option} is not valid JSON") from None


def cmd_bench(args: argparse.Namespace) -> int:
    from bench.options import from_args
    from bench.run import main as bench_main

    return bench_main(json_output=args.json, quick=args.quick, options=from_args(args))


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"'{text}' is not an ISO-8601 instant (e.g. 2026-03-02T08:00:00+07:00)") from None
    if value.tzinfo is None:
        raise UsageError(f"'{text}' has no UTC offset; add one (e.g. +07:00)")
    return value


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua", description="MotCua one-stop-shop case system")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="migrate, seed demo data, deploy bpmn_diagrams/").set_defaults(fn=cmd_init)
    sub.add_parser("migrate", help="bring the database to the newest schema").set_defaults(fn=cmd_migrate)
    pki = sub.add_parser("pki", help="signing keys").add_subparsers(dest="pki_command", required=True)
    p = pki.add_parser("demo", help="make the demo PKI under the data folder (root, CAs, identities)")
    p.add_argument("--fresh", action="store_true", help="replace an existing demo PKI")
    p.set_defaults(fn=cmd_pki_demo)

    p = sub.add_parser("deploy", help="validate and deploy BPMN diagrams")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--dry-run", action="store_true", help="validate only (analysts may)")
    add_operator(p, "deploys")
    p.set_defaults(fn=cmd_deploy)

    catalogue = sub.add_parser("catalogue").add_subparsers(dest="catalogue_command", required=True)
    p = catalogue.add_parser("import", help="import the national procedure database's export (JSON or XLSX): "
                                            "report the changes and propose them")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--drafts", metavar="DIR", help="write the sidecars of procedures not yet published here")
    p.add_argument("--json", action="store_true")
    add_operator(p, "proposes the changes")
    p.set_defaults(fn=cmd_catalogue_import)

    notices = sub.add_parser("notices").add_subparsers(dest="notices_command", required=True)
    p = notices.add_parser("check", help="check the administrators' edited notice templates")
    p.set_defaults(fn=cmd_notices_check)

    national = sub.add_parser("national").add_subparsers(dest="national_command", required=True)
    p = national.add_parser("status", help="a dossier's national portal sync state and the portal's record")
    p.add_argument("code")
    add_operator(p, "looks it up")
    p.set_defaults(fn=cmd_national_status)

    p = sub.add_parser("render", help="draw a BPMN file as SVG")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(fn=cmd_render)

    p = sub.add_parser("token", help="print a bearer token for a user")
    p.add_argument("username")
    p.set_defaults(fn=cmd_token)

    users = sub.add_parser("users").add_subparsers(dest="users_command", required=True)
    p = users.add_parser("create", help="create an account (the first administrator of a production database)")
    p.add_argument("username")
    p.add_argument("--role", dest="roles", action="append", required=True, metavar="ROLE",
                   help="admin, analyst, or an officer role with --agency (repeatable)")
    p.add_argument("--email", metavar="ADDRESS")
    p.add_argument("--full-name", metavar="NAME")
    p.add_argument("--agency", metavar="CODE", help="the agency of an officer role")
    p.set_defaults(fn=cmd_users_create)
    p = users.add_parser("list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_users_list)
    p = users.add_parser("reset-2fa", help="switch two-factor log-in off for an account (a lost device)")
    p.add_argument("username")
    p.set_defaults(fn=cmd_users_reset_2fa)

    maintenance = sub.add_parser("maintenance").add_subparsers(dest="maintenance_command", required=True)
    p = maintenance.add_parser("purge", help="delete expired idempotency keys")
    p.set_defaults(fn=cmd_maintenance_purge)

    cal = sub.add_parser("calendar").add_subparsers(dest="calendar_command", required=True)
    p = cal.add_parser("due", help="the due instant under the working calendar")
    p.add_argument("--from", dest="start", required=True, metavar="ISO")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--working-days", type=float)
    group.add_argument("--working-hours", type=float)
    p.set_defaults(fn=cmd_calendar_due)

    timers = sub.add_parser("timers").add_subparsers(dest="timers_command", required=True)
    p = timers.add_parser("sweep", help="fire every timer due by now (or --at)")
    p.add_argument("--at", metavar="ISO")
    p.set_defaults(fn=cmd_timers_sweep)

    payments = sub.add_parser("payments", help="fees paid online").add_subparsers(dest="payments_command",
                                                                                    required=True)
    p = payments.add_parser("reconcile", help="compare the gateway's records with MotCua's for a day (querydr); "
                                              "mismatches become incidents")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the local day whose attempts are checked (default today)")
    p.add_argument("--days", type=int, default=1, metavar="N", help="and the N-1 days before it (default 1)")
    add_operator(p, "reconciles")
    p.set_defaults(fn=cmd_payments_reconcile)

    outbox = sub.add_parser("outbox", help="messages waiting to leave, and sent").add_subparsers(
        dest="outbox_command", required=True)
    outbox.add_parser("archive", help="move sent messages' bodies to the archive files").set_defaults(
        fn=cmd_outbox_archive)

    audit = sub.add_parser("audit").add_subparsers(dest="audit_command", required=True)
    audit.add_parser("verify", help="check every chain, dossier state and checkpoint").set_defaults(
        fn=cmd_audit_verify)
    audit.add_parser("checkpoint", help="sign the chain heads into a checkpoint file").set_defaults(
        fn=cmd_audit_checkpoint)

    tasks = sub.add_parser("tasks", help="officers' tasks").add_subparsers(dest="tasks_command", required=True)
    p = tasks.add_parser("list", help="the open tasks a user may act on")
    p.add_argument("--as", dest="username", required=True, metavar="USERNAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_tasks_list)
    p = tasks.add_parser("complete", help="complete a task as a user (the task page's rules)")
    p.add_argument("task_id", metavar="TASK_ID")
    p.add_argument("--as", dest="username", required=True, metavar="USERNAME")
    p.add_argument("--data", required=True, metavar="JSON", help="the task form's values")
    p.add_argument("--checklist", metavar="JSON", help="intake: {document key: true when present and valid}")
    p.add_argument("--delivery", metavar="JSON", help="hand-over: recipient, identity, originals, signature...")
    p.add_argument("--result-file", metavar="PDF", help="online hand-over: the signed result")
    p.set_defaults(fn=cmd_tasks_complete)

    from web import cli_definitions

    cli_definitions.register(sub)

    p = sub.add_parser("bench", help="the performance benchmark (docs/performance.md)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true")
    from bench.options import add_arguments as bench_arguments  # light: no engine, no database

    bench_arguments(p)
    p.set_defaults(fn=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    fn: Command = args.fn
    try:
        return fn(args)
    except InsecureConfig as exc:  # refuse to run a production site insecurely: a failure, not a usage error
        print(f"motcua: {exc}", file=sys.stderr)
        return 1
    except (UsageError, CalendarError, ConfigError) as exc:
        print(f"motcua: {exc}", file=sys.stderr)
        return 2
    except Refused as exc:  # a use case said no (unknown procedure or version, …): its message is the answer
        print(f"motcua: {refusals.message_of(exc)}", file=sys.stderr)
        acting_as = getattr(args, "acting_as", None)
        if isinstance(exc, Forbidden) and acting_as:
            print(f"motcua: acting as operator '{acting_as}' (unknown, locked or without this right); "
                  f"name another account with --as USERNAME or set [cli] operator in the configuration",
                  file=sys.stderr)
        return 1
    except (sa_exc.OperationalError, sa_exc.ProgrammingError) as exc:  # no database, or not migrated
        print(f"motcua: the database cannot be read ({type(exc.orig or exc).__name__}); run `motcua migrate` "
              f"(or `motcua init`) and check [database] url", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for a user; the one line says what failed
        print(f"motcua: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())


