"""Storing a validated batch in the import's transaction: the rows under stored keys compared
(unchanged or a conflict), the new ones inserted in bulk, the import logged."""
from __future__ import annotations

import itertools
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from facts.batch import Row
from facts.report import Conflict, ImportReport, TypeCounts
from facts import ledger
from facts.tables import MOVED, FactCorrection, FactRow, ImportBatch

_CHUNK = 500


def store(session: Session, rows: list[Row], files: list[str],
          correction: tuple[str, str] | None = None) -> ImportReport:
    """``correction``: (reason, by) of ``import --correct``: a changed value under a stored key is
    stored as a correction (a new row; the earlier one kept, pointing to it), not a conflict.
    Appends the import's entry (and the correction's) to the ledger (facts/ledger.py)."""
    counts = {rt: TypeCounts() for rt in dict.fromkeys(r.record_type for r in rows)}
    report = ImportReport(import_id=None, files=files, counts=counts)
    existing = _stored_rows(session, rows)
    batch = ImportBatch(files=json.dumps(files, ensure_ascii=False), counts="{}")
    session.add(batch)
    session.flush()
    inserts, replacing = [], []
    for row in rows:
        have = existing.get((row.record_type, row.key)) if existing else None
        tally = counts[row.record_type]
        if have is None:
            tally.new += 1
            inserts.append(row)
        elif have.data == row.data or json.loads(have.data) == json.loads(row.data):
            tally.unchanged += 1
        else:
            stored, data = json.loads(have.data), json.loads(row.data)
            changed = [k for k in data if stored.get(k) != data[k]]
            change = Conflict(record_id=row.record_id, source=row.source, stored_source=_source_text(have),
                              stored={k: stored.get(k) for k in changed}, new={k: data[k] for k in changed})
            if correction is None:
                tally.conflicts += 1
                report.conflicts.append(change)
            else:
                tally.corrected += 1
                report.corrections.append(change)
                replacing.append((row, have))
    _move_aside(session, replacing)
    chain = _Chain(batch.id)
    _insert(session, inserts + [row for row, _ in replacing], batch.id, chain)
    batch.counts = json.dumps({rt: vars(c) for rt, c in counts.items()})
    session.add(batch)
    session.flush()
    conn = session.connection()
    ledger.append(conn, "import", batch.id, ledger.import_body(batch, chain.count, chain.head))
    if replacing:
        reason, by = correction
        done = _corrections(session, batch.id, replacing, reason, by)
        ledger.append(conn, "correction", batch.id, ledger.correction_body(batch.id, done), by=by)
    report.import_id = batch.id
    return report


class _Chain:
    """The import's new rows as a chain (facts/ledger.py): its length and last hash."""

    def __init__(self, import_id: int) -> None:
        self.count, self.head = 0, ledger.chain_start("import", import_id)

    def link(self, row: Row) -> str:
        self.head = ledger.fact_link(self.head, row.digest or ledger.fact_digest(
            row.record_type, row.staff_id, row.fiscal_year, row.data, row.table.file, row.table.sheet, row.number))
        self.count += 1
        return self.head


def _move_aside(session: Session, replacing: list) -> None:
    """The rows a correction replaces leave their key (for the new row); their content stays."""
    if replacing:
        table = FactRow.__table__
        session.execute(update(table).where(table.c.id == bindparam("old")).values(record_key=bindparam("moved")),
                        [{"old": have.id, "moved": f"{row.key}{MOVED}{have.id}"} for row, have in replacing])


def _corrections(session: Session, import_id: int, replacing: list, reason: str, by: str) -> list[FactCorrection]:
    """Each replaced row points to its successor; one fact_correction row each."""
    new_ids = {(t, k): i for i, t, k in session.execute(select(FactRow.id, FactRow.record_type, FactRow.record_key)
                                                        .where(FactRow.import_id == import_id))}
    done = []
    for row, have in replacing:
        new = new_ids[(row.record_type, row.key)]
        session.execute(update(FactRow).where(FactRow.id == have.id).values(replaced_by=new))
        done.append(FactCorrection(import_id=import_id, old_row=have.id, new_row=new, reason=reason, by=by))
    session.add_all(done)
    session.flush()
    return done


_COLUMNS = ("record_type", "record_key", "staff_id", "fiscal_year", "data", "source_file", "source_sheet",
            "source_row", "import_id", "hash")
_BULK = 20_000  # rows per executemany call (SQLite): the parameter tuples of one call are a list
_SQLITE_CACHE_KIB = -128 * 1024  # PRAGMA cache_size during the insert: up to 128 MiB (negative: KiB)


def _values(rows: list[Row], import_id: int | None, chain: _Chain) -> Iterator[tuple]:
    for row in rows:
        yield (row.record_type, row.key, row.staff_id, row.fiscal_year, row.data, row.table.file,
               row.table.sheet, row.number, import_id, chain.link(row))


def _insert(session: Session, rows: list[Row], import_id: int | None, chain: _Chain) -> None:
    """The new rows, in the session's transaction, the fastest way the database has: COPY on
    PostgreSQL (psycopg 3), the DB-API's executemany on SQLite, else SQLAlchemy's bulk insert."""
    if not rows:
        return
    conn = session.connection()
    table = FactRow.__tablename__
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        raw = conn.connection.driver_connection
        with _indexes_rebuilt(conn, len(rows)), raw.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for values in _values(rows, import_id, chain):
                copy.write_row(values)
    elif conn.dialect.name == "sqlite":
        sql = f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
        values = _values(rows, import_id, chain)
        # a larger page cache while the indexes take the rows in (the connection's own, restored)
        cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
        if _SQLITE_CACHE_KIB < cache < 0:
            conn.exec_driver_sql(f"PRAGMA cache_size = {_SQLITE_CACHE_KIB}")
        try:
            with _indexes_rebuilt(conn, len(rows)):
                while chunk := list(itertools.islice(values, _BULK)):
                    conn.exec_driver_sql(sql, chunk)
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {cache}")
    else:
        values = _values(rows, import_id, chain)
        while chunk := list(itertools.islice(values, _CHUNK)):
            session.execute(insert(FactRow), [dict(zip(_COLUMNS, v)) for v in chunk])


_REBUILD_MIN_ROWS = 50_000  # fewer new rows go into the indexes as they are

# fact_row's indexes other than those of its constraints (primary key, unique key): name, definition
_INDEXES = {
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'fact_row' "
              "AND sql IS NOT NULL",
    "postgresql": "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                  "WHERE x.indrelid = 'fact_row'::regclass AND NOT EXISTS "
                  "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
}


@contextmanager
def _indexes_rebuilt(conn: Any, new_rows: int) -> Iterator[None]:
    """For a large insert into fact_row when it holds fewer rows than that (SQLite) or none
    (PostgreSQL, where dropping an index locks the table against readers until the commit):
    its indexes dropped before and created again after the insert, in the same transaction,
    under the same names and definitions (as the database's catalogue holds them). Building an
    index once over every row is about twice as fast as keeping it up to date row by row in the
    files' order. DDL is transactional on both: if anything fails before the commit, the
    rollback restores the indexes with the rows. The indexes of the constraints (the unique
    key's) stay."""
    table = FactRow.__tablename__
    dialect = conn.dialect.name
    rebuild = new_rows >= _REBUILD_MIN_ROWS and dialect in _INDEXES
    if rebuild and dialect == "sqlite":
        rebuild = (conn.connection.driver_connection.in_transaction
                   and (conn.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar() or 0) <= new_rows)
    elif rebuild:
        rebuild = conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is None
    indexes = conn.exec_driver_sql(_INDEXES[dialect]).all() if rebuild else []
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.exec_driver_sql(sql)


@dataclass(frozen=True)
class _Stored:
    id: int
    data: str
    source_file: str
    source_sheet: str | None
    source_row: int


def _stored_rows(session: Session, rows: list[Row]) -> dict[tuple[str, str], _Stored]:
    """The stored rows under the keys of ``rows``. Per record type: nothing when none of the
    type is stored (a first import); else the stored keys of the type in one query, and the
    rows of the keys in common in chunks."""
    found: dict[tuple[str, str], _Stored] = {}
    for record_type in dict.fromkeys(row.record_type for row in rows):
        of_type = FactRow.record_type == record_type
        if session.execute(select(FactRow.id).where(of_type).limit(1)).first() is None:
            continue
        wanted = {row.key for row in rows if row.record_type == record_type}
        if len(wanted) > _CHUNK:
            wanted &= set(session.execute(select(FactRow.record_key).where(of_type)).scalars())
        common = sorted(wanted)
        for start in range(0, len(common), _CHUNK):
            query = (select(FactRow.record_key, FactRow.id, FactRow.data, FactRow.source_file,
                            FactRow.source_sheet, FactRow.source_row)
                     .where(of_type, FactRow.record_key.in_(common[start:start + _CHUNK])))
            for key, *rest in session.execute(query):
                found[(record_type, key)] = _Stored(*rest)
    return found


def _source_text(fact: _Stored) -> str:
    sheet = f"{fact.source_sheet}:" if fact.source_sheet else ""
    return f"{fact.source_file}:{sheet}{fact.source_row}"
