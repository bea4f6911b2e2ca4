"""A test-run of the version a procedure publishes (`motcua simulate CODE` when no shipped file has the
code): read through a use case analysts may call, run in memory, and nothing is written."""
from __future__ import annotations

import sqlalchemy as sa

from adapters.bootstrap import Services
from engine.definitions import load_definition
from models import AuditEvent, Dossier, Timer, UserTask
from models.status import DossierStatus
from processes.definitions.simulation import simulate
from processes.definitions.versions import published_diagram
from processes.uow import UnitOfWork
from tests.helpers import HKD


def _counts(services: Services) -> tuple[int, ...]:
    with UnitOfWork(services.session_factory) as uow:
        return tuple(uow.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (AuditEvent, Dossier, UserTask, Timer))


def test_the_published_version_runs_to_its_end_and_writes_nothing(services: Services) -> None:
    before = _counts(services)
    filename, bpmn, catalogue, library = published_diagram(services, "analyst", HKD)
    assert library == {}
    assert filename == "dang_ky_ho_kinh_doanh.bpmn" and catalogue["code"] == HKD
    definition = load_definition(bpmn, filename, process_id=catalogue["process_id"])
    with UnitOfWork(services.session_factory) as uow:
        calendar = services.calendar(uow.session)
    now = services.clock.now()
    result = simulate(definition, catalogue, calendar, services.handlers, now, {})
    assert result.ended and result.status_code == DossierStatus.RESULT_RETURNED
    assert result.due_at == calendar.due(now, float(catalogue["processing_time_days"]), bool(catalogue.get("same_day")))
    assert _counts(services) == before
