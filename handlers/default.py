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
