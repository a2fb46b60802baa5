"""Importing fact files: read, validate everything, then store the batch in one transaction.

Every row of every file is validated before anything is written. Any problem, in any file,
rejects the whole batch with a :class:`~engine.errors.FactError` that lists every problem as
``file:row: column: what is wrong``. Records are keyed (see each record type's ``key_fields``):
importing the same file again stores nothing new, and a changed value under a stored key is a
*conflict*: reported, not stored; the stored value stands and the rest of the batch is stored.
"""
from __future__ import annotations

import itertools
import json
from json.encoder import c_make_encoder, encode_basestring
import math
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import ValidationError
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from facts.ledger import fact_digest
from facts.batch import Catalogues, CertificationNames, Row, batch_roster, certification_ids, check_batch
from facts.db import SQLITE_BUSY_SECONDS, WAITING_FOR_WRITER, advisory_key, is_locked
from facts.errors import FactError, Problem, english
from facts.parallel import can_fork, fork_map, workers
from facts.readers import FilePlan, PartRead, RawTable, ReadResult, file_plans
from facts.records import RECORD_TYPES, Certification, Record
from facts.report import Conflict, ImportReport, TypeCounts
from facts.storing import store
from facts.validator import RowValidator, year_of

__all__ = ["Catalogues", "CertificationNames", "Conflict", "ImportReport", "TypeCounts", "import_paths"]


def import_paths(engine: Engine, paths: Iterable[str | Path], catalogues: Catalogues | None = None,
                 certifications: CertificationNames | None = None,
                 waiting: Callable[[str], None] | None = None,
                 correction: tuple[str, str] | None = None, lang: str = "ja") -> ImportReport:
    """Import every fact file under ``paths``; all or nothing. Raises ``FactError``.

    ``certifications``: the policies and certifications that history rows may name (default: those
    of the rule files, engine.rulebook); a row naming one by the municipality's name or the label is
    stored under the ids, and one that no rule file knows is a row error.

    Imports into one database store one after the other: from the check against stored rows to
    the commit, an import holds a lock (PostgreSQL: an advisory lock; SQLite: the write lock,
    waited for up to the busy timeout, facts.db.SQLITE_BUSY_SECONDS). A second import of the
    same files waits, then finds the first one's rows stored and stores nothing new. ``waiting``
    is told, in words of ``lang`` ("ja" or "en"), when the import has to wait.

    ``correction`` (reason, by): ``import --correct``: changed values under stored keys are
    stored as corrections (facts/storing.py), the earlier rows kept; without it they are
    conflicts and the stored values stand."""
    read = ReadResult()
    context = _Context(certifications)
    checked = _Checked()
    for plan in file_plans(paths, read, workers() if can_fork() else 1):
        checked.add(_checked_file(plan, context), read)
    problems = read.problems + checked.invalid + checked.later
    roster, rows = checked.roster, checked.rows
    if not read.files and not problems:
        problems.append(Problem("", "読み込むファイルがありません", message_en="there are no files to read"))
    try:
        with Session(engine) as session:
            _lock_imports(session, waiting, lang)
            check_batch(session, roster, rows, catalogues or {}, problems)
            if problems:
                raise FactError(problems, summary=(
                    f"事実ファイルに {len(problems)} 件の問題があります。何も登録していません。"),
                    summary_en=f"{len(problems)} problem(s) in the fact files. Nothing was stored.")
            report = store(session, rows, read.files, correction)
            report.ignored = read.ignored
            session.commit()
    except OperationalError as exc:
        if not is_locked(exc):
            raise
        raise _locked_out(engine) from None
    return report


def _lock_imports(session: Session, waiting: Callable[[str], None] | None, lang: str = "ja") -> None:
    """Hold the database's import lock until the session's transaction ends (see import_paths);
    tell ``waiting`` when another import holds it. An SQLite lock not freed within the busy
    timeout is a ``FactError`` (nothing stored), not a traceback."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        key = advisory_key("import")
        if not conn.execute(select(func.pg_try_advisory_xact_lock(key))).scalar():
            if waiting:
                waiting(("別の取り込みが終わるのを待っています…", "waiting for another import to finish…")[lang == "en"])
            conn.execute(select(func.pg_advisory_xact_lock(key)))
    elif conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        busy = int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar())
        conn.exec_driver_sql("PRAGMA busy_timeout = 0")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if not is_locked(exc):
                raise
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {busy}")
        if waiting:
            waiting(WAITING_FOR_WRITER[lang == "en"])
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _locked_out(engine: Engine) -> FactError:
    """An SQLite lock another connection held past the busy timeout: said, nothing stored."""
    seconds = engine.url.query.get("timeout") or SQLITE_BUSY_SECONDS
    return FactError(f"データベースを別の処理が使い続けているため、{float(seconds):g} 秒待っても書き込めませんでした。"
                     "何も登録していません。その処理が終わってから、もう一度実行してください。",
                     en=f"could not write for {float(seconds):g} seconds: another process kept the database busy. "
                        "Nothing was stored. Run this again when that process has finished.")


# --- validation -----------------------------------------------------------------------------

class _Checked:
    """A part of a file (or files) read and validated: its read, the roster ids on its staff rows
    (valid or not), its valid rows, its rows' problems and its history rows' problems."""

    def __init__(self, read: PartRead | None = None):
        self.read = read
        self.roster: set[str] = set()
        self.rows: list[Row] = []
        self.invalid: list[Problem] = []
        self.later: list[Problem] = []

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (from a worker) with its rows as columns: five times faster both ways than
        the rows one by one."""
        return {**self.__dict__, "rows": list(zip(*self.rows))}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.rows = list(itertools.starmap(Row, zip(*state["rows"])))

    def add(self, parts: tuple[PartRead, list[_Checked]], read: ReadResult) -> None:
        """A file's parts, in order, its reading told to ``read``."""
        combined, checked = parts
        read.problems += combined.problems
        read.ignored += combined.ignored
        for part in checked:
            self.roster |= part.roster
            self.rows += part.rows
            self.invalid += part.invalid
            self.later += part.later


def _checked_file(plan: FilePlan, context: _Context) -> tuple[PartRead, list[_Checked]]:
    """A file's parts read and validated (in forked processes when there are several), and its
    reading put together; the file read whole when its parts cannot be."""
    def check(part: Any) -> _Checked:
        return _check(part.read(), context)

    if len(plan.parts) > 1:
        if any(getattr(part, "default_type", None) == "certification" for part in plan.parts):
            context.certification_names()  # read once, here, not in every worker
        checked = fork_map(check, plan.parts)
    else:
        checked = [check(part) for part in plan.parts]
    combined = plan.combine([part.read for part in checked])
    if combined is None:
        checked = [_check(plan.whole(), context)]
        combined = checked[0].read
    return combined, checked


def _check(read: PartRead, context: _Context) -> _Checked:
    out = _Checked(read)
    if not read.unsupported:
        out.roster = batch_roster(read.tables)
        out.rows = _validate(read.tables, out.invalid, out.later, context)
    return out


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
              context: _Context) -> list[Row]:
    """Every row of the tables, validated; what is wrong goes to ``problems`` (history rows
    naming no known policy or certification: to ``later``). A table's raw rows are let go once
    validated."""
    rows: list[Row] = []
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
            if model is Certification and not certification_ids(values, table, number, context.certification_names(),
                                                                 later):
                continue
            key, year = model.key_of(values), year_of(model, values)
            for name in dates:
                if values[name] is not None:
                    values[name] = values[name].isoformat()
            staff, data = values.get(staff_column), _dump(values)
            rows.append(Row(table.record_type, key, staff, year, data, table, number, values.get("course"),
                            fact_digest(table.record_type, staff, year, data, table.file, table.sheet, number)))
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
                    column=table.header(name), message_en=f"'{value}' is not a finite number (nan and inf cannot be used)")
            for name, value in record.fields().items()
            if isinstance(value, float) and not math.isfinite(value)]


def _problems(exc: ValidationError, where: str, table: RawTable) -> list[Problem]:
    out = []
    for error in exc.errors(include_url=False):
        ctx = error.get("ctx") or {}
        column = ctx.get("column") or (str(error["loc"][0]) if error["loc"] else None)
        message_en = None
        if error["type"] == "missing":
            message, message_en = "値がありません", "no value"
        elif error["type"] == "extra_forbidden":
            message, message_en = "不明な列です", "unknown column"
        elif error["type"] == "value_error":
            message, message_en = str(ctx["error"]), english(ctx["error"])
        elif error["type"] == "nintei_missing":
            message, message_en = error["msg"], f"no value ({ctx.get('why_en')})"
        else:
            message = error["msg"]
        out.append(Problem(where, message, column=table.header(column) if column else None, message_en=message_en))
    return out


def _json_of_values() -> Callable[[dict[str, Any]], str]:
    """``json.dumps(values, ensure_ascii=False, sort_keys=True)``, the same text, by the json
    module's C encoder called straight (the Python layers around it took half the time of a row's
    JSON); a value JSON cannot write raises TypeError as json.dumps does."""
    encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
    if c_make_encoder is None:
        return encoder.encode
    # (markers, default, encoder, indent, key separator, item separator, sort_keys, skipkeys, allow_nan)
    encode = c_make_encoder(None, encoder.default, encode_basestring, None, ": ", ", ", True, False, True)
    return lambda values: "".join(encode(values, 0))


_dump = _json_of_values()
