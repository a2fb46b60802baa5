"""Storage of facts: one generic table for every record type, and the import log.

The pydantic records (``facts.records``) are the validated, frozen form; these tables only keep
them. ``data`` holds a record's canonical fields as JSON; ``staff_id`` and ``fiscal_year`` are
copied out of it so a year's facts can be loaded with one indexed query per record type.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _now() -> datetime:
    return datetime.now(timezone.utc)


class ImportBatch(SQLModel, table=True):
    """One successful import: when, which files, and what it counted (JSON)."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=_now)
    files: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of file names
    counts: str = Field(sa_column=Column(Text, nullable=False))  # JSON {type: {new, unchanged, conflicts}}


class FactRow(SQLModel, table=True):
    """One stored fact record, keyed by (record_type, record_key)."""

    __tablename__ = "fact_row"
    __table_args__ = (
        UniqueConstraint("record_type", "record_key", name="uq_fact_row_type_key"),
        Index("ix_fact_row_type_year", "record_type", "fiscal_year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    record_type: str
    record_key: str
    staff_id: str | None = Field(default=None, index=True)
    fiscal_year: int | None = Field(default=None, index=True)
    data: str = Field(sa_column=Column(Text, nullable=False))
    source_file: str
    source_sheet: str | None = None
    source_row: int
    import_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)
    # the ledger (facts/ledger.py): each import's rows form a chain, hash = sha256(the hash of the
    # batch's row before, this row's content); a row a correction replaced points to its successor
    # (its own content stays as it was: earlier runs named it by id and still read it so)
    hash: str | None = None
    replaced_by: int | None = None


class FactCorrection(SQLModel, table=True):
    """A stored fact corrected by ``import --correct``: the earlier row (kept, as earlier runs read
    it), the row that replaces it (stored by that import), why, who and when."""

    __tablename__ = "fact_correction"
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="import_batch.id", index=True)
    old_row: int = Field(index=True)
    new_row: int = Field(index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    by: str
    at: datetime = Field(default_factory=_now)


MOVED = "\x1f"  # a replaced row's record_key is its key + MOVED + its id (the key is the new row's)


def own_key(stored_key: str) -> str:
    """The record's key, whether its row stands or a correction replaced it."""
    return stored_key.split(MOVED, 1)[0]


def add_missing_columns(conn, table) -> None:
    """ALTER TABLE ... ADD COLUMN for each nullable column a database made earlier lacks."""
    from sqlalchemy import inspect

    have = {c["name"] for c in inspect(conn).get_columns(table.name)}
    for column in table.columns:
        if column.name not in have:
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {column.name} "
                                 f"{column.type.compile(dialect=conn.dialect)}")


def upgrade(conn) -> None:
    """An earlier database gets the ledger's columns (init_db)."""
    add_missing_columns(conn, FactRow.__table__)
