"""Loading the facts a review of one fiscal year looks at.

``load_year(engine, Y)`` reads the roster of year Y and every record of years <= Y (trainings
and qualifications by date, up to March 31 of Y+1) with one query per record type, then groups
them by staff member in Python. Records come back as the frozen pydantic models of
``facts.records``, provenance included, without being validated a second time.
"""
from __future__ import annotations

import json
import math

import orjson
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator, TypeVar

from sqlalchemy import Engine, select
from sqlmodel import Session

from facts.errors import FactError, Problem, ReviewError
from facts.records import (
    RECORD_TYPES, Activity, Certification, Evaluation, Project, Qualification, Record, Role, Skill,
    Source, Staff, Training,
)
from facts.tables import FactRow

R = TypeVar("R", bound=Record)


@dataclass
class StaffFacts:
    """One staff member's records up to and including the fiscal year loaded."""

    staff: Staff  # the roster row of the year loaded
    history: list[Staff] = field(default_factory=list)  # roster rows of years <= Y, oldest first
    projects: list[Project] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)
    qualifications: list[Qualification] = field(default_factory=list)
    skills: list[Skill] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)

    @property
    def staff_id(self) -> str:
        return self.staff.staff_id

    def records(self) -> Iterator[Record]:
        """Every record of this staff member, roster rows included."""
        yield from self.history
        for name in _LISTS.values():
            yield from getattr(self, name)


# record type -> StaffFacts list it goes to
_LISTS = {"project": "projects", "training": "trainings", "qualification": "qualifications",
          "skill": "skills", "role": "roles", "activity": "activities",
          "certification": "certifications"}


@dataclass
class YearFacts:
    fiscal_year: int
    roster: list[Staff]  # staff of the year, by staff_id
    evaluations: dict[tuple[int, str], list[Evaluation]]  # (fiscal_year, project_id) -> scores
    by_staff: dict[str, StaffFacts]
    # (fiscal_year, project_id) -> staff ids of every participant of that project-year, whether or
    # not on this year's roster: the members whose post-project scores count (policies.md, moka)
    participants: dict[tuple[int, str], set[str]] = field(default_factory=dict)
    # id(record) -> its fact_row id: a stored decision names the records it was judged on by it
    row_ids: dict[int, int] = field(default_factory=dict)

    def row_id(self, record: Record) -> int | None:
        return self.row_ids.get(id(record))

    def staff(self, staff_id: str) -> StaffFacts:
        try:
            return self.by_staff[staff_id]
        except KeyError:
            raise ReviewError(f"職員番号 '{staff_id}' は {self.fiscal_year} 年度の職員名簿にありません") from None

    def __iter__(self) -> Iterator[StaffFacts]:
        return (self.by_staff[s.staff_id] for s in self.roster)

    def __len__(self) -> int:
        return len(self.roster)


def load_year(engine: Engine, fiscal_year: int) -> YearFacts:
    """The roster of ``fiscal_year`` and everyone's records of that year and before.

    A stored value no review can use (a number that is not finite, written to the table by other
    means than the importer, which never stores one) raises ``FactError`` naming each such record
    and its source row: a review never starts on it."""
    bad: list[Problem] = []
    with Session(engine) as session:
        year = _load_year(session, fiscal_year, bad)
    if bad:
        raise unusable_for_review(bad, fiscal_year)
    return year


def unusable_for_review(bad: list[Problem], fiscal_year: int) -> FactError:
    """The error of stored records no review of ``fiscal_year`` can use (``bad``: each named)."""
    return FactError(bad, summary=(
        f"登録済みの事実 {len(bad)} 件に使えない値があるため、{fiscal_year}年度の審査を行えません。"
        "次の記録の元の行を確かめ、正しい値で登録し直してください。"), summary_en=(
        f"{len(bad)} stored fact(s) hold values no review can use: the review of {fiscal_year} cannot run. "
        "Check the original rows of these records and import them again with correct values."))


def _load_year(session: Session, fiscal_year: int, bad: list[Problem]) -> YearFacts:
    row_ids: dict[int, int] = {}
    staff_rows = _load(session, Staff, fiscal_year, bad, row_ids)
    roster = sorted((s for s in staff_rows if s.fiscal_year == fiscal_year), key=lambda s: s.staff_id)
    by_staff = {s.staff_id: StaffFacts(staff=s) for s in roster}
    for record in sorted(staff_rows, key=lambda s: s.fiscal_year):
        if (facts := by_staff.get(record.staff_id)) is not None:
            facts.history.append(record)
    participants: dict[tuple[int, str], set[str]] = {}
    for record_type, attribute in _LISTS.items():
        for record in _load(session, RECORD_TYPES[record_type], fiscal_year, bad, row_ids):
            if (facts := by_staff.get(record.staff_id)) is not None:
                getattr(facts, attribute).append(record)
            if record_type == "project":  # everyone's, on this year's roster or not
                participants.setdefault((record.fiscal_year, record.project_id), set()).add(record.staff_id)
    evaluations: dict[tuple[int, str], list[Evaluation]] = {}
    for record in _load(session, Evaluation, fiscal_year, bad, row_ids):
        evaluations.setdefault((record.fiscal_year, record.project_id), []).append(record)
    return YearFacts(fiscal_year=fiscal_year, roster=roster, evaluations=evaluations, by_staff=by_staff,
                     participants=participants, row_ids=row_ids)


def _load(session: Session, model: type[R], fiscal_year: int, bad: list[Problem],
          row_ids: dict[int, int]) -> list[R]:
    query = (select(FactRow.id, FactRow.data, FactRow.source_file, FactRow.source_sheet, FactRow.source_row)
             .where(FactRow.record_type == model.record_type, FactRow.fiscal_year <= fiscal_year,
                    FactRow.replaced_by == None)  # noqa: E711  (a row a correction replaced is history)
             .order_by(FactRow.id))
    out = []
    for row_id, *row in session.execute(query):
        record = _rebuild(model, *row, bad)
        if record is not None:
            out.append(record)
            row_ids[id(record)] = row_id
    return out


# the fields a review computes with, per record type: a number that must be finite
_NUMERIC = {model: tuple((name, info.is_required()) for name, info in model.model_fields.items()
                         if info.annotation in (int, float))
            for model in RECORD_TYPES.values()}


def _rebuild(model: type[R], data: str, file: str, sheet: str | None, row: int,
             bad: list[Problem]) -> R | None:
    """A stored record as its model. The data was validated on import; only dates need parsing,
    and numbers are checked again (cheaply) so that a value stored by other means than the
    importer cannot crash a review: such a record is added to ``bad`` and left out."""
    source = _source(file, sheet, row)
    try:
        values, lenient = _loads(data)
        for name in model.date_fields:
            if values.get(name) is not None:
                values[name] = date.fromisoformat(values[name])
        values["provenance"] = source
        record = _construct(model, values)
    except (ValueError, TypeError, AttributeError) as exc:
        bad.append(Problem(str(source), f"{model.record_type} の登録済みの値を読めません ({exc})",
                           message_en=f"cannot read the stored values of a {model.record_type} record ({exc})"))
        return None
    for name, required in _NUMERIC[model]:
        value = values.get(name)
        if value is None and not required:
            continue
        kind = value.__class__
        if kind is int or (kind is float and math.isfinite(value)):
            continue
        bad.append(_not_finite(source, record, name, value))
        return None
    if lenient:  # NaN / Infinity only come through json's reading: a number in a text field
        for name, value in values.items():
            if isinstance(value, float) and not math.isfinite(value):
                bad.append(_not_finite(source, record, name, value))
                return None
    return record


def _not_finite(source: Source, record: Record, name: str, value: object) -> Problem:
    return Problem(str(source), f"{_record_id(record)} の値 '{value}' は有限の数値ではありません"
                                " (nan や inf は審査に使えません)", column=name,
                   message_en=f"the value '{value}' of {_record_id(record)} is not a finite number (nan and inf "
                              "cannot be used in a review)")


_SOURCE_SET = {"file", "sheet", "row"}


def _source(file: str, sheet: str | None, row: int) -> Source:
    obj = Source.__new__(Source)
    object.__setattr__(obj, "__dict__", {"file": file, "sheet": sheet, "row": row})
    object.__setattr__(obj, "__pydantic_fields_set__", _SOURCE_SET)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


_DEFAULTS: dict[type, tuple] = {}


def _loads(data: str) -> tuple[dict, bool]:
    """The stored JSON, and whether it took json's lenient reading (NaN, Infinity)."""
    try:
        return orjson.loads(data), False
    except orjson.JSONDecodeError:  # NaN / Infinity written by other means: json reads them, and
        return json.loads(data), True  # the checks name the record


def _construct(model: type[R], values: dict) -> R:
    """``model.model_construct(**values)`` without its per-call overhead (a review loads a million
    records): the stored data was validated on import, so only the defaults of absent optional
    fields are filled in, as model_construct does, and the fields are kept in the model's order (as
    model_construct and model_dump keep them). An unknown key is a ValueError."""
    spec = _DEFAULTS.get(model)
    if spec is None:
        spec = _DEFAULTS[model] = (
            tuple(model.model_fields), frozenset(model.model_fields),
            {name: info.get_default(call_default_factory=True)
             for name, info in model.model_fields.items() if not info.is_required()}, set(model.model_fields))
    order, names, defaults, every = spec
    try:
        if len(values) != len(order):
            raise KeyError
        values = {name: values[name] for name in order}  # every field stored: the usual case
        fields_set = every  # shared: a frozen record's set of fields is never changed
    except KeyError:
        for name in values:
            if name not in names:
                raise ValueError(f"unknown field '{name}'") from None
        values = {name: values[name] if name in values else defaults[name] for name in order
                  if name in values or name in defaults}
        fields_set = set(values)
    obj = model.__new__(model)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", fields_set)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def _record_id(record: Record) -> str:
    try:
        return record.record_id
    except Exception:  # a key field missing from the stored data
        return record.record_type
