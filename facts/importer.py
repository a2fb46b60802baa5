"""Importing fact files: read, validate everything, then store the batch in one transaction.

Every row of every file is validated before anything is written. Any problem, in any file,
rejects the whole batch with a :class:`~engine.errors.FactError` that lists every problem as
``file:row: column: what is wrong``. Records are keyed (see each record type's ``key_fields``):
importing the same file again stores nothing new, and a changed value under a stored key is a
*conflict*: reported, not stored; the stored value stands and the rest of the batch is stored.
"""
from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError
from sqlalchemy import Engine, insert, select
from sqlmodel import Session

from facts.aliases import match_courses, norm
from facts.errors import FactError, Problem
from facts.readers import RawTable, read_paths
from facts.records import RECORD_TYPES, Certification, Record, Training, text_value
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
    read = read_paths(paths)
    problems = list(read.problems)
    if not read.files and not problems:
        problems.append(Problem("", "読み込むファイルがありません"))
    records = _validate(read.tables, problems)
    if any(isinstance(r.record, Certification) for r in records):
        if certifications is None:
            from engine.rulebook import load_rulebook  # the rule files name the policies

            certifications = load_rulebook().certification_names()
        _certification_ids(records, certifications, problems)
    with Session(engine) as session:
        _check_batch(session, read.tables, records, catalogues or {}, problems)
        if problems:
            raise FactError(problems, summary=(
                f"事実ファイルに {len(problems)} 件の問題があります。何も登録していません。"))
        report = _store(session, records, read.files)
        report.ignored = read.ignored
        session.commit()
    return report


# --- validation -----------------------------------------------------------------------------

@dataclass
class _Row:
    record: Record
    table: RawTable


def _validate(tables: list[RawTable], problems: list[Problem]) -> list[_Row]:
    rows = []
    for table in tables:
        model = RECORD_TYPES[table.record_type]
        for number, values in table.rows:
            source = table.source(number)
            try:
                record = model.model_validate({**values, "provenance": source})
            except ValidationError as exc:
                problems.extend(_problems(exc, str(source), table))
                continue
            found = _non_finite(record, str(source), table)
            if found:  # the field validators reject these; a guard for any field they miss
                problems.extend(found)
            else:
                rows.append(_Row(record, table))
    return rows


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


def _roster(session: Session, tables: list[RawTable]) -> set[str]:
    """Staff ids on any roster row, stored or in this import (valid or not: one problem is enough)."""
    query = select(FactRow.staff_id).where(FactRow.record_type == "staff").distinct()
    roster = set(session.execute(query).scalars())
    for table in tables:
        if table.record_type == "staff":
            roster.update(text_value(v["staff_id"]) for _, v in table.rows if v.get("staff_id") is not None)
    return roster


def _check_batch(session: Session, tables: list[RawTable], rows: list[_Row], catalogues: Catalogues,
                 problems: list[Problem]) -> None:
    seen: dict[str, Record] = {}
    for row in rows:
        record = row.record
        first = seen.setdefault(record.record_id, record)
        if first is not record:
            problems.append(Problem(str(record.provenance), (
                f"重複した行です ({first.provenance} と同じキー: {record.record_id})")))
    roster = _roster(session, tables)
    for row in rows:
        for column in ("staff_id", "target_staff_id"):
            staff_id = getattr(row.record, column, None)
            if staff_id is not None and staff_id not in roster:
                problems.append(Problem(str(row.record.provenance),
                                        f"職員番号 '{staff_id}' は職員名簿のどの行にもありません",
                                        column=row.table.header(column)))
        if isinstance(row.record, Training) and catalogues:
            problems.extend(_course_problems(row, catalogues))


def _course_problems(row: _Row, catalogues: Catalogues) -> list[Problem]:
    out = []
    course = row.record.course
    for policy, courses in catalogues.items():
        candidates = match_courses(course, courses)
        if len(candidates) > 1:
            out.append(Problem(str(row.record.provenance), (
                f"'{course}' は {policy} の研修のどれか決められません (候補: {', '.join(candidates)})"),
                column=row.table.header("course")))
    return out


def _certification_ids(rows: list[_Row], names: CertificationNames, problems: list[Problem]) -> None:
    """History rows under the policy's and the certification's ids (with did-you-mean otherwise)."""
    policies = {norm(n): pid for pid, (pnames, _) in names.items() for n in pnames if n}
    for row in rows:
        record = row.record
        if not isinstance(record, Certification):
            continue
        pid = policies.get(norm(record.policy))
        if pid is None:
            hint = _suggest(record.policy, [n for pnames, _ in names.values() for n in pnames if n])
            problems.append(Problem(str(record.provenance), f"方針 '{record.policy}' はどのルールファイルにもありません{hint}",
                                    column=row.table.header("policy")))
            continue
        certs = {norm(n): cid for cid, cnames in names[pid][1].items() for n in cnames if n}
        cid = certs.get(norm(record.certification))
        if cid is None:
            hint = _suggest(record.certification, [n for cnames in names[pid][1].values() for n in cnames if n])
            problems.append(Problem(str(record.provenance), f"認定区分 '{record.certification}' は方針 {pid} にありません{hint}",
                                    column=row.table.header("certification")))
            continue
        row.record = record.model_copy(update={"policy": pid, "certification": cid})


def _suggest(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f"（もしかして '{close[0]}'？）" if close else f"（使えるもの: {', '.join(dict.fromkeys(choices))}）"


# --- storing --------------------------------------------------------------------------------

def _store(session: Session, rows: list[_Row], files: list[str]) -> ImportReport:
    counts = {rt: TypeCounts() for rt in dict.fromkeys(r.record.record_type for r in rows)}
    report = ImportReport(import_id=None, files=files, counts=counts)
    existing = _stored_rows(session, [r.record for r in rows])
    batch = ImportBatch(files=json.dumps(files, ensure_ascii=False), counts="{}")
    session.add(batch)
    session.flush()
    inserts = []
    for row in rows:
        record = row.record
        data = record.data()
        have = existing.get((record.record_type, record.record_key))
        tally = counts[record.record_type]
        if have is None:
            tally.new += 1
            inserts.append(_fact_row(record, data, batch.id))
        elif json.loads(have.data) == data:
            tally.unchanged += 1
        else:
            tally.conflicts += 1
            stored = json.loads(have.data)
            changed = [k for k in data if stored.get(k) != data[k]]
            report.conflicts.append(Conflict(
                record_id=record.record_id, source=str(record.provenance),
                stored_source=_source_text(have), stored={k: stored.get(k) for k in changed},
                new={k: data[k] for k in changed}))
    for start in range(0, len(inserts), _CHUNK):
        session.execute(insert(FactRow), inserts[start:start + _CHUNK])
    batch.counts = json.dumps({rt: vars(c) for rt, c in counts.items()})
    session.add(batch)
    report.import_id = batch.id
    return report


@dataclass(frozen=True)
class _Stored:
    data: str
    source_file: str
    source_sheet: str | None
    source_row: int


def _stored_rows(session: Session, records: list[Record]) -> dict[tuple[str, str], _Stored]:
    keys: dict[str, list[str]] = {}
    for record in records:
        keys.setdefault(record.record_type, []).append(record.record_key)
    found = {}
    for record_type, wanted in keys.items():
        for start in range(0, len(wanted), _CHUNK):
            query = (select(FactRow.record_key, FactRow.data, FactRow.source_file,
                            FactRow.source_sheet, FactRow.source_row)
                     .where(FactRow.record_type == record_type,
                            FactRow.record_key.in_(wanted[start:start + _CHUNK])))
            for key, *rest in session.execute(query):
                found[(record_type, key)] = _Stored(*rest)
    return found


def _fact_row(record: Record, data: dict[str, Any], import_id: int | None) -> dict[str, Any]:
    staff_id = getattr(record, "staff_id", None) or getattr(record, "target_staff_id", None)
    return {
        "record_type": record.record_type, "record_key": record.record_key, "staff_id": staff_id,
        "fiscal_year": getattr(record, "fiscal_year", None), "data": _dump(data),
        "source_file": record.provenance.file, "source_sheet": record.provenance.sheet,
        "source_row": record.provenance.row, "import_id": import_id,
    }


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _source_text(fact: _Stored) -> str:
    sheet = f"{fact.source_sheet}:" if fact.source_sheet else ""
    return f"{fact.source_file}:{sheet}{fact.source_row}"
