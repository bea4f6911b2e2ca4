"""Declarative base, column conventions, and the engine/session factory for both databases."""
from __future__ import annotations

import fcntl
import json
import os
import time
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware instants stored as UTC on both SQLite and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Digest(TypeDecorator[str]):
    """A SHA-256 digest: its 32 bytes in the database, its 64 hexadecimal characters in Python (the audit
    trail's hashes took twice the room as text, a third of each event)."""

    impl = sa.LargeBinary()
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> bytes | None:
        return None if value is None else bytes.fromhex(value)

    def process_result_value(self, value: bytes | str | None, dialect: Any) -> str | None:
        # Text here was written past the application (SQLite keeps what it is given): read as it is, so
        # `audit verify` compares it and names what does not match instead of failing on it.
        return value if value is None or isinstance(value, str) else bytes(value).hex()


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: sa.JSON(), list[Any]: sa.JSON()}


def _json_text(value: Any) -> str:
    # Vietnamese text as UTF-8, not \uXXXX escapes: a form or an audit detail takes about half the bytes.
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine with the settings each database needs (SQLite: WAL, foreign keys, write lock)."""
    kwargs.setdefault("json_serializer", _json_text)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn: sa.Connection) -> None:
            # IMMEDIATE takes the write lock up front: two writers queue instead of failing with
            # "database is locked" when a read transaction tries to upgrade.
            fd = conn.connection.info.get(_WRITER_FD)
            if fd is not None:
                _wait_for_writer_lock(fd)
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _release(conn)
                raise

        lock_path = _writer_lock_path(url)
        if lock_path is not None:
            _queue_writers(engine, lock_path)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


_WRITER_FD = "motcua.writer_lock_fd"


def _writer_lock_path(url: str) -> str | None:
    database = sa.make_url(url).database
    return None if not database or database == ":memory:" else f"{database}.writers"


def _queue_writers(engine: sa.Engine, lock_path: str) -> None:
    """Writers of one SQLite file wait in the kernel for an exclusive lock on `<file>.writers`,
    taken before BEGIN IMMEDIATE and given back as the transaction commits or rolls back. SQLite's own busy
    handler polls with growing sleeps (up to 100 ms each), so under load a writer that kept losing
    the race waited hundreds of milliseconds while the lock was free; flock wakes the next writer at
    once, in every thread and process (each connection holds its own descriptor of the file)."""

    @sa.event.listens_for(engine, "connect")
    def _open_lock(_dbapi_conn: Any, record: Any) -> None:
        record.info[_WRITER_FD] = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)

    @sa.event.listens_for(engine, "close")
    def _close_lock(_dbapi_conn: Any, record: Any) -> None:
        fd = record.info.pop(_WRITER_FD, None)
        if fd is not None:
            os.close(fd)  # closing the descriptor also gives the lock back

    @sa.event.listens_for(engine, "commit")
    def _after_commit(conn: sa.Connection) -> None:
        _release(conn)

    @sa.event.listens_for(engine, "rollback")
    def _after_rollback(conn: sa.Connection) -> None:
        _release(conn)


WRITER_WAIT_SECONDS = 30.0  # as long as SQLite's own busy_timeout


def _wait_for_writer_lock(fd: int) -> None:
    """Take the writers' lock, polling every millisecond or so, for at most WRITER_WAIT_SECONDS.

    A blocking flock would wait for ever behind a stuck process, or behind the same thread's own
    open write transaction; bounded, such a writer fails like SQLite's busy timeout instead."""
    deadline = time.monotonic() + WRITER_WAIT_SECONDS
    pause = 0.0002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise sa.exc.OperationalError("BEGIN IMMEDIATE", None, TimeoutError(
                    f"another writer held the database for more than {WRITER_WAIT_SECONDS:.0f} s")) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.001)


def _release(conn: sa.Connection) -> None:
    fd = conn.connection.info.get(_WRITER_FD)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def make_session_factory(engine: sa.Engine) -> so.sessionmaker[so.Session]:
    # expire_on_commit=False: a use case returns plain values read before commit; nothing reloads.
    return so.sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
