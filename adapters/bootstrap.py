"""The one place that wires everything: database, engine, handlers, calendar, clock, ports."""
from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.attachments import AttachmentStore
from adapters.config import data_dir, database_url, load_config
from adapters.messaging import FileMailer, FileSms, Mailer, SmsGateway, SmtpMailer
from adapters.national_portal import NationalPortal
from adapters.payments import JsonPost, post_json
from adapters.phone import SmsBrandname, ZaloZns
from adapters.signing import SigningPort
from engine.calendar import WorkCalendar
from engine.clock import Clock, SystemClock
from engine.definitions import Definition, load_definition
from engine.runner import Runner
from engine.sandbox import Limits
from handlers.default import default_registry
from handlers.registry import HandlerRegistry
from models import CalendarOverride, Procedure, ProcessDefinition
from models.base import make_engine, make_session_factory

CALENDAR_TTL_SECONDS = 30.0  # other processes see an administrator's calendar edit within this


@dataclass
class Services:
    config: Mapping[str, Any]
    db: sa.Engine
    session_factory: so.sessionmaker[so.Session]
    clock: Clock
    runner: Runner
    handlers: HandlerRegistry
    attachments: AttachmentStore
    mailer: Mailer
    sms: SmsGateway
    signing: SigningPort
    zalo: SmsGateway | None = None  # off unless [zalo] transport is set
    national: NationalPortal | None = None  # off unless [national_portal] url is set
    # The payment gateways' merchant web APIs (query, refund): JSON over HTTPS; tests pass the simulator.
    payment_http: JsonPost = field(default=post_json)
    _definitions: dict[int, Definition] = field(default_factory=dict)
    _calendar: tuple[float, WorkCalendar] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def definition(self, session: so.Session, definition_id: int) -> Definition:
        """The parsed definition of a deployed version; parsed once per process."""
        found = self._definitions.get(definition_id)
        if found is None:
            found_row = session.execute(
                sa.select(ProcessDefinition, Procedure.process_id)
                .join(Procedure, Procedure.id == ProcessDefinition.procedure_id)
                .where(ProcessDefinition.id == definition_id)).first()
            if found_row is None:
                raise LookupError(f"process definition {definition_id} does not exist")
            row, process_id = found_row
            # The procedure names its process, so a file with several executable processes loads the
            # way it deployed; an older version whose process had another id is found on its own.
            wanted = process_id if f'id="{process_id}"'.encode() in row.bpmn else None
            library = {pid: (frozen["filename"], frozen["bpmn"].encode("utf-8"))
                       for pid, frozen in (row.called or {}).items()}  # the called processes frozen with it
            found = load_definition(row.bpmn, row.filename, process_id=wanted,
                                    known_topics=self.handlers.topics(), library=library)
            with self._lock:
                self._definitions[definition_id] = found
        return found

    def calendar(self, session: so.Session) -> WorkCalendar:
        """The working calendar with the administrators' overrides, cached briefly."""
        cached = self._calendar
        if cached is not None and time.monotonic() - cached[0] < CALENDAR_TTL_SECONDS:
            return cached[1]
        rows = session.scalars(sa.select(CalendarOverride)).all()
        calendar = WorkCalendar.from_config(
            self.config["calendar"],
            extra_days_off=[r.day for r in rows if r.kind == "day_off"],
            makeup_working_days=[r.day for r in rows if r.kind == "working_day"])
        self._calendar = (time.monotonic(), calendar)
        return calendar

    def forget_calendar(self) -> None:
        self._calendar = None


def bootstrap(config: Mapping[str, Any] | None = None, *, clock: Clock | None = None,
              mailer: Mailer | None = None, sms: SmsGateway | None = None,
              handlers: HandlerRegistry | None = None, zalo: SmsGateway | None = None,
              national: NationalPortal | None = None) -> Services:
    """Build the services from configuration; tests pass fakes for the clock and the ports."""
    config = config or load_config()
    url = database_url(config)
    var = data_dir(config)
    if url.startswith("sqlite:///"):
        var.mkdir(parents=True, exist_ok=True)
    db = make_engine(url)
    return Services(
        config=config, db=db, session_factory=make_session_factory(db),
        clock=clock or SystemClock(), runner=Runner(limits=Limits.from_config(config)),
        handlers=handlers or default_registry(),
        attachments=AttachmentStore(var / "attachments", int(config["storage"]["max_upload_bytes"])),
        mailer=mailer or make_mailer(config, var),
        sms=sms or make_sms(config, var),
        zalo=zalo or make_zalo(config, var),
        national=national or NationalPortal.from_config(config.get("national_portal", {})),
        signing=SigningPort(config),
    )


def make_mailer(config: Mapping[str, Any], var: Any) -> Mailer:
    """[mail] transport: "file" (demo: JSON lines under <data_dir>/outbox) or "smtp"."""
    mail = config.get("mail", {})
    transport = str(mail.get("transport") or "file")
    if transport == "smtp":
        return SmtpMailer.from_config(mail)
    if transport != "file":
        raise ValueError(f"[mail] transport must be smtp or file, not {transport!r}")
    return FileMailer(var / "outbox" / "mail.jsonl")


def make_sms(config: Mapping[str, Any], var: Any) -> SmsGateway:
    """[sms] transport: "file" (demo) or "http" (a brandname gateway)."""
    sms = config.get("sms", {})
    transport = str(sms.get("transport") or "file")
    if transport == "http":
        return SmsBrandname.from_config(sms, str(config.get("app", {}).get("base_url") or ""))
    if transport != "file":
        raise ValueError(f"[sms] transport must be http or file, not {transport!r}")
    return FileSms(var / "outbox" / "sms.jsonl")


def make_zalo(config: Mapping[str, Any], var: Any) -> SmsGateway | None:
    """[zalo] transport: "off", "file" (demo) or "http" (ZNS)."""
    zalo = config.get("zalo", {})
    transport = str(zalo.get("transport") or "off")
    if transport == "http":
        return ZaloZns.from_config(zalo, var)
    if transport == "file":
        return FileSms(var / "outbox" / "zalo.jsonl", subject="Zalo")
    if transport != "off":
        raise ValueError(f"[zalo] transport must be http, file or off, not {transport!r}")
    return None
