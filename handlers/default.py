"""The registry with every handler of the system."""
from __future__ import annotations

from handlers import coordination, reception, result
from handlers.registry import HandlerRegistry


def default_registry() -> HandlerRegistry:
    registry = HandlerRegistry()
    reception.register(registry)
    result.register(registry)
    coordination.register(registry)
    return registry


# The variables a workflow has without any form field or script of its diagram setting them: what the
# submission starts it with, and what the handlers answer (deploy warns of a condition reading another).
SYSTEM_VARIABLES = frozenset({
    "dossier_code", "procedure", "form", "documents", "result_channel",  # processes.submission
    "complete", "missing_documents", "forward_due", "due_at",  # reception
    "finished_on_time", "forward_overdue",  # result
    "payment_amount_vnd", "delivery",  # coordination and payments, the hand-over desk
})
