"""Consent records under Decree 13/2023/NĐ-CP on personal data protection (issue 18).

The purposes MotCua processes personal data for, each with the statement the person reads, who receives
the data, its legal basis and whether the person may refuse it:
- `processing`: the competent agency handles the dossier (Art. 17: a state agency's duty under law, no
  consent needed) — the person is told, and that is recorded ("acknowledged") at registration and with
  every dossier submitted; it cannot be withdrawn;
- `zalo_notices`: notices through Zalo, a third party (Art. 11: explicit consent, never silence or an
  unticked box; Art. 12: withdrawn at any time) — `processes.notices.sending` queues a Zalo message only
  while it is granted;
- `profile_prefill`: the identity number and address kept on the account to prefill forms (Art. 11, 12)
  — withdrawing it erases both from the account.

Records are append-only (`models.ConsentRecord`, database triggers); the current state of a purpose is
its latest record. Each record keeps the version of the statement it was made under (a hash of what was
shown), so a changed statement is a new version and an old consent is seen to be for the old text.
Every change is also an audit event (`privacy_notice_given`, `consent_given`, `consent_withdrawn`)."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import ConsentRecord, Dossier, User
from processes import audit
from processes.access import acting_user
from processes.errors import Invalid, Reason
from processes.notices.channels import CHANNELS, channels_of
from processes.texts import N_
from processes.uow import UnitOfWork

PROCESSING, ZALO_NOTICES, PROFILE_PREFILL = "processing", "zalo_notices", "profile_prefill"
ACKNOWLEDGED, GRANTED, WITHDRAWN = "acknowledged", "granted", "withdrawn"
CHOICES = (GRANTED, WITHDRAWN)  # what a person may decide about an optional purpose
PREFILLED = ("identity_number", "address")  # the account's fields `profile_prefill` covers


@dataclass(frozen=True)
class Purpose:
    """One purpose of processing, as the person reads it (Vietnamese source texts, translated by web/)."""

    key: str
    title: str
    statement: str
    recipients: str
    legal_basis: str
    optional: bool

    @property
    def version(self) -> str:
        """A short hash of what the person is shown: a changed statement is a new version."""
        shown = "\n".join((self.title, self.statement, self.recipients, self.legal_basis))
        return hashlib.sha256(shown.encode("utf-8")).hexdigest()[:12]


PURPOSES: dict[str, Purpose] = {p.key: p for p in (
    Purpose(PROCESSING, N_("Giải quyết hồ sơ thủ tục hành chính"),
            N_("Cơ quan có thẩm quyền xử lý thông tin bạn kê khai và giấy tờ bạn gửi (họ tên, số định danh cá "
               "nhân, số điện thoại, thư điện tử, địa chỉ, nội dung tờ khai) để tiếp nhận, giải quyết hồ sơ, "
               "trả kết quả và báo cho bạn tiến độ; trạng thái hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc "
               "gia. Việc xử lý này là nhiệm vụ của cơ quan theo quy định của pháp luật, không cần sự đồng ý "
               "của bạn và không thể rút lại; dữ liệu được lưu theo thời hạn lưu trữ hồ sơ. Bạn có quyền xem "
               "và tải về toàn bộ dữ liệu cơ quan đang lưu về bạn."),
            N_("Cơ quan giải quyết hồ sơ và cơ quan phối hợp; Cổng Dịch vụ công quốc gia"),
            N_("Nghị định 13/2023/NĐ-CP, Điều 17: cơ quan nhà nước xử lý dữ liệu cá nhân để thực hiện nhiệm vụ "
               "theo quy định của pháp luật"),
            optional=False),
    Purpose(ZALO_NOTICES, N_("Nhận thông báo về hồ sơ qua Zalo"),
            N_("Gửi thông báo về hồ sơ của bạn qua Zalo, một nền tảng của bên thứ ba: số điện thoại, mã hồ sơ, "
               "tên thủ tục và trạng thái hồ sơ được chuyển cho Zalo để gửi tin. Không bắt buộc: không đồng ý "
               "thì bạn vẫn nhận thông báo qua thư điện tử, SMS và trang hồ sơ. Bạn rút lại sự đồng ý bất cứ "
               "lúc nào; từ đó không tin nào được gửi qua Zalo nữa."),
            N_("Zalo (Công ty Cổ phần VNG), đơn vị cung cấp dịch vụ gửi tin"),
            N_("Nghị định 13/2023/NĐ-CP, Điều 11: sự đồng ý rõ ràng của bạn; Điều 12: rút lại bất cứ lúc nào"),
            optional=True),
    Purpose(PROFILE_PREFILL, N_("Lưu số định danh và địa chỉ để điền sẵn tờ khai"),
            N_("Lưu số định danh cá nhân (CCCD) và địa chỉ của bạn trên tài khoản để điền sẵn vào tờ khai khi "
               "bạn bắt đầu một hồ sơ mới. Không bắt buộc. Khi bạn rút lại sự đồng ý, hai thông tin này bị xóa "
               "khỏi tài khoản; các hồ sơ đã nộp vẫn giữ những gì đã kê khai trong đó."),
            N_("Không gửi cho ai: chỉ dùng để điền sẵn tờ khai của chính bạn"),
            N_("Nghị định 13/2023/NĐ-CP, Điều 11: sự đồng ý rõ ràng của bạn; Điều 12: rút lại bất cứ lúc nào"),
            optional=True),
)}
OPTIONAL = tuple(k for k, p in PURPOSES.items() if p.optional)

# What a person without an account (a walk-in at the counter, a dossier by post) is told about
# `processing`, on paper: read out or shown at the counter and printed on the receipt (form 01). Its
# version is recorded with the dossier, as an account's notice is.
PAPER_NOTICE = N_("Dữ liệu cá nhân trong hồ sơ được xử lý để giải quyết hồ sơ, trả kết quả và đồng bộ lên Cổng Dịch "
                  "vụ công quốc gia theo Nghị định 13/2023/NĐ-CP, Điều 17 (không cần sự đồng ý), lưu theo thời hạn "
                  "lưu trữ hồ sơ; ông/bà có quyền xem và nhận bản sao.")
PAPER_DOORS = ("counter", "post")


def paper_notice_version() -> str:
    """A short hash of the paper notice, as a purpose's version is of what it shows."""
    return hashlib.sha256(PAPER_NOTICE.encode("utf-8")).hexdigest()[:12]


# -- the rules (no database) ---------------------------------------------------------------------------
def choice_refusal(key: str, decision: str, field: str = "purpose") -> Reason | None:
    """What is wrong with a person's decision about a purpose (None: nothing): only an optional purpose
    is granted or withdrawn (processing by law is neither: the person is told, and cannot take it back).
    The refusal names the purpose by its title, as the person read it, and by its key."""
    purpose = PURPOSES.get(key)
    if purpose is None:
        return Reason("consent.purpose_unknown", field, {"purpose": str(key)[:40]})
    if decision not in CHOICES:
        return Reason("consent.decision_unknown", "decision", {"decision": str(decision)[:20]})
    if not purpose.optional:
        return Reason("consent.not_withdrawable" if decision == WITHDRAWN else "consent.not_needed", field,
                      {"purpose": key, "purpose_title": purpose.title})
    return None


def check_choice(key: str, decision: str) -> Purpose:
    """A person's decision about a purpose, checked (`choice_refusal`): the purpose, or Invalid."""
    refusal = choice_refusal(key, decision)
    if refusal is not None:
        raise Invalid.many([refusal])
    return PURPOSES[key]


def current_states(records: Iterable[Mapping[str, Any]]) -> dict[str, str | None]:
    """Each purpose's current decision: its latest record (records given oldest first, as `history`
    lists them); None without any."""
    states: dict[str, str | None] = dict.fromkeys(PURPOSES)
    for r in records:
        if r["purpose"] in states:
            states[r["purpose"]] = r["decision"]
    return states


def is_granted(state: str | None) -> bool:
    """Only an explicit "granted" is consent (Art. 11: silence, an unticked box or no record is not)."""
    return state == GRANTED


def is_news(latest: tuple[str, str] | None, decision: str, version: str) -> bool:
    """Whether a decision adds anything to the latest (decision, version): a repeat of the same decision
    on the same statement is not recorded again."""
    return latest != (decision, version)


def with_zalo(channels: list[str], on: bool) -> list[str]:
    """The notice channels with Zalo added or taken out (in the order of CHANNELS)."""
    return [c for c in CHANNELS if (c in channels and c != "zalo") or (c == "zalo" and on)]


# -- inside a use case's transaction -----------------------------------------------------------------
def latest(s: so.Session, user_id: int, key: str) -> ConsentRecord | None:
    return s.scalar(sa.select(ConsentRecord).where(ConsentRecord.user_id == user_id, ConsentRecord.purpose == key)
                    .order_by(ConsentRecord.id.desc()).limit(1))


def granted(s: so.Session, user_id: int, key: str) -> bool:
    """Whether the person's current decision about `key` is consent."""
    row = latest(s, user_id, key)
    return row is not None and is_granted(row.decision)


def record(s: so.Session, config: Mapping[str, Any], user: User, key: str, decision: str, door: str,
           at: datetime, actor: str, dossier_id: int | None = None) -> ConsentRecord | None:
    """Append one decision and its audit event, and make it take effect on the account (Zalo in or out of
    the notice channels; the prefilled fields erased on withdrawal). Nothing new (the same decision on the
    same statement) records nothing, except a notice given with a dossier, which each dossier has."""
    purpose = PURPOSES[key]
    if dossier_id is None:  # (a dossier's notice is always new: no need to read the latest record)
        before = latest(s, user.id, key)
        if not is_news((before.decision, before.policy_version) if before else None, decision, purpose.version):
            return None
    row = ConsentRecord(user_id=user.id, purpose=key, decision=decision, at=at, door=door,
                        policy_version=purpose.version, dossier_id=dossier_id, actor=actor)
    s.add(row)
    detail: dict[str, Any] = {"user": user.username, "purpose": key, "decision": decision, "door": door,
                              "policy_version": purpose.version}
    if key == ZALO_NOTICES:
        user.notice_channels = with_zalo(channels_of(config, user), decision == GRANTED)
    erased = [f for f in PREFILLED if getattr(user, f)] if key == PROFILE_PREFILL and decision == WITHDRAWN else []
    for field in erased:
        setattr(user, field, None)
    if erased:
        detail["erased"] = erased
    kind = {ACKNOWLEDGED: "privacy_notice_given", GRANTED: "consent_given"}.get(decision, "consent_withdrawn")
    audit.append(s, at=at, actor=actor, kind=kind, detail=detail, dossier_id=dossier_id)
    return row


def notice_on_paper(s: so.Session, dossier_id: int, door: str, at: datetime, actor: str) -> None:
    """Record, in the dossier's chain, that a person without an account was told of `processing` on
    paper (`door`: counter or post; `actor`: the officer who registered the dossier). No consent record:
    there is no account to keep it on; the event names the notice's version."""
    if door not in PAPER_DOORS:
        raise ValueError(f"a paper notice is given at the counter or by post, not {door!r}")
    audit.append(s, at=at, actor=actor, kind="privacy_notice_given", dossier_id=dossier_id,
                 detail={"purpose": PROCESSING, "decision": ACKNOWLEDGED, "door": door, "on_paper": True,
                         "policy_version": paper_notice_version()})


def history(s: so.Session, user_id: int) -> list[dict[str, Any]]:
    """Every record of the person, oldest first, JSON-ready (the dossier named by its code)."""
    rows = s.execute(sa.select(ConsentRecord, Dossier.code).outerjoin(Dossier, Dossier.id == ConsentRecord.dossier_id)
                     .where(ConsentRecord.user_id == user_id).order_by(ConsentRecord.id)).all()
    return [{"purpose": r.purpose, "decision": r.decision, "at": r.at.isoformat(), "door": r.door,
             "policy_version": r.policy_version, "dossier": code, "actor": r.actor} for r, code in rows]


# -- the use cases -------------------------------------------------------------------------------------
def my_consents(services: Services, username: str) -> dict[str, Any]:
    """The caller's own purposes with their current state, and the full history of their decisions."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        past = history(s, user.id)
    states = current_states(past)
    last = {h["purpose"]: h for h in past}
    return {"purposes": [{
        "purpose": p.key, "title": p.title, "statement": p.statement, "recipients": p.recipients,
        "legal_basis": p.legal_basis, "optional": p.optional, "policy_version": p.version,
        "state": states[p.key],
        "since": last[p.key]["at"] if p.key in last else None,
        "current_version": p.key not in last or last[p.key]["policy_version"] == p.version}
        for p in PURPOSES.values()], "history": past}


def decide_consent(services: Services, username: str, purpose: str, decision: str, door: str) -> dict[str, Any]:
    """The caller grants or withdraws an optional purpose (`door`: privacy page, api); answers like
    `my_consents`. Withdrawing takes effect at once (Art. 12): Zalo leaves the notice channels, the
    prefilled identity number and address are erased."""
    check_choice(purpose, decision)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        record(s, services.config, user, purpose, decision, door, services.clock.now(), user.username)
        uow.commit()
    return my_consents(services, username)

