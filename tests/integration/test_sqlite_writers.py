"""SQLite writers queue for the write lock, and a writer stuck behind another never waits for ever."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from models import base


def test_a_second_writer_gives_up_with_a_clear_error_instead_of_hanging(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "WRITER_WAIT_SECONDS", 0.3)
    engine = base.make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as first:
        first.begin()
        first.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with engine.connect() as second:
            with pytest.raises(sa.exc.OperationalError, match="another writer held the database"):
                second.begin()
        first.commit()
    with engine.begin() as third:  # the lock was given back: the next writer goes straight in
        third.exec_driver_sql("INSERT INTO t VALUES (1)")
    engine.dispose()
