"""The ledger: one append-only hash chain over everything that decides or changes a decision.

Each entry (``ledger_entry``) attests one thing by its content: an import of facts, a review run
(with the chain of its stored judgements), an override, a revocation, a correction of a fact. Its
``body`` is the canonical JSON of what it attests; its ``hash`` is

    sha256(prev + "\\n" + kind + "\\n" + ref + "\\n" + body)

where ``prev`` is the hash of the entry before it. The rows an entry attests in bulk (a run's
judgements, an import's fact rows) form a chain of their own, each row holding ``prev`` and
``hash`` (``row_hash``); the entry's body names that chain's last hash and its length. So editing,
deleting or inserting anything afterwards breaks either a row's own hash, a link, an entry's body,
or the chain of entries: ``engine.audit.verify`` finds which, and names it.

What the chain cannot see is someone rewriting it whole from some entry on: ``audit verify``
prints the head (the last entry's hash) for an auditor to keep outside the database; ``--head``
checks that a head kept earlier is still an entry of the chain.

This module knows no record or review; callers pass the body. Appending happens inside the
caller's transaction, after it has written (so that on SQLite it already holds the write lock) or
under PostgreSQL's advisory lock taken here: two writers never append after the same entry
(``prev`` is also unique, so a fork could not be stored even if they tried).
"""
from __future__ import annotations

import getpass
import hashlib
import os
from datetime import datetime, timezone
from typing import Any

import orjson
from sqlalchemy import Column, Text, func, select, text
from sqlmodel import Field, SQLModel

from .tables import _now

GENESIS = "0" * 64


class LedgerEntry(SQLModel, table=True):
    __tablename__ = "ledger_entry"

    seq: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)  # import / run / override / revocation / correction
    ref: int = Field(index=True)  # the id of what it attests, in that kind's table
    at: datetime = Field(default_factory=_now)
    by: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    prev: str = Field(unique=True)
    hash: str = Field(unique=True)


def canonical(value: Any) -> str:
    """The one JSON text of a value: sorted keys, no spaces, UTF-8, datetimes in ISO form."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode("utf-8")


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for i, part in enumerate(parts):
        if i:
            h.update(b"\n")
        h.update(part.encode("utf-8"))
    return h.hexdigest()


def entry_hash(prev: str, kind: str, ref: int, body: str) -> str:
    return digest(prev, kind, str(ref), body)


def row_hash(prev: str, *content: str) -> str:
    """A row of a bulk chain (a run's judgements, an import's fact rows)."""
    return digest(prev, *content)


def fact_digest(record_type: str, staff_id: str | None, fiscal_year: int | None, data: str,
                source_file: str, source_sheet: str | None, source_row: int) -> str:
    """What a fact row says, as one hash: everything but its key (derived from its data) and what
    replaced it (a correction's entry says that). Worked out where the row is validated (a worker)."""
    return hashlib.sha256("\n".join((record_type, staff_id or "", "" if fiscal_year is None else str(fiscal_year),
                                     data, source_file, source_sheet or "", str(source_row))).encode("utf-8")).hexdigest()


def fact_link(prev: str, content_digest: str) -> str:
    """A fact row's link in its import's chain: the row before's hash and this row's digest."""
    return hashlib.sha256(f"{prev}\n{content_digest}".encode("ascii")).hexdigest()


def fact_hash(prev: str, *content) -> str:
    return fact_link(prev, fact_digest(*content))


def chain_start(kind: str, ref: int) -> str:
    """The ``prev`` of the first row of a bulk chain: tied to what it belongs to, so that rows
    cannot be moved from one run or import to another."""
    return digest("start", kind, str(ref))


def login() -> str:
    """Who is doing it: ``$NINTEI_USER``, else the login name."""
    name = os.environ.get("NINTEI_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def lock(conn) -> None:
    """Serialize appends: PostgreSQL's transaction-scoped advisory lock; on SQLite the caller's
    transaction holds the write lock (it has written, or began IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        from .db import advisory_key

        conn.execute(select(func.pg_advisory_xact_lock(advisory_key("ledger"))))


def head(conn) -> LedgerEntry | None:
    row = conn.execute(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1)).first()
    return LedgerEntry.model_validate(row._mapping) if row is not None else None


def append(conn, kind: str, ref: int, body: dict[str, Any], by: str | None = None,
           at: datetime | None = None) -> LedgerEntry:
    """Add one entry after the current head, in the caller's transaction."""
    lock(conn)
    last = conn.execute(select(LedgerEntry.hash).order_by(LedgerEntry.seq.desc()).limit(1)).scalar()
    prev = last or GENESIS
    text_body = canonical(body)
    entry = dict(kind=kind, ref=ref, at=at or _now(), by=by or login(), body=text_body, prev=prev,
                 hash=entry_hash(prev, kind, ref, text_body))
    seq = conn.execute(LedgerEntry.__table__.insert().values(**entry).returning(LedgerEntry.seq)).scalar()
    return LedgerEntry(seq=seq, **entry)


def lock_facts(conn) -> None:
    """PostgreSQL: wait for an import or correction in progress (they hold this lock for their
    transaction: facts.importer), so that what is read next sees all of it or none of it."""
    if conn.dialect.name == "postgresql":
        from .db import advisory_key

        conn.execute(select(func.pg_advisory_xact_lock(advisory_key("import"))))


def iso(value: datetime | None) -> str | None:
    """A stored time as one text on every database (SQLite gives it back without its zone)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def import_body(batch, rows: int, head: str) -> dict[str, Any]:
    """What an import's entry attests: the batch (files, counts) and its new rows' chain."""
    return {"import": batch.id, "started_at": iso(batch.started_at), "files": orjson.loads(batch.files),
            "counts": orjson.loads(batch.counts), "rows": rows, "head": head}


def correction_body(import_id: int, corrections: list) -> dict[str, Any]:
    """What a correction entry attests: each earlier row and the row replacing it, why, who, when."""
    return {"import": import_id, "corrections": [
        {"id": c.id, "old_row": c.old_row, "new_row": c.new_row, "reason": c.reason, "by": c.by, "at": iso(c.at)}
        for c in sorted(corrections, key=lambda c: c.id)]}


def facts_mark(conn) -> tuple[int, int | None, str]:
    """What facts a review about to start sees: the last fact_row id, and the last import or
    correction entry of the ledger (its seq and hash: the content of every fact up to there).
    One statement (one snapshot), after any import in progress has ended."""
    lock_facts(conn)
    row = conn.execute(text(
        "SELECT (SELECT max(id) FROM fact_row), e.seq, e.hash FROM (SELECT 1 AS one) AS o "
        "LEFT JOIN (SELECT seq, hash FROM ledger_entry WHERE kind IN ('import', 'correction') "
        "ORDER BY seq DESC LIMIT 1) AS e ON 1 = 1")).one()
    return row[0] or 0, row[1], row[2] or GENESIS
