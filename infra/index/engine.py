"""Where the index lives and how it is opened: INTAKE_INDEX_URL (any SQLAlchemy URL; PostgreSQL in
production: `postgresql+psycopg://intake@postgres:5432/intake_index`, its password in INTAKE_INDEX_PASSWORD
so that the URL itself holds no secret - a password written in the URL wins), else a SQLite file beside a local
storage (`<root>.index.sqlite`), else, for a bucket, one under INTAKE_INDEX_DIR (default
`~/.local/state/claim-intake/`) named after the bucket. Opening runs the migrations to the latest
(Alembic, infra/index/migrations), once per process and URL."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from infra.storage.base import Storage, StorageError

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_MS = 30_000
_engines: dict[str, Engine] = {}


class IndexUnavailable(StorageError):
    """The index database failed (down, unreachable, locked too long): retryable, like the storage - a
    pass stops and its lease lapses, a desk page answers 503. Never carries the URL or the SQL."""

    code = "index_unavailable"


def _as_storage_error(context: Any) -> BaseException | None:
    """Operational failures of the database become IndexUnavailable (the retry paths know StorageError);
    a constraint or a programming error stays what it is."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    error = context.sqlalchemy_exception
    if isinstance(error, (OperationalError, InterfaceError)) or (isinstance(error, DBAPIError) and error.connection_invalidated):
        return IndexUnavailable(f"the index database failed ({type(context.original_exception).__name__})")
    return None


_lock = threading.Lock()


def default_url(storage: Storage) -> str:
    """The index of this storage when INTAKE_INDEX_URL does not name one."""
    configured = os.environ.get("INTAKE_INDEX_URL", "").strip()
    if configured:
        return with_password(configured, os.environ.get("INTAKE_INDEX_PASSWORD", ""))
    root = getattr(storage, "root", None)
    if isinstance(root, Path):
        return f"sqlite:///{root.parent / (root.name + '.index.sqlite')}"
    folder = Path(os.environ.get("INTAKE_INDEX_DIR") or Path.home() / ".local/state/claim-intake")
    folder.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha256(storage.describe().encode("utf-8")).hexdigest()[:16]
    return f"sqlite:///{folder / f'index-{tag}.sqlite'}"


def with_password(url: str, password: str) -> str:
    """`url` with `password` when it names none (INTAKE_INDEX_PASSWORD: the env file holds the secret, the
    URL stays printable); a URL with a password of its own, or no password given, is kept as written."""
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:  # its message would quote the URL, password included
        raise ValueError("INTAKE_INDEX_URL is not a SQLAlchemy URL (dialect+driver://user@host:port/database)") from None
    if not password or parsed.password:
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def shown(url: str) -> str:
    """A URL as it may be printed or logged: its password, if any, as `***`."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: say nothing of it
        return "<an index URL SQLAlchemy cannot read>"


def _sqlite_pragmas(connection: Any, _record: object) -> None:
    """Write-ahead log (readers never wait for a writer), a busy timeout instead of 'database is locked',
    and transactions begun by SQLAlchemy (BEGIN IMMEDIATE: a writer takes the lock before it reads)."""
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    _write_ahead_log(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _write_ahead_log(cursor: Any, attempts: int = 50) -> None:
    """Switch a database to WAL once (the mode stays in the file). The switch needs the database to
    itself and SQLite does not wait for it: a process that meets another switching (two workers on a
    fresh index) looks again until the other's switch shows."""
    import sqlite3

    for attempt in range(attempts):
        if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


def _begin(connection: Any) -> None:
    """BEGIN IMMEDIATE for a writer (`execution_options(writer=True)`: it holds the write lock before it
    reads, so two writers never deadlock on an upgrade), a plain deferred BEGIN for readers."""
    writer = connection.get_execution_options().get("writer", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def migrate(engine: Engine) -> None:
    """Bring the database to the latest migration (a no-op when it is there). Processes that start
    together on a fresh database take turns: on SQLite the migration is a writer's transaction (BEGIN
    IMMEDIATE: the next waits for the lock instead of failing "database is locked" on its first DDL),
    on PostgreSQL migrations/env.py holds an advisory lock for its transaction; the one after finds the
    database at the latest migration."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.execution_options(writer=True).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def engine_for(url: str) -> Engine:
    """One engine per URL and process, migrated on first use."""
    with _lock:
        engine = _engines.get(url)
        if engine is not None:
            return engine
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            if parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _begin)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
        event.listen(engine, "handle_error", _as_storage_error)
        migrate(engine)
        _engines[url] = engine
        return engine


def dispose_all() -> None:
    """Close every engine of this process (tests, and a worker before it forks)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
