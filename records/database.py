"""Engines for the records database (SQLite or PostgreSQL) and running its migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from records.errors import StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE = "officewell_write"  # execution option: this transaction will write (SQLite: BEGIN IMMEDIATE)

# Any constant works: it only has to be the same for every process migrating the same database.
_PG_MIGRATION_LOCK = 0x0FF1CE


def default_url(data_dir: Path) -> str:
    """The embedded records database in the data dir."""
    return f"sqlite:///{(Path(data_dir) / 'records.db').resolve()}"


def database_exists(url: str) -> bool:
    """Whether the database a URL names exists already (a SQLite file, or a PostgreSQL database one can reach)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} (use sqlite:///PATH or postgresql+psycopg://…)") from exc
    if parsed.get_backend_name() == "sqlite":
        return bool(parsed.database) and parsed.database != ":memory:" and Path(str(parsed.database)).exists()
    return True  # a server database is created by its administrator; it exists or the connection says why not


def make_engine(url: str) -> Engine:
    """An engine for a `sqlite:///…` or `postgresql+psycopg://…` URL, set up for safe transactions."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} (use sqlite:///PATH or postgresql+psycopg://…)") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver officewell ships
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported records database {backend!r}: use sqlite:///PATH or postgresql+psycopg://…")
    # hide_parameters: a failing statement's message must not carry row values into logs.
    if backend == "postgresql":
        return create_engine(parsed, hide_parameters=True, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        _private_file(Path(parsed.database))
    engine = create_engine(parsed, hide_parameters=True, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _private_file(path: Path) -> None:
    """Create the database file 0600 in a 0700 folder (SQLite gives its -wal and -shm the file's mode).

    A file made by an older version with a wider mode is narrowed: it holds health data.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists() and part.stat().st_mode & 0o077:
            part.chmod(0o600)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module so that BEGIN covers reads and DDL too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Erased rows are overwritten on disk, not just unlinked (GDPR erasure, retention).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # A writer takes the write lock up front, so it never fails half-way on a lock upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def head_revision() -> str:
    """The newest migration revision."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None if it was never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Run `alembic upgrade head` on the database, serialised between processes."""
    config = _config()
    try:
        with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            # Already at head (the usual case): skip Alembic's start-up and its log lines.
            if _stamped(conn) == head_revision():
                return
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot migrate the records database {engine.url!r}: {exc.__class__.__name__}: {exc}"
        ) from exc


def _stamped(conn: Connection) -> str | None:
    # Read Alembic's version table directly: configuring a MigrationContext logs on every open.
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class EngineStore:
    """A store on the records database's engine: the records store's own, or one it opened and disposes of.

    `_reading()` and `_writing()` give a connection in a transaction; a database error leaves them as a
    StoreError naming the store (`what`) and the error's class, never its SQL.
    """

    what = "records"

    def __init__(self, engine: Engine, *, owns_engine: bool = False) -> None:
        """Use a migrated engine; close() disposes of it only if `owns_engine`."""
        self.engine = engine
        self._owns = owns_engine

    @classmethod
    def open(cls, url: str) -> Self:
        """Open the records database at `url` and migrate it (no pseudonymisation key needed for room data)."""
        engine = make_engine(url)
        upgrade(engine)
        return cls(engine, owns_engine=True)

    def close(self) -> None:
        """Release the engine's connections if this store opened it."""
        if self._owns:
            self.engine.dispose()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.what}: read failed: {exc.__class__.__name__}") from exc

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        try:
            with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.what}: write failed: {exc.__class__.__name__}") from exc
