"""The unit of work: one transaction per use case; leaving without commit() rolls back."""
from __future__ import annotations

from types import TracebackType

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
