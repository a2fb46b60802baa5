"""A fiscal year's facts in chunks of staff members, for reviews of any size.

``chunks(engine, Y, size)`` reads the year with three queries: the project-years' participants
and evaluations (kept as raw rows, grouped by project-year), then every staff member's own
records ordered by staff member, streamed; it yields :class:`Chunk` s of about ``size`` staff on
the roster of Y, each carrying the raw rows it needs (its staff's records, the evaluations and
participants of their project-years) and nothing else. Raw rows are plain tuples (cheap to send to
a worker process); ``Chunk.year()`` builds the :class:`facts.store.YearFacts` of the chunk there.
Memory stays flat in the number of staff, apart from the evaluations (raw strings).

``load_rows(engine, ids)``: stored records by fact_row id (a stored decision names its records so).
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from typing import Any, Iterator

from sqlalchemy import Engine, select
from sqlmodel import Session

from facts.records import RECORD_TYPES, Evaluation, Staff
from facts.store import _LISTS, StaffFacts, YearFacts, _loads, _rebuild, unusable_for_review
from facts.tables import FactRow, own_key
from facts.errors import FactError, Problem

ALL = sys.maxsize  # every stored fact_row id
# the facts as they stood when fact_row ``upto`` was the last: stored by then, and not replaced by
# a correction stored by then (with upto = ALL: the facts as they stand)
AS_OF = "id <= ? AND (replaced_by IS NULL OR replaced_by > ?)"


def as_of(upto: int = ALL) -> tuple:
    return (FactRow.id <= upto, (FactRow.replaced_by == None) | (FactRow.replaced_by > upto))  # noqa: E711

# (fact_row id, record type, data, source file, sheet, row)
Raw = tuple[int, str, str, str, "str | None", int]


@dataclass
class Chunk:
    fiscal_year: int
    roster: list[str]  # staff ids on the year's roster, in order
    rows: list[tuple]  # their own records (Raw + record_key; years <= Y; of the roster, Y's row),
    # by staff member then id
    # (fact_row id, evaluation) per project-year: read once for the year (YearIndex)
    evaluations: dict[tuple[int, str], list[tuple[int, Any]]] = field(default_factory=dict)
    participants: dict[tuple[int, str], set[str]] = field(default_factory=dict)

    def year(self, bad: list[Problem]) -> YearFacts:
        """The chunk as YearFacts (records rebuilt as facts.store.load_year does); records with a
        value no review can use go to ``bad``."""
        row_ids: dict[int, int] = {}
        on_roster = set(self.roster)
        staff_rows: list[Staff] = []
        lists: dict[str, list] = {t: [] for t in _LISTS}
        for rid, rtype, data, file, sheet, row, key in self.rows:
            record = _rebuild(RECORD_TYPES[rtype], data, file, sheet, row, bad)
            if record is None:
                continue
            # its key as stored (the same text the record computes): not worked out again
            record.__dict__["record_key"], record.__dict__["record_id"] = key, f"{rtype}/{key}"
            row_ids[id(record)] = rid
            (staff_rows if rtype == "staff" else lists[rtype]).append(record)
        by_staff = {s.staff_id: StaffFacts(staff=s) for s in staff_rows
                    if s.fiscal_year == self.fiscal_year and s.staff_id in on_roster}
        roster = [by_staff[s].staff for s in self.roster if s in by_staff]
        for facts in by_staff.values():  # the chunk holds the year's roster row only
            facts.history.append(facts.staff)
        for rtype, records in lists.items():
            attribute = _LISTS[rtype]
            for record in records:
                if (facts := by_staff.get(record.staff_id)) is not None:
                    getattr(facts, attribute).append(record)
        evaluations: dict[tuple[int, str], list] = {}
        for key, pairs in self.evaluations.items():
            out = evaluations[key] = []
            for rid, record in pairs:
                row_ids[id(record)] = rid
                out.append(record)
        return YearFacts(fiscal_year=self.fiscal_year, roster=roster, evaluations=evaluations,
                         by_staff=by_staff, participants=self.participants, row_ids=row_ids)


class _Source:
    """Where a row came from, as facts.records.Source prints it (file:row, file:sheet:row)."""

    __slots__ = ("file", "sheet", "row")

    def __init__(self, file: str, sheet: str | None, row: int):
        self.file, self.sheet, self.row = file, sheet, row

    def __str__(self) -> str:
        return f"{self.file}:{self.sheet}:{self.row}" if self.sheet else f"{self.file}:{self.row}"


class EvaluationRow:
    """An evaluation as the judge reads it (the derivation of scores, and the row's id): a chunk
    holds each evaluation of its project-years, several times over across chunks, so it is read
    into this plain object rather than a pydantic record (a stored decision renders from the
    records themselves, facts.records.Evaluation, read by id)."""

    __slots__ = ("fiscal_year", "project_id", "occasion", "perspective", "evaluator_id", "evaluator_type",
                 "target_staff_id", "score", "provenance", "__weakref__")
    record_type = "evaluation"

    def fields(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__[:8]}




def _intern(text):
    return sys.intern(text) if text.__class__ is str else text


def _evaluation(data: str, file: str, sheet: str | None, row: int, bad: list[Problem]):
    """The stored evaluation, checked as facts.store._rebuild checks a record (a number that is not
    finite, a field that no evaluation has: the row goes to ``bad``, named)."""
    try:
        values, lenient = _loads(data)
        if len(values) != 8:  # with the 8 fields read below (a KeyError otherwise): none other
            raise ValueError("not the fields of an evaluation")
        obj = EvaluationRow()
        # the same few texts recur in every row (occasions, perspectives, project ids, file
        # names): one copy each, for the year's index holds every evaluation
        (obj.fiscal_year, obj.project_id, obj.occasion, obj.perspective, obj.evaluator_id, obj.evaluator_type,
         obj.target_staff_id, obj.score) = (values["fiscal_year"], _intern(values["project_id"]),
                                            _intern(values["occasion"]), _intern(values["perspective"]),
                                            _intern(values["evaluator_id"]), _intern(values["evaluator_type"]),
                                            _intern(values["target_staff_id"]), values["score"])
        obj.provenance = _Source(_intern(file), _intern(sheet), row)
    except (ValueError, TypeError, AttributeError, KeyError):
        return _rebuild(Evaluation, data, file, sheet, row, bad)  # reads it as a review does, or names it
    score, year = obj.score, obj.fiscal_year
    if not ((score.__class__ is int or (score.__class__ is float and math.isfinite(score)))
            and year.__class__ is int) or lenient:
        return _rebuild(Evaluation, data, file, sheet, row, bad)  # checks and names it
    return obj


def _project_key(data: str) -> tuple[int, str] | None:
    try:
        d = _loads(data)[0]
        return d["fiscal_year"], d["project_id"]
    except (ValueError, TypeError, KeyError):
        return None


def _key(record_key: str, year_at: int, parts: int, data: str) -> tuple[int, str] | None:
    """(fiscal_year, project_id) of a project or evaluation row, read off its record key
    (project: staff|year|project; evaluation: year|project|occasion|perspective|evaluator|target)
    without parsing its data; from the data when an id itself holds a '|'."""
    bits = own_key(record_key).split("|")
    if len(bits) == parts and bits[year_at].isdigit():
        return int(bits[year_at]), bits[year_at + 1]
    return _project_key(data)


def roster(engine: Engine, fiscal_year: int, upto: int = ALL) -> list[str]:
    with engine.connect() as conn:
        ids = conn.execute(select(FactRow.staff_id).where(
            FactRow.record_type == "staff", FactRow.fiscal_year == fiscal_year, *as_of(upto))).scalars().all()
    return sorted(set(ids))


@dataclass
class YearIndex:
    """What every chunk of a year shares: the roster (in order), and each project-year's
    participants and evaluations (raw rows). Read once by the review; a forked worker inherits it."""

    fiscal_year: int
    roster: list[str]
    participants: dict[tuple[int, str], set[str]]
    evaluations: dict[tuple[int, str], list[tuple[int, Any]]]  # (fact_row id, evaluation), read once
    upto: int = sys.maxsize  # the facts as they stood: fact_row ids up to this one (a run's facts_upto)


_SELECT = "id, record_type, data, source_file, source_sheet, source_row"


def _rows(conn, sql: str, params: tuple) -> list[tuple]:
    """Every row of a query, as the DB-API gives them (``?`` marks; %s on PostgreSQL)."""
    raw = conn.connection.dbapi_connection
    if conn.dialect.paramstyle != "qmark":
        sql = sql.replace("%", "%%").replace("?", "%s")
    cur = raw.cursor()
    try:
        cur.execute(sql, params)
        return cur.fetchall()
    finally:
        cur.close()


def year_index(engine: Engine, fiscal_year: int, upto: int = ALL) -> YearIndex:
    """The year's roster, participants and evaluations, as stored up to fact_row ``upto``."""
    on_roster = roster(engine, fiscal_year, upto)
    participants: dict[tuple[int, str], set[str]] = {}
    evaluations: dict[tuple[int, str], list[tuple[int, Any]]] = {}
    unreadable: list[Raw] = []
    bad: list[Problem] = []
    with engine.connect() as conn:  # straight from the DB-API cursor: 340k rows for 100k staff
        for raw in _rows(conn, f"SELECT {_SELECT}, staff_id, record_key FROM fact_row WHERE record_type = ? "
                               "AND fiscal_year <= ? AND " + AS_OF, ("project", fiscal_year, upto, upto)):
            key = _key(raw[7], 1, 3, raw[2])
            if key is None:
                unreadable.append(tuple(raw[:6]))
            else:
                participants.setdefault(key, set()).add(raw[6])
        evaluation_rows = _rows(conn, f"SELECT {_SELECT}, record_key FROM fact_row WHERE record_type = ? "
                                      "AND fiscal_year <= ? AND " + AS_OF, ("evaluation", fiscal_year, upto, upto))
        evaluation_rows.sort()  # by id: stored order (sorting here spares the database a sort on disk)
        for raw in evaluation_rows:
            key = _key(raw[6], 0, 6, raw[2])
            if key is None:
                unreadable.append(tuple(raw[:6]))
                continue
            record = _evaluation(raw[2], raw[3], raw[4], raw[5], bad)  # once, whoever's chunk needs it
            if record is not None:
                evaluations.setdefault(key, []).append((raw[0], record))
    if unreadable or bad:  # a record no review can read, stored by other means than the import: named, before judging
        for rid, rtype, data, file, sheet, row in unreadable:
            _rebuild(RECORD_TYPES[rtype], data, file, sheet, row, bad)
        raise unusable_for_review(bad, fiscal_year)
    return YearIndex(fiscal_year, on_roster, participants, evaluations, upto)


def chunk(engine: Engine, index: YearIndex, ids: list[str]) -> Chunk:
    """The chunk of staff ``ids`` (a slice of the roster): one indexed query for their own records,
    grouped here by staff member in roster order (the database's collation may sort ids otherwise)."""
    fiscal_year = index.fiscal_year
    marks = ", ".join("?" for _ in ids)
    with engine.connect() as conn:
        # the roster row of the year only (the judge reads no earlier roster row); evaluations come
        # from the index
        rows = _rows(conn, f"SELECT {_SELECT}, staff_id, record_key FROM fact_row WHERE staff_id IN ({marks}) "
                           "AND fiscal_year <= ? AND record_type <> 'evaluation' "
                           "AND (record_type <> 'staff' OR fiscal_year = ?) AND " + AS_OF + " ORDER BY id",
                     (*ids, fiscal_year, fiscal_year, index.upto, index.upto))
    order = {s: i for i, s in enumerate(ids)}
    rows.sort(key=lambda r: order[r[6]])  # stable: by staff member in roster order, then id
    keys = {_key(r[7], 1, 3, r[2]) for r in rows if r[1] == "project"} - {None}
    evaluations, participants = index.evaluations, index.participants
    return Chunk(fiscal_year, ids, [(*r[:6], own_key(r[7])) for r in rows],
                 {k: evaluations[k] for k in keys if k in evaluations},
                 {k: participants[k] for k in keys if k in participants})


def slices(index: YearIndex, size: int) -> list[list[str]]:
    return [index.roster[i:i + size] for i in range(0, len(index.roster), size)]


def chunks(engine: Engine, fiscal_year: int, size: int = 500) -> Iterator[Chunk]:
    """The year chunk by chunk, in roster order."""
    index = year_index(engine, fiscal_year)
    for ids in slices(index, size):
        yield chunk(engine, index, ids)


def load_rows(engine: Engine, ids: set[int] | list[int]) -> dict[int, object]:
    """Stored records by fact_row id (records with unusable values raise FactError)."""
    out: dict[int, object] = {}
    bad: list[Problem] = []
    ids = sorted(set(ids))
    with Session(engine) as session:
        for start in range(0, len(ids), 500):
            for rid, rtype, data, file, sheet, row in session.execute(select(
                    FactRow.id, FactRow.record_type, FactRow.data, FactRow.source_file, FactRow.source_sheet,
                    FactRow.source_row).where(FactRow.id.in_(ids[start:start + 500]))):
                record = _rebuild(RECORD_TYPES[rtype], data, file, sheet, row, bad)
                if record is not None:
                    out[rid] = record
    if bad:
        raise FactError(bad, summary=f"登録済みの事実 {len(bad)} 件に使えない値があります",
                        summary_en=f"{len(bad)} stored fact(s) hold values that cannot be used")
    return out
