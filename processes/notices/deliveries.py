"""Delivery states: each notice of a dossier (queued, sent, delivered, failed), the providers' delivery
reports, and whether the dossier is in step with the national portal (synchronised, behind, failing)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from adapters.messaging import DeliveryError
from engine.clock import iso
from models import Dossier, Incident, OutboxMessage
from processes import audit
from processes.access import acting_user, is_officer
from processes.dossier.dossiers import load_visible
from processes.errors import Forbidden, Invalid, Unprocessable
from processes.notices.channels import CHANNELS, channels_of
from processes.notices.templates import LANGUAGES
from processes.people import consent
from processes.uow import UnitOfWork

STATES = {"pending": "queued", "sent": "sent", "delivered": "delivered", "failed": "failed"}



def sync_state(services: Services, s: so.Session, dossier_id: int) -> dict[str, Any]:
    """off | synchronised | behind (steps wait their turn) | failing (the portal did not take a step)."""
    rows = s.scalars(sa.select(OutboxMessage).where(OutboxMessage.dossier_id == dossier_id,
                                                    OutboxMessage.channel == "national")
                     .order_by(OutboxMessage.id)).all()
    on = bool(str(services.config.get("national_portal", {}).get("url") or ""))
    waiting = [r for r in rows if r.status != "sent"]
    if not rows:
        state = "behind" if on else "off"  # on, but nothing of it was ever queued (it predates the sync)
    elif not waiting:
        state = "synchronised"
    else:
        state = "failing" if any(r.attempts > 0 for r in waiting) else "behind"
    sent = [r for r in rows if r.status == "sent"]
    return {"state": state, "sent": len(sent), "waiting": len(waiting),
            "last_sent_at": iso(max((r.sent_at for r in sent if r.sent_at), default=None)),
            "last_error": next((r.last_error for r in waiting if r.last_error), None)}


def dossier_deliveries(services: Services, username: str, code: str) -> dict[str, Any]:
    """The notices of a dossier and their delivery states (its applicant and its officers see them);
    for officers also the national portal sync state."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        dossier, _ = load_visible(s, username, code)
        rows = s.scalars(sa.select(OutboxMessage).where(OutboxMessage.dossier_id == dossier.id,
                                                        OutboxMessage.channel.in_(CHANNELS),
                                                        OutboxMessage.event.is_not(None))
                         .order_by(OutboxMessage.id)).all()
        messages = [{"channel": r.channel, "recipient": r.recipient, "subject": r.subject, "event": r.event,
                     "language": "en" if r.subject.isascii() else "vi",  # as it was sent
                     "state": STATES.get(r.status, r.status), "attempts": r.attempts, "queued_at": iso(r.created_at),
                     "sent_at": iso(r.sent_at), "delivered_at": iso(r.delivered_at)} for r in rows]
        officer = is_officer(user) or user.has_role("admin")
        return {"code": dossier.code, "messages": messages,
                "national": sync_state(services, s, dossier.id) if officer else None}


def national_look_up(services: Services, username: str, code: str) -> dict[str, Any]:
    """Ask the national portal what it holds of a dossier (TraCuuHoSo) beside the local sync state:
    officers of the dossier and administrators."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        dossier, _ = load_visible(s, username, code)
        if not (is_officer(user) or user.has_role("admin")):
            raise Forbidden("national.officers_only")
        local = sync_state(services, s, dossier.id)
        status = dossier.status_code
    if services.national is None:
        return {"code": code, "local": local, "portal": None, "agrees": None}
    try:
        portal = services.national.look_up(code)
    except DeliveryError as exc:
        raise Unprocessable("national.unreachable", problem=str(exc)[:200]) from None
    agrees = portal is not None and str(portal.get("TrangThaiHoSo")) == str(status)
    return {"code": code, "local": local, "portal": portal, "agrees": agrees}


def record_delivery_report(services: Services, channel: str, raw: bytes, headers: Mapping[str, str]) -> bool:
    """A provider's delivery report (SMS gateway or Zalo webhook): the message becomes delivered, or
    failed with an incident. False when the report is not genuine or names no message of ours."""
    port = services.sms if channel == "sms" else services.zalo if channel == "zalo" else None
    read = getattr(port, "report", None)
    found = read(raw, headers) if read is not None else None
    if found is None:
        return False
    ref, state = found
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        msg = s.scalar(sa.select(OutboxMessage).where(OutboxMessage.channel == channel,
                                                      OutboxMessage.provider_ref == ref))
        if msg is None:
            return False
        now = services.clock.now()
        if state == "delivered" and msg.status != "delivered":
            msg.status, msg.delivered_at = "delivered", now
        elif state == "failed" and msg.status not in ("failed", "delivered"):
            msg.status = "failed"
            s.add(Incident(at=now, dossier_id=msg.dossier_id, kind="outbox.failed",
                           message=f"{channel} to {msg.recipient} ({msg.key}): the provider reported it undelivered"))
        uow.commit()
    return True


def notice_preferences(services: Services, username: str) -> dict[str, Any]:
    """The acting user's channels and language for notices (Zalo only while consented to)."""
    with UnitOfWork(services.session_factory) as uow:
        user = acting_user(uow.session, username)
        zalo = consent.granted(uow.session, user.id, consent.ZALO_NOTICES)
        return {"channels": [c for c in channels_of(services.config, user) if c != "zalo" or zalo],
                "language": user.notice_language or "vi",
                "available": [c for c in CHANNELS if c != "zalo" or services.zalo is not None],
                "email": user.email, "phone": user.phone}


def set_notice_preferences(services: Services, username: str, channels: list[str], language: str) -> dict[str, Any]:
    """Each user chooses for themselves how notices reach them (none: only the dossier page). Zalo is a
    third party: ticking it is the person's consent to `zalo_notices`, unticking it withdraws that
    consent (processes.people.consent; the box states what goes to Zalo)."""
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise Invalid("notices.channel_unknown", "channels", channel=unknown[0])
    if language not in LANGUAGES:
        raise Invalid("notices.language_unknown", "language")
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        now = services.clock.now()
        zalo = "zalo" in channels
        if zalo or consent.granted(s, user.id, consent.ZALO_NOTICES):  # a change of mind, or a first yes
            consent.record(s, services.config, user, consent.ZALO_NOTICES,
                           consent.GRANTED if zalo else consent.WITHDRAWN, "preferences", now, user.username)
        user.notice_channels = [c for c in CHANNELS if c in channels]
        user.notice_language = language
        audit.append(s, at=now, actor=user.username, kind="notice_preferences_changed",
                     detail={"channels": user.notice_channels, "language": language})
        uow.commit()
    return notice_preferences(services, username)


def national_backlog(services: Services, username: str) -> dict[str, Any]:
    """Administrators: dossiers not yet in step with the national portal, failing first."""
    from processes.access import authorise, may_resolve_incident

    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_resolve_incident)
        rows = s.execute(sa.select(Dossier.code, sa.func.count(), sa.func.max(OutboxMessage.attempts),
                                   sa.func.min(OutboxMessage.created_at))
                         .join(Dossier, Dossier.id == OutboxMessage.dossier_id)
                         .where(OutboxMessage.channel == "national", OutboxMessage.status != "sent")
                         .group_by(Dossier.code)).all()
        dossiers = sorted(({"code": code, "state": "failing" if tries else "behind", "waiting": n,
                            "since": iso(since)} for code, n, tries, since in rows),
                          key=lambda d: (d["state"] != "failing", d["since"] or ""))
        return {"on": services.national is not None, "dossiers": dossiers}
