"""Loading the facts a review of one fiscal year looks at.

``load_year(engine, Y)`` reads the roster of year Y and every record of years <= Y (trainings
and qualifications by date, up to March 31 of Y+1) with one query per record type, then groups
them by staff member in Python. Records come back as the frozen pydantic models of
``facts.records``, provenance included, without being validated a second time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator, TypeVar

from sqlalchemy import Engine, select
from sqlmodel import Session

from engine.errors import ReviewError
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
    """The roster of ``fiscal_year`` and everyone's records of that year and before."""
    with Session(engine) as session:
        staff_rows = _load(session, Staff, fiscal_year)
        roster = sorted((s for s in staff_rows if s.fiscal_year == fiscal_year), key=lambda s: s.staff_id)
        by_staff = {s.staff_id: StaffFacts(staff=s) for s in roster}
        for record in sorted(staff_rows, key=lambda s: s.fiscal_year):
            if (facts := by_staff.get(record.staff_id)) is not None:
                facts.history.append(record)
        for record_type, attribute in _LISTS.items():
            for record in _load(session, RECORD_TYPES[record_type], fiscal_year):
                if (facts := by_staff.get(record.staff_id)) is not None:
                    getattr(facts, attribute).append(record)
        evaluations: dict[tuple[int, str], list[Evaluation]] = {}
        for record in _load(session, Evaluation, fiscal_year):
            evaluations.setdefault((record.fiscal_year, record.project_id), []).append(record)
    return YearFacts(fiscal_year=fiscal_year, roster=roster, evaluations=evaluations, by_staff=by_staff)


def _load(session: Session, model: type[R], fiscal_year: int) -> list[R]:
    query = (select(FactRow.data, FactRow.source_file, FactRow.source_sheet, FactRow.source_row)
             .where(FactRow.record_type == model.record_type, FactRow.fiscal_year <= fiscal_year)
             .order_by(FactRow.id))
    return [_rebuild(model, *row) for row in session.execute(query)]


def _rebuild(model: type[R], data: str, file: str, sheet: str | None, row: int) -> R:
    """A stored record as its model. The data was validated on import; only dates need parsing."""
    values = json.loads(data)
    for name in model.date_fields:
        if values.get(name) is not None:
            values[name] = date.fromisoformat(values[name])
    return model.model_construct(provenance=Source.model_construct(file=file, sheet=sheet, row=row), **values)
