"""What is sent, to whom and how: every notice of a dossier goes to its applicant on the channels the
applicant chose (`users.notice_channels`, else `[notices] default_channels`; Zalo only while the
applicant's consent to it stands, processes.people.consent), in the applicant's language, rendered from
the editable templates, through the outbox. The outbox key names the dossier, its version and the
notice, so one event is never queued (hence never sent) twice."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy.orm as so

from adapters.bootstrap import Services
from handlers.texts import fmt_instant
from models import Dossier, OutboxMessage, Procedure, User
from processes.dossier.status import status_name
from processes.notices.channels import CHANNELS, channels_of
from processes.notices.templates import render
from processes.people import consent

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
__all__ = ["CHANNELS", "channels_of", "queue_notice"]


def _when(value: datetime | None, language: str) -> str:
    if language == "vi":
        return fmt_instant(value)
    return value.astimezone(LOCAL).strftime("%H:%M, %d/%m/%Y") if value else "—"


def queue_notice(services: Services, session: so.Session, dossier: Dossier, procedure: Procedure,
                 applicant: User | None, event: str, title: str, detail: str, key: str, now: datetime) -> int:
    """Queue one notice to the applicant on each of their channels; how many messages were queued. An
    applicant without an account (a counter or postal dossier, issue 12) gets it by SMS, in Vietnamese,
    at the phone given at the desk."""
    if applicant is None and not dossier.applicant_phone:
        return 0
    language = "vi" if applicant is None or applicant.notice_language not in ("vi", "en") else applicant.notice_language
    base = str(services.config.get("app", {}).get("base_url") or "").rstrip("/")
    fields = {"code": dossier.code, "procedure": procedure.name, "applicant": dossier.applicant_name,
              "title": title, "detail": detail, "at": _when(now, language), "due": _when(dossier.due_at, language),
              "link": f"{base}/track?code={dossier.code}", "status": status_name(dossier.status_code)}
    text = render(services.config, language, event, fields)
    phone = (applicant.phone if applicant is not None else None) or dossier.applicant_phone
    queued = 0
    for channel in channels_of(services.config, applicant) if applicant is not None else ["sms"]:
        if channel == "email" and applicant is not None and applicant.email:
            row = (applicant.email, text.subject, text.body, f"mail:{key}")
        elif channel == "sms" and phone:
            row = (phone, text.subject, text.sms, f"sms:{key}")
        elif channel == "zalo" and phone and services.zalo is not None and applicant is not None and consent.granted(
                session, applicant.id, consent.ZALO_NOTICES):  # Decree 13 Art. 11: a third party, by consent only
            data = {"code": dossier.code, "procedure": procedure.name[:100], "due": fields["due"],
                    "status": fields["status"]}
            row = (phone, text.subject, json.dumps({"text": text.sms, "data": data}, ensure_ascii=False),
                   f"zalo:{key}")
        else:
            continue
        session.add(OutboxMessage(key=row[3], channel=channel, recipient=row[0], subject=row[1][:300], body=row[2],
                                  event=event, dossier_id=dossier.id, created_at=now, next_attempt_at=now))
        queued += 1
    return queued
