"""The unit of work: one transaction per use case; leaving without commit() rolls back."""
from __future__ import annotations

from types import TracebackType
from typing import Any

import sqlalchemy.orm as so


class UnitOfWork:
    def __init__(self, session_factory: so.sessionmaker[so.Session]):
        self._factory = session_factory
        self.session: so.Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.session.rollback()  # a no-op after commit(); undoes everything otherwise
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()


def transaction_cache(session: so.Session, key: str) -> dict[Any, Any]:
    """A dict that lives as long as the session's current transaction (or savepoint): what a use case
    reads once and reuses while nobody else can have changed it (a locked row, the officers of an agency).
    A new transaction starts with an empty one."""
    current = session.get_nested_transaction() or session.get_transaction()
    cached = session.info.get(key)
    if cached is None or cached[0] is not current:
        cached = (current, {})
        session.info[key] = cached
    return cached[1]
