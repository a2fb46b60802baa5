"""Importing fact files: read, validate everything, then store the batch in one transaction.

Every row of every file is validated before anything is written. Any problem, in any file,
rejects the whole batch with a :class:`~engine.errors.FactError` that lists every problem as
``file:row: column: what is wrong``. Records are keyed (see each record type's ``key_fields``):
importing the same file again stores nothing new, and a changed value under a stored key is a
*conflict*: reported, not stored; the stored value stands and the rest of the batch is stored.
"""
from __future__ import annotations

import difflib
import itertools
import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator

from pydantic import ValidationError
from sqlalchemy import Engine, insert, select
from sqlmodel import Session

from facts.aliases import match_courses, norm
from facts.errors import FactError, Problem
from facts.readers import RawTable, ReadResult, read_files
from facts.records import RECORD_TYPES, Certification, Record, RowValidator, text_value, year_of
from facts.tables import FactRow, ImportBatch

Catalogues = dict[str, dict[str, list[str]]]  # policy_id -> {course_id: [names and aliases]}
_CHUNK = 500


@dataclass
class TypeCounts:
    new: int = 0
    unchanged: int = 0
    conflicts: int = 0


@dataclass(frozen=True)
class Conflict:
    """A record whose key is stored with other values: the stored values stand."""

    record_id: str
    source: str  # file:row of the new record
    stored_source: str  # file:row the stored record came from
    stored: dict[str, Any]  # the differing fields, as stored
    new: dict[str, Any]  # the differing fields, as in the new file

    def __str__(self) -> str:
        changes = ", ".join(f"{k}: {self.stored[k]!r} → {self.new[k]!r}" for k in self.new)
        return (f"{self.source}: {self.record_id} は {self.stored_source} で登録済みの値と違います"
                f" ({changes}); 登録済みの値のままです")


@dataclass
class ImportReport:
    import_id: int | None
    files: list[str]
    counts: dict[str, TypeCounts] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # "file: header" of columns that are no field

    @property
    def new(self) -> int:
        return sum(c.new for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())


# policy id -> (names of the policy, {certification id: names of the certification})
CertificationNames = dict[str, tuple[list[str], dict[str, list[str]]]]


def import_paths(engine: Engine, paths: Iterable[str | Path], catalogues: Catalogues | None = None,
                 certifications: CertificationNames | None = None) -> ImportReport:
    """Import every fact file under ``paths``; all or nothing. Raises ``FactError``.

    ``certifications``: the policies and certifications that history rows may name (default: those
    of the rule files, engine.rulebook); a row naming one by the municipality's name or the label is
    stored under the ids, and one that no rule file knows is a row error."""
    read = ReadResult()
    batch_roster: set[str] = set()
    invalid: list[Problem] = []  # the rows' own problems come after every file's
    later: list[Problem] = []  # and the history rows' after them
    context = _Context(certifications)
    rows: list[_Row] = []
    for tables in read_files(paths, read):  # a file's raw rows are let go once validated
        batch_roster |= _batch_roster(tables)
        rows += _validate(tables, invalid, later, context)
    problems = read.problems + invalid + later
    if not read.files and not problems:
        problems.append(Problem("", "読み込むファイルがありません"))
    with Session(engine) as session:
        _check_batch(session, batch_roster, rows, catalogues or {}, problems)
        if problems:
            raise FactError(problems, summary=(
                f"事実ファイルに {len(problems)} 件の問題があります。何も登録していません。"))
        report = _store(session, rows, read.files)
        report.ignored = read.ignored
        session.commit()
    return report


# --- validation -----------------------------------------------------------------------------

class _Row:
    """A validated record as it is stored: its key, the staff id and fiscal year columns, the
    canonical fields as JSON, and where it came from (the table and the row number)."""

    __slots__ = ("record_type", "key", "staff_id", "fiscal_year", "data", "table", "number", "course")

    def __init__(self, record_type: str, key: str, staff_id: str | None, fiscal_year: int | None,
                 data: str, table: RawTable, number: int, course: str | None):
        self.record_type, self.key, self.staff_id, self.fiscal_year = record_type, key, staff_id, fiscal_year
        self.data, self.table, self.number, self.course = data, table, number, course

    @property
    def record_id(self) -> str:
        return f"{self.record_type}/{self.key}"

    @property
    def source(self) -> str:
        return str(self.table.source(self.number))


class _Context:
    """What validating the files of one import shares: a ``RowValidator`` per record type (and
    its memos), and the policies and certifications history rows may name: given, or those of
    the rule files, read when the first history row needs them."""

    def __init__(self, names: CertificationNames | None):
        self.names = names
        self.validators: dict[str, RowValidator] = {}

    def validator(self, model: type[Record]) -> RowValidator:
        found = self.validators.get(model.record_type)
        if found is None:
            found = self.validators[model.record_type] = RowValidator(model)
        return found

    def certification_names(self) -> CertificationNames:
        if self.names is None:
            from engine.rulebook import load_rulebook  # the rule files name the policies

            self.names = load_rulebook().certification_names()
        return self.names


def _validate(tables: list[RawTable], problems: list[Problem], later: list[Problem],
              context: _Context) -> list[_Row]:
    """Every row of the tables, validated; what is wrong goes to ``problems`` (history rows
    naming no known policy or certification: to ``later``). A table's raw rows are let go once
    validated."""
    rows: list[_Row] = []
    for table in tables:
        model = RECORD_TYPES[table.record_type]
        validator = context.validator(model)
        dates = [name for name, _, kind, *_ in validator.fields if kind is date]
        staff_column = "staff_id" if "staff_id" in validator.names else "target_staff_id"
        for number, raw in table.rows:
            values = validator.values(raw)
            if values is None:
                values = _model_values(model, raw, table, number, problems)
                if values is None:
                    continue
            if model is Certification and not _certification_ids(values, table, number, context.certification_names(),
                                                                 later):
                continue
            key, year = model.key_of(values), year_of(model, values)
            for name in dates:
                if values[name] is not None:
                    values[name] = values[name].isoformat()
            rows.append(_Row(table.record_type, key, values.get(staff_column), year, _dump(values), table,
                             number, values.get("course")))
        table.rows = []
    return rows


def _model_values(model: type[Record], raw: dict[str, Any], table: RawTable, number: int,
                  problems: list[Problem]) -> dict[str, Any] | None:
    """A row validated by its model (the rows ``RowValidator`` leaves to it): the field values,
    or None with the row's problems told."""
    source = table.source(number)
    try:
        record = model.model_validate({**raw, "provenance": source})
    except ValidationError as exc:
        problems.extend(_problems(exc, str(source), table))
        return None
    found = _non_finite(record, str(source), table)
    if found:  # the field validators reject these; a guard for any field they miss
        problems.extend(found)
        return None
    return record.model_dump(exclude={"provenance"})


def _non_finite(record: Record, where: str, table: RawTable) -> list[Problem]:
    """Numbers that are not finite (nan, inf) in a validated record: never stored."""
    return [Problem(where, f"'{value}' は有限の数値ではありません (nan や inf は使えません)",
                    column=table.header(name))
            for name, value in record.fields().items()
            if isinstance(value, float) and not math.isfinite(value)]


def _problems(exc: ValidationError, where: str, table: RawTable) -> list[Problem]:
    out = []
    for error in exc.errors(include_url=False):
        ctx = error.get("ctx") or {}
        column = ctx.get("column") or (str(error["loc"][0]) if error["loc"] else None)
        if error["type"] == "missing":
            message = "値がありません"
        elif error["type"] == "extra_forbidden":
            message = "不明な列です"
        elif error["type"] == "value_error":
            message = str(ctx["error"])
        else:
            message = error["msg"]
        out.append(Problem(where, message, column=table.header(column) if column else None))
    return out


def _batch_roster(tables: list[RawTable]) -> set[str]:
    """Staff ids on the roster rows of this import (valid or not: one problem is enough)."""
    return {text_value(v["staff_id"]) for table in tables if table.record_type == "staff"
            for _, v in table.rows if v.get("staff_id") is not None}


def _roster(session: Session, batch_roster: set[str]) -> set[str]:
    """Staff ids on any roster row, stored or in this import."""
    query = select(FactRow.staff_id).where(FactRow.record_type == "staff").distinct()
    return set(session.execute(query).scalars()) | batch_roster


def _check_batch(session: Session, batch_roster: set[str], rows: list[_Row], catalogues: Catalogues,
                 problems: list[Problem]) -> None:
    seen: dict[str, dict[str, _Row]] = {}
    for row in rows:
        first = seen.setdefault(row.record_type, {}).setdefault(row.key, row)
        if first is not row:
            problems.append(Problem(row.source, (
                f"重複した行です ({first.source} と同じキー: {row.record_id})")))
    del seen
    roster = _roster(session, batch_roster)
    courses: dict[str, list[tuple[str, list[str]]]] = {}
    for row in rows:
        if row.staff_id is not None and row.staff_id not in roster:
            column = "target_staff_id" if row.record_type == "evaluation" else "staff_id"
            problems.append(Problem(row.source, f"職員番号 '{row.staff_id}' は職員名簿のどの行にもありません",
                                    column=row.table.header(column)))
        if row.record_type == "training" and catalogues:
            problems.extend(_course_problems(row, catalogues, courses))


def _course_problems(row: _Row, catalogues: Catalogues,
                     memo: dict[str, list[tuple[str, list[str]]]]) -> list[Problem]:
    course = row.course
    if course not in memo:
        memo[course] = [(policy, candidates) for policy, known in catalogues.items()
                        if len(candidates := match_courses(course, known)) > 1]
    return [Problem(row.source, f"'{course}' は {policy} の研修のどれか決められません (候補: {', '.join(candidates)})",
                    column=row.table.header("course"))
            for policy, candidates in memo[course]]


def _certification_ids(values: dict[str, Any], table: RawTable, number: int, names: CertificationNames,
                       problems: list[Problem]) -> bool:
    """A history row under the policy's and the certification's ids (with did-you-mean
    otherwise: then False)."""
    where = str(table.source(number))
    policies = {norm(n): pid for pid, (pnames, _) in names.items() for n in pnames if n}
    pid = policies.get(norm(values["policy"]))
    if pid is None:
        hint = _suggest(values["policy"], [n for pnames, _ in names.values() for n in pnames if n])
        problems.append(Problem(where, f"方針 '{values['policy']}' はどのルールファイルにもありません{hint}",
                                column=table.header("policy")))
        return False
    certs = {norm(n): cid for cid, cnames in names[pid][1].items() for n in cnames if n}
    cid = certs.get(norm(values["certification"]))
    if cid is None:
        hint = _suggest(values["certification"], [n for cnames in names[pid][1].values() for n in cnames if n])
        problems.append(Problem(where, f"認定区分 '{values['certification']}' は方針 {pid} にありません{hint}",
                                column=table.header("certification")))
        return False
    values["policy"], values["certification"] = pid, cid
    return True


def _suggest(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f"（もしかして '{close[0]}'？）" if close else f"（使えるもの: {', '.join(dict.fromkeys(choices))}）"


# --- storing --------------------------------------------------------------------------------

def _store(session: Session, rows: list[_Row], files: list[str]) -> ImportReport:
    counts = {rt: TypeCounts() for rt in dict.fromkeys(r.record_type for r in rows)}
    report = ImportReport(import_id=None, files=files, counts=counts)
    existing = _stored_rows(session, rows)
    batch = ImportBatch(files=json.dumps(files, ensure_ascii=False), counts="{}")
    session.add(batch)
    session.flush()
    inserts = []
    for row in rows:
        have = existing.get((row.record_type, row.key)) if existing else None
        tally = counts[row.record_type]
        if have is None:
            tally.new += 1
            inserts.append(row)
        elif have.data == row.data or json.loads(have.data) == json.loads(row.data):
            tally.unchanged += 1
        else:
            tally.conflicts += 1
            stored, data = json.loads(have.data), json.loads(row.data)
            changed = [k for k in data if stored.get(k) != data[k]]
            report.conflicts.append(Conflict(
                record_id=row.record_id, source=row.source,
                stored_source=_source_text(have), stored={k: stored.get(k) for k in changed},
                new={k: data[k] for k in changed}))
    _insert(session, inserts, batch.id)
    batch.counts = json.dumps({rt: vars(c) for rt, c in counts.items()})
    session.add(batch)
    report.import_id = batch.id
    return report


_COLUMNS = ("record_type", "record_key", "staff_id", "fiscal_year", "data", "source_file", "source_sheet",
            "source_row", "import_id")
_BULK = 20_000  # rows per executemany call (SQLite): the parameter tuples of one call are a list
_SQLITE_CACHE_KIB = -128 * 1024  # PRAGMA cache_size during the insert: up to 128 MiB (negative: KiB)


def _values(rows: list[_Row], import_id: int | None) -> Iterator[tuple]:
    for row in rows:
        yield (row.record_type, row.key, row.staff_id, row.fiscal_year, row.data, row.table.file,
               row.table.sheet, row.number, import_id)


def _insert(session: Session, rows: list[_Row], import_id: int | None) -> None:
    """The new rows, in the session's transaction, the fastest way the database has: COPY on
    PostgreSQL (psycopg 3), the DB-API's executemany on SQLite, else SQLAlchemy's bulk insert."""
    if not rows:
        return
    conn = session.connection()
    table = FactRow.__tablename__
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for values in _values(rows, import_id):
                copy.write_row(values)
    elif conn.dialect.name == "sqlite":
        sql = f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
        values = _values(rows, import_id)
        # a larger page cache while the indexes take the rows in (the connection's own, restored)
        cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
        if _SQLITE_CACHE_KIB < cache < 0:
            conn.exec_driver_sql(f"PRAGMA cache_size = {_SQLITE_CACHE_KIB}")
        try:
            while chunk := list(itertools.islice(values, _BULK)):
                conn.exec_driver_sql(sql, chunk)
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {cache}")
    else:
        values = _values(rows, import_id)
        while chunk := list(itertools.islice(values, _CHUNK)):
            session.execute(insert(FactRow), [dict(zip(_COLUMNS, v)) for v in chunk])


@dataclass(frozen=True)
class _Stored:
    data: str
    source_file: str
    source_sheet: str | None
    source_row: int


def _stored_rows(session: Session, rows: list[_Row]) -> dict[tuple[str, str], _Stored]:
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
            query = (select(FactRow.record_key, FactRow.data, FactRow.source_file,
                            FactRow.source_sheet, FactRow.source_row)
                     .where(of_type, FactRow.record_key.in_(common[start:start + _CHUNK])))
            for key, *rest in session.execute(query):
                found[(record_type, key)] = _Stored(*rest)
    return found


_dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # json.dumps(data, ensure_ascii=False, sort_keys=True)


def _source_text(fact: _Stored) -> str:
    sheet = f"{fact.source_sheet}:" if fact.source_sheet else ""
    return f"{fact.source_file}:{sheet}{fact.source_row}"
