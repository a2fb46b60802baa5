"""The database: which one, and creating its tables (the facts' and the engine's)."""
from __future__ import annotations

import hashlib
import importlib
import os
from typing import Callable

from sqlalchemy import Engine, func, inspect, make_url, select
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel, create_engine

DEFAULT_URL = "sqlite:///nintei.db"
SQLITE_BUSY_SECONDS = 60.0  # how long an SQLite command waits for another's write lock

# what a command waiting for another's write lock says: (Japanese, English), picked by lang == "en"
WAITING_FOR_WRITER = ("データベースに別の処理が書き込んでいます。終わるのを待っています…",
                      "another process is writing to the database: waiting for it to finish…")


def get_engine(url: str | None = None) -> Engine:
    """An engine for ``url``, else ``$NINTEI_DB``, else ``nintei.db`` in the working directory.
    On SQLite a command waits up to ``SQLITE_BUSY_SECONDS`` for another's write lock (the
    driver's default is 5 s, less than a large import holds it); ``?timeout=N`` in the URL
    says otherwise."""
    url = make_url(url or os.environ.get("NINTEI_DB") or DEFAULT_URL)
    if url.get_backend_name() == "sqlite" and (url.database or "").startswith("~"):
        url = url.set(database=os.path.expanduser(url.database))  # as the shell would: SQLite does not
    if url.get_backend_name() == "sqlite" and "timeout" not in url.query:
        return create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    return create_engine(url)


def is_locked(exc: BaseException) -> bool:
    """An SQLite error saying that another connection held the lock it waited for, past the
    busy timeout ("database is locked")."""
    orig = getattr(exc, "orig", exc)
    return type(orig).__name__ == "OperationalError" and "database is locked" in str(orig)


def advisory_key(*parts: object) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks (the same in every process,
    unlike ``hash()``)."""
    digest = hashlib.blake2b("\x1f".join(map(str, ("nintei", *parts))).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def init_db(engine: Engine, waiting: Callable[[str], None] | None = None, lang: str = "ja") -> None:
    """Create every table that is missing: ``facts.tables`` and, when present, ``engine.tables``;
    then let each such module that has an ``upgrade(conn)`` bring an existing database up to date
    (new indexes, repairs). One transaction; on PostgreSQL concurrent init_db calls queue on an
    advisory lock, so that two commands starting at once do not both create a table or index; on
    SQLite, when there are tables to create, the transaction takes the write lock first (BEGIN
    IMMEDIATE). A database whose tables exist needs no write lock here (when an upgrade writes,
    it takes it). When init_db has to wait for another connection's write lock, ``waiting`` is
    told, in ``lang`` ("ja" or "en"), and it waits up to the busy timeout."""
    modules = [importlib.import_module("facts.tables"), importlib.import_module("facts.ledger")]
    try:
        modules.append(importlib.import_module("engine.tables"))
    except ModuleNotFoundError as exc:
        if exc.name not in ("engine.tables", "engine"):
            raise  # engine.tables exists but is broken: a bug, let it show
    if waiting is not None and engine.dialect.name == "sqlite":
        try:
            _create(engine, modules, busy_ms=0)
            return
        except OperationalError as exc:
            if not is_locked(exc):
                raise
        waiting(WAITING_FOR_WRITER[lang == "en"])
    _create(engine, modules)


def _create(engine: Engine, modules: list, busy_ms: int | None = None) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(advisory_key("init_db"))))
        restore = None
        if busy_ms is not None:  # SQLite: not waiting for the write lock this time
            restore = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy_ms)}")
        try:
            if (conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction
                    and not set(SQLModel.metadata.tables) <= set(inspect(conn).get_table_names())):
                # tables to create: the write lock before looking again at what exists, so that two
                # commands on a new database create its tables one after the other
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            SQLModel.metadata.create_all(conn)
            for module in modules:
                if hasattr(module, "upgrade"):
                    module.upgrade(conn)
        finally:
            if restore is not None:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(restore)}")


def bulk_insert(conn, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows on the connection's transaction at the DB-API's speed (no per-row
    statement building): ``COPY ... FROM STDIN`` on PostgreSQL, ``executemany`` elsewhere."""
    if not rows:
        return
    raw = conn.connection.dbapi_connection
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns) if conn.dialect.paramstyle == "qmark" else ", ".join("%s" for _ in columns)
    cur = raw.cursor()
    try:
        cur.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
    finally:
        cur.close()
