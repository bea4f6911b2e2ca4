"""JSON bodies (the API's, the CLI's options) parsed into the use cases' commands. Only shapes and
types are checked here; every rule is the use case's, so each door gets the same answer."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from processes.desk.steps import Delivery
from processes.desk.tasks import Completion
from processes.errors import Invalid, Reason, collect
from processes.submission.submission import LOCAL, Applicant, DeskIntake, Submission, Upload

DELIVERY_TEXTS = ("recipient_name", "identity_document", "tracking_number", "fee_waiver_reason")
DELIVERY_FLAGS = ("identity_checked", "originals_compared", "applicant_signed")


def completion(task_id: str, body: Mapping[str, Any], result_file: Upload | None = None) -> Completion:
    """`{"data": {...}, "checklist": {key: bool}, "delivery": {...}}` (and the signed result file of
    an online hand-over, sent beside it) as the completion command."""
    data = _object(body, "data") or {}
    checklist = _object(body, "checklist")
    if checklist is not None:
        collect([Reason("must_be_boolean", f"checklist.{k}") for k, v in checklist.items()
                 if not isinstance(v, bool)])
    raw = _object(body, "delivery")
    delivery = None
    if raw is not None or result_file is not None:
        raw = raw or {}
        collect([Reason("must_be_text", f"delivery.{k}") for k in DELIVERY_TEXTS
                 if k in raw and not isinstance(raw[k], str)]
                + [Reason("must_be_boolean", f"delivery.{k}") for k in DELIVERY_FLAGS
                   if k in raw and not isinstance(raw[k], bool)]
                + [Reason("unknown_field", f"delivery.{k}") for k in raw
                   if k not in DELIVERY_TEXTS + DELIVERY_FLAGS])
        delivery = Delivery(**{k: raw[k] for k in DELIVERY_TEXTS + DELIVERY_FLAGS if k in raw},
                            result_file=result_file)
    return Completion(task_id, data, checklist, delivery)


def submission(body: Mapping[str, Any], uploads: list[Upload]) -> Submission:
    """`{"procedure", "form", "channel"?, "agency"?, "postal_address"?, "declaration"}` as the submission
    command."""
    procedure = body.get("procedure")
    if not isinstance(procedure, str) or not procedure.strip():
        raise Invalid("must_be_text", "procedure")
    for key in ("channel", "agency", "postal_address"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise Invalid("must_be_text", key)
    return Submission(procedure=procedure, form=_object(body, "form") or {}, channel=body.get("channel"),
                      agency=body.get("agency"), uploads=uploads, declaration=body.get("declaration") is True,
                      postal_address=body.get("postal_address"))


APPLICANT_TEXTS = ("id_number", "name", "phone", "address")


def desk_intake(body: Mapping[str, Any]) -> tuple[DeskIntake, bool, dict[str, bool] | None]:
    """A counter or postal intake: `{"received_via": "counter" | "post", "applicant": {"id_number",
    "name", "phone", "address"?}, "papers_seen"?: [key], "arrived_at"?: ISO date or instant (post),
    "sender"?: text (post), "accept"?: bool, "checklist"?: {key: bool}}` beside the submission's fields."""
    via = body.get("received_via")
    if not isinstance(via, str):
        raise Invalid("must_be_text", "received_via")
    who = _object(body, "applicant") or {}
    collect([Reason("must_be_text", f"applicant.{k}") for k in APPLICANT_TEXTS
             if k in who and not isinstance(who[k], str)]
            + [Reason("unknown_field", f"applicant.{k}") for k in who if k not in APPLICANT_TEXTS])
    papers = body.get("papers_seen") or []
    if not isinstance(papers, list) or not all(isinstance(k, str) for k in papers):
        raise Invalid("must_be_list", "papers_seen")
    for key in ("sender", "arrived_at"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise Invalid("must_be_text", key)
    if body.get("accept") is not None and not isinstance(body["accept"], bool):
        raise Invalid("must_be_boolean", "accept")
    checklist = _object(body, "checklist")
    if checklist is not None:
        collect([Reason("must_be_boolean", f"checklist.{k}") for k, v in checklist.items()
                 if not isinstance(v, bool)])
    applicant = Applicant(**{k: str(who.get(k) or "") for k in APPLICANT_TEXTS})
    intake = DeskIntake(received_via=via, applicant=applicant, papers_seen=list(papers),
                        arrived_at=arrival(body.get("arrived_at")), sender=str(body.get("sender") or ""))
    return intake, body.get("accept") is True, checklist


def arrival(raw: str | None, tz: Any = LOCAL) -> datetime | None:
    """When the post arrived: a local day (its first instant) or a local date and time; None if absent."""
    if raw in (None, ""):
        return None
    try:
        value = datetime.fromisoformat(str(raw))
    except ValueError:
        raise Invalid("must_be_date", "arrived_at") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def _object(body: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Invalid("must_be_object", key)
    return value
