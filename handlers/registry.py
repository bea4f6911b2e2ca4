"""The handler registry and what a handler is given to work with."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.calendar import WorkCalendar


@dataclass
class ProcedureFacts:
    code: str
    name: str
    processing_time_days: float
    same_day: bool
    documents: list[dict[str, Any]]
    fees: list[dict[str, Any]]
    catalogue: Mapping[str, Any]


@dataclass
class DossierFacts:
    """The business facts of a dossier, as a handler may read and change them."""

    code: str
    status_code: int
    applicant_name: str
    result_channel: str
    form: Mapping[str, Any]
    documents: Mapping[str, str]  # document key -> sha256 of the uploaded file
    received_at: datetime  # a postal dossier: when the post reached the agency
    accepted_at: datetime | None = None
    due_at: datetime | None = None
    finished_at: datetime | None = None
    delivered_at: datetime | None = None
    paused_at: datetime | None = None
    supplement_count: int = 0
    late: bool = False
    channel: str = "online"  # how it came in: online | counter | post


@dataclass(frozen=True)
class Notice:
    """An electronic notice to the applicant (kept on the dossier and sent through the outbox)."""

    title: str
    body: str
    form_no: str | None = None


@dataclass(frozen=True)
class Alert:
    """A message to officers with the given role: of the dossier's agency, or of the agency whose
    e-code is `agency` (a consulted agency, R8.2)."""

    role: str
    title: str
    body: str
    agency: str | None = None


@dataclass
class HandlerContext:
    element_id: str
    topic: str
    dossier: DossierFacts
    procedure: ProcedureFacts
    variables: Mapping[str, Any]
    now: datetime
    calendar: WorkCalendar
    notices: list[Notice] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # The service task's own camunda:properties (e.g. agency, due_days of a coordination request).
    properties: Mapping[str, str] = field(default_factory=dict)

    def notify(self, title: str, body: str, form_no: str | None = None) -> None:
        self.notices.append(Notice(title, body, form_no))

    def alert(self, role: str, title: str, body: str, agency: str | None = None) -> None:
        self.alerts.append(Alert(role, title, body, agency))

    def record(self, kind: str, **detail: Any) -> None:
        self.events.append((kind, detail))


Handler = Callable[[HandlerContext], Mapping[str, Any]]


class HandlerRegistry:
    """Topic name -> handler. Diagrams may only name registered topics (checked at deploy)."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, topic: str) -> Callable[[Handler], Handler]:
        def add(fn: Handler) -> Handler:
            if topic in self._handlers:
                raise ValueError(f"handler topic '{topic}' registered twice")
            self._handlers[topic] = fn
            return fn
        return add

    def get(self, topic: str) -> Handler:
        try:
            return self._handlers[topic]
        except KeyError:
            raise LookupError(f"no handler registered for topic '{topic}'") from None

    def topics(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._handlers))
