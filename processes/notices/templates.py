"""Notice templates: one file per event and language, editable by an administrator.

A template is `<dir>/<language>/<event>.txt`: a `Subject:` line, an `SMS:` line (also the Zalo text),
a blank line, then the e-mail body. `$name` placeholders (string.Template) are filled with the fields
of FIELDS. The administrator's folder (`[notices] templates_dir`, default <data_dir>/templates/notices)
is read first; a file missing there comes from the defaults shipped in processes/notices/templates/."""
from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.config import data_dir

SHIPPED = Path(__file__).resolve().parent / "templates"
LANGUAGES = ("vi", "en")
# What happened -> the notice sent about it (docs/operations.md lists them).
EVENTS = ("submitted", "receipt", "supplement", "refusal", "apology", "payment", "payment_confirmed",
          "result_ready", "handed_over", "notice")
FIELDS = ("code", "procedure", "applicant", "title", "detail", "at", "due", "link", "status")
FORM_EVENTS = {"01": "receipt", "02": "supplement", "03": "refusal", "04": "apology"}
TOPIC_EVENTS = {"accept_dossier": "receipt", "request_supplement": "supplement", "refuse_dossier": "refusal",
                "issue_apology": "apology", "request_payment": "payment", "payment_confirmed": "payment_confirmed",
                "finish_processing": "result_ready", "deliver_result": "handed_over"}


@dataclass(frozen=True)
class Rendered:
    subject: str
    sms: str
    body: str


def event_of(form_no: str | None, topic: str) -> str:
    return FORM_EVENTS.get(form_no or "") or TOPIC_EVENTS.get(topic) or "notice"


def admin_dir(config: Mapping[str, Any]) -> Path:
    configured = str(config.get("notices", {}).get("templates_dir") or "")
    return Path(configured) if configured else data_dir(config) / "templates" / "notices"


def template_text(config: Mapping[str, Any], language: str, event: str) -> str:
    language = language if language in LANGUAGES else "vi"
    for folder in (admin_dir(config), SHIPPED):
        for lang, name in ((language, event), (language, "notice"), ("vi", event), ("vi", "notice")):
            path = folder / lang / f"{name}.txt"
            try:
                return _read(path, path.stat().st_mtime_ns)
            except (FileNotFoundError, NotADirectoryError):
                continue
    raise LookupError(f"no notice template for {event}")  # the shipped ones always exist


@functools.lru_cache(maxsize=256)
def _read(path: Path, mtime_ns: int) -> str:
    """A template's text, read again when the file changes (an administrator's edit takes effect at once)."""
    return path.read_text(encoding="utf-8")


def parse(text: str) -> tuple[str, str, str]:
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    subject = sms = ""
    for line in head.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "subject":
            subject = value.strip()
        elif name.strip().lower() == "sms":
            sms = value.strip()
    return subject, sms, body.strip() + "\n"


def render(config: Mapping[str, Any], language: str, event: str, fields: Mapping[str, str]) -> Rendered:
    subject, sms, body = parse(template_text(config, language, event))
    values = {name: str(fields.get(name, "")) for name in FIELDS}
    fill = lambda t: string.Template(t).safe_substitute(values)  # noqa: E731
    return Rendered(subject=fill(subject) or values["title"], sms=fill(sms), body=fill(body))


def check(text: str) -> list[str]:
    """What is wrong with an edited template (for the administrator): missing parts, unknown fields."""
    problems = []
    subject, sms, body = parse(text)
    if not subject:
        problems.append("Subject")
    if not sms:
        problems.append("SMS")
    for part in (subject, sms, body):
        for match in string.Template.pattern.finditer(part):
            name = match.group("named") or match.group("braced")
            if name and name not in FIELDS:
                problems.append(f"${name}")
    return problems
