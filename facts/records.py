"""Fact records: one frozen pydantic model per record type of ``shared/spec/fact-records.md``.

Values are validated and made canonical on the way in (English ids, ``int`` fiscal years,
``datetime.date`` dates, ``float`` scores); after that a record never changes. Every record
keeps where it came from in ``provenance``; explanations cite ``str(record.provenance)``.

Validation errors are pydantic ``ValidationError``s whose messages are one-line Japanese
sentences; :func:`facts.importer.import_paths` turns them into located problems.
"""
from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from facts.dates import fiscal_year_of
from facts.values import (SCORE_MAX, SCORE_MIN, Canonical, Day, FiscalYear, Id, Score, Text, missing,
                          text_value)

__all__ = ["RECORD_TYPES", "SCORE_MAX", "SCORE_MIN", "Activity", "Certification", "Evaluation", "Project",
           "Qualification", "Record", "Role", "Skill", "Source", "Staff", "Training", "data_fields", "text_value"]


class Source(BaseModel):
    """Where a record came from: file name, sheet (XLSX) and row as a spreadsheet shows it."""

    model_config = ConfigDict(frozen=True)

    file: str
    sheet: str | None = None
    row: int

    def __str__(self) -> str:
        return f"{self.file}:{self.sheet}:{self.row}" if self.sheet else f"{self.file}:{self.row}"



# --- records --------------------------------------------------------------------------------

class Record(BaseModel):
    """Base of every fact record."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    record_type: ClassVar[str]
    key_fields: ClassVar[tuple[str, ...]]
    date_fields: ClassVar[tuple[str, ...]] = ()
    year_from: ClassVar[str | None] = None  # the date field a record without fiscal_year is dated by

    provenance: Source

    @model_validator(mode="before")
    @classmethod
    def _drop_blanks(cls, data: Any) -> Any:
        """Blank cells count as absent, so optional columns take their defaults."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items()
                    if v is not None and not (isinstance(v, str) and not v.strip())}
        return data

    @property
    def key(self) -> tuple:
        return tuple(getattr(self, f) for f in self.key_fields)

    @cached_property
    def record_key(self) -> str:
        return "|".join(_key_text(v) for v in self.key)

    @classmethod
    def key_of(cls, values: dict[str, Any]) -> str:
        """``record_key`` of the record these field values make."""
        return "|".join(["" if values[f] is None else str(values[f]) for f in cls.key_fields])

    @cached_property
    def record_id(self) -> str:
        return f"{self.record_type}/{self.record_key}"

    def fields(self) -> dict[str, Any]:
        """The data fields (no provenance), for evidence."""
        return self.model_dump(exclude={"provenance"})

    @classmethod
    def settle(cls, values: dict[str, Any]) -> None:
        """The rules across fields, on validated field values (``RowValidator``): raise as the
        model's validators do; fill in what they fill in. Kept in step with the model's own."""

    def data(self) -> dict[str, Any]:
        """The data fields as JSON values, as stored."""
        return self.model_dump(mode="json", exclude={"provenance"})


def _key_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Staff(Record):
    """The roster: one row per staff member per fiscal year."""

    record_type: ClassVar[str] = "staff"
    key_fields: ClassVar[tuple[str, ...]] = ("staff_id", "fiscal_year")

    staff_id: Id
    fiscal_year: FiscalYear
    name: Text
    department: Text
    grade: Canonical("grade")


class Project(Record):
    """One participant of a project in a fiscal year."""

    record_type: ClassVar[str] = "project"
    key_fields: ClassVar[tuple[str, ...]] = ("staff_id", "fiscal_year", "project_id")

    staff_id: Id
    fiscal_year: FiscalYear
    project_id: Id
    project_name: Text
    role: Canonical("project_role")


class Evaluation(Record):
    """One score given to a project-year (or to one of its participants)."""

    record_type: ClassVar[str] = "evaluation"
    key_fields: ClassVar[tuple[str, ...]] = (
        "fiscal_year", "project_id", "occasion", "perspective", "evaluator_id", "target_staff_id")

    fiscal_year: FiscalYear
    project_id: Id
    occasion: Canonical("occasion")
    perspective: Canonical("perspective") | None = None
    evaluator_id: Id
    evaluator_type: Canonical("evaluator_type")
    target_staff_id: Id | None = None
    score: Score

    @model_validator(mode="after")
    def _occasion_rules(self) -> Evaluation:
        perspective = self.occasion_rules(self.occasion, self.perspective, self.target_staff_id)
        object.__setattr__(self, "perspective", perspective)
        return self

    @staticmethod
    def occasion_rules(occasion: str, perspective: str | None, target_staff_id: str | None) -> str:
        """The perspective a score of this occasion has (``post_project``: leadership unless
        given); a missing one, or a post-project score without the leader, is an error."""
        if occasion == "post_project":
            if target_staff_id is None:
                raise missing("target_staff_id", "終了後評価ではリーダーの職員番号が必要です",
                              "a score after the project needs the leader's staff number")
            return "leadership" if perspective is None else perspective
        if perspective is None:
            raise missing("perspective", "報告会評価では観点が必要です", "a report meeting's score needs its perspective")
        return perspective

    @classmethod
    def settle(cls, values: dict[str, Any]) -> None:
        values["perspective"] = cls.occasion_rules(
            values["occasion"], values["perspective"], values["target_staff_id"])


class Training(Record):
    """A completed training course; its fiscal year is that of the completion date."""

    record_type: ClassVar[str] = "training"
    key_fields: ClassVar[tuple[str, ...]] = ("staff_id", "course", "completed_on")
    date_fields: ClassVar[tuple[str, ...]] = ("completed_on",)
    year_from: ClassVar[str | None] = "completed_on"

    staff_id: Id
    course: Id
    completed_on: Day
    provider: Text | None = None

    @property
    def fiscal_year(self) -> int:
        return fiscal_year_of(self.completed_on)

    def fields(self) -> dict[str, Any]:
        return {**super().fields(), "fiscal_year": self.fiscal_year}


class Qualification(Record):
    """A national IT qualification (情報処理技術者試験 etc.), by canonical id."""

    record_type: ClassVar[str] = "qualification"
    key_fields: ClassVar[tuple[str, ...]] = ("staff_id", "qualification")
    date_fields: ClassVar[tuple[str, ...]] = ("acquired_on",)
    year_from: ClassVar[str | None] = "acquired_on"

    staff_id: Id
    qualification: Canonical("qualification")
    acquired_on: Day

    @property
    def fiscal_year(self) -> int:
        return fiscal_year_of(self.acquired_on)

    def fields(self) -> dict[str, Any]:
        return {**super().fields(), "fiscal_year": self.fiscal_year}


class Skill(Record):
    """A skill level assessed in a fiscal year against a policy's skill framework."""

    record_type: ClassVar[str] = "skill"
    key_fields: ClassVar[tuple[str, ...]] = ("staff_id", "fiscal_year", "framework", "skill", "assessor")

    staff_id: Id
    fiscal_year: FiscalYear
    framework: Id
    skill: Id
    level: Canonical("skill_level")
    assessor: Id | None = None


class Role(Record):
    """A role held in a fiscal year (one row per year held)."""

    record_type: ClassVar[str] = "role"
    key_fields: ClassVar[tuple[str, ...]] = ("staff_id", "fiscal_year", "role")
    date_fields: ClassVar[tuple[str, ...]] = ("appointed_on",)

    staff_id: Id
    fiscal_year: FiscalYear
    role: Canonical("role")
    nominated_for: Canonical("nominated_for") | None = None
    nominated_by: Text | None = None
    recommended_by: Id | None = None
    appointed_by: Id | None = None
    appointed_on: Day | None = None


class Activity(Record):
    """Self-study or instructing in a fiscal year."""

    record_type: ClassVar[str] = "activity"
    key_fields: ClassVar[tuple[str, ...]] = ("staff_id", "fiscal_year", "kind", "detail")

    staff_id: Id
    fiscal_year: FiscalYear
    kind: Canonical("activity_kind")
    detail: Text | None = None


class Certification(Record):
    """A certification granted outside the engine (history); ``source`` is a free note."""

    record_type: ClassVar[str] = "certification"
    key_fields: ClassVar[tuple[str, ...]] = ("staff_id", "policy", "certification")

    staff_id: Id
    policy: Id
    certification: Id
    fiscal_year: FiscalYear
    source: Text | None = None


RECORD_TYPES: dict[str, type[Record]] = {
    cls.record_type: cls
    for cls in (Staff, Project, Evaluation, Training, Qualification, Skill, Role, Activity, Certification)
}


def data_fields(cls: type[Record]) -> list[str]:
    """The columns a record type accepts (its fields but provenance)."""
    return [name for name in cls.model_fields if name != "provenance"]
