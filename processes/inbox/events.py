"""What feeds the officers' inboxes from the workflow (issue 12), called by DossierRun when it opens a
user task: a new task in a group's queue (TASK_QUEUED), a task of a consulted agency (CONSULTATION),
and a task opened again after a return (TASK_RETURNED, to the officer who did it last, with the reason)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Dossier, User, UserTask
from processes.inbox import inbox

RETURN = "return"


def task_opened(s: so.Session, dossier: Dossier, task: UserTask, actor: str, now: datetime,
                completed: Mapping[str, Any] | None = None) -> None:
    """Tell the task's group (or its previous holder, after a return) that work arrived. `completed`: the
    form of the user task whose completion opened this one, if any."""
    params = {"code": dossier.code, "task": task.name}
    queue = inbox.Group(task.agency_id, task.role, besides=actor)  # the officer who acted is not told
    if task.agency_id != dossier.agency_id:
        inbox.notify(s, queue, inbox.CONSULTATION, dossier.id, params, now)
        return
    returned = returned_reason(completed)
    if returned is not None:
        earlier = s.scalar(sa.select(UserTask.completed_by).where(
            UserTask.dossier_id == dossier.id, UserTask.element_id == task.element_id,
            UserTask.completed_at.is_not(None)).order_by(UserTask.completed_at.desc()).limit(1))
        holder = s.scalar(sa.select(User).where(User.username == earlier)) if earlier else None
        if holder is not None and holder.active:
            inbox.notify(s, [holder.id], inbox.TASK_RETURNED, dossier.id, params | {"reason": returned}, now)
            return
    inbox.notify(s, queue, inbox.TASK_QUEUED, dossier.id, params, now)


def returned_reason(completed: Mapping[str, Any] | None) -> str | None:
    """The reason of the completion that just ran, when it returned the dossier (a decision "return"):
    its note, or "" without one; None when it did not return it (or no completion ran)."""
    data = completed or {}
    if RETURN not in data.values():
        return None
    return next((str(v).strip() for k, v in data.items() if k.endswith("_note") and str(v).strip()), "")
