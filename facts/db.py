"""The database: which one, and creating its tables (the facts' and the engine's)."""
from __future__ import annotations

import hashlib
import importlib
import os

from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel, create_engine

DEFAULT_URL = "sqlite:///nintei.db"


def get_engine(url: str | None = None) -> Engine:
    """An engine for ``url``, else ``$NINTEI_DB``, else ``nintei.db`` in the working directory."""
    return create_engine(url or os.environ.get("NINTEI_DB") or DEFAULT_URL)


def advisory_key(*parts: object) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks (the same in every process,
    unlike ``hash()``)."""
    digest = hashlib.blake2b("\x1f".join(map(str, ("nintei", *parts))).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def init_db(engine: Engine) -> None:
    """Create every table that is missing: ``facts.tables`` and, when present, ``engine.tables``;
    then let each such module that has an ``upgrade(conn)`` bring an existing database up to date
    (new indexes, repairs). One transaction; on PostgreSQL concurrent init_db calls queue on an
    advisory lock, so that two commands starting at once do not both create a table or index."""
    modules = [importlib.import_module("facts.tables"), importlib.import_module("facts.ledger")]
    try:
        modules.append(importlib.import_module("engine.tables"))
    except ModuleNotFoundError as exc:
        if exc.name not in ("engine.tables", "engine"):
            raise  # engine.tables exists but is broken: a bug, let it show
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(advisory_key("init_db"))))
        SQLModel.metadata.create_all(conn)
        for module in modules:
            if hasattr(module, "upgrade"):
                module.upgrade(conn)


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
