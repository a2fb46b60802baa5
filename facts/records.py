"""Fact records: one frozen pydantic model per record type of ``shared/spec/fact-records.md``.

Values are validated and made canonical on the way in (English ids, ``int`` fiscal years,
``datetime.date`` dates, ``float`` scores); after that a record never changes. Every record
keeps where it came from in ``provenance``; explanations cite ``str(record.provenance)``.

Validation errors are pydantic ``ValidationError``s whose messages are one-line Japanese
sentences; :func:`facts.importer.import_paths` turns them into located problems.
"""
from __future__ import annotations

import math
import types
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Callable, ClassVar, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from facts.aliases import canonical, clean
from facts.dates import check_finite, fiscal_year_of, parse_date, parse_fiscal_year

SCORE_MIN = 1.0
SCORE_MAX = 5.0


class Source(BaseModel):
    """Where a record came from: file name, sheet (XLSX) and row as a spreadsheet shows it."""

    model_config = ConfigDict(frozen=True)

    file: str
    sheet: str | None = None
    row: int

    def __str__(self) -> str:
        return f"{self.file}:{self.sheet}:{self.row}" if self.sheet else f"{self.file}:{self.row}"


# --- value types ----------------------------------------------------------------------------

def _text(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return value


text_value = _text  # a raw cell as the text fields store it (never raises: also for raw rows)


def _checked_text(value: Any) -> Any:
    """A text field's value: a number written in its place must be finite (JSON ``NaN``, an XLSX
    cell holding ``inf``...); ``true``/``false`` are not text."""
    if isinstance(value, bool):
        raise ValueError(f"'{str(value).lower()}' は文字ではありません (真偽値は使えません)")
    check_finite(value)
    return _text(value)


def _id(value: Any) -> Any:
    """An id: text, or a whole number (``1001``, ``1001.0``); ``12.5`` is not an id."""
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        raise ValueError(f"{value!r} は番号として使えません (整数ではない数値です。番号は文字か整数で書いてください)")
    return _checked_text(value)


def _score(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"'{value}' は数値ではありません")
    if isinstance(value, str):
        text = clean(value)
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"'{text}' は数値ではありません") from None
        if not math.isfinite(value):  # 'nan', 'inf', 'Infinity', '1e999'
            raise ValueError(f"'{text}' は有限の数値ではありません (nan や inf は使えません)")
    if not isinstance(value, (int, float)):
        raise ValueError(f"'{value}' は数値ではありません")
    check_finite(value)
    try:
        number = float(value)
    except OverflowError:  # a JSON integer of hundreds of digits
        raise ValueError(f"{'-' if value < 0 else ''}{len(str(abs(value)))} 桁の数は評価点の範囲 "
                         f"{SCORE_MIN}-{SCORE_MAX} の外です") from None
    if number > SCORE_MAX:
        raise ValueError(f"{number:g} は上限 {SCORE_MAX} を超えています")
    if number < SCORE_MIN:
        raise ValueError(f"{number:g} は下限 {SCORE_MIN} を下回っています")
    return number


def _canonical(kind: str):
    def check(value: Any) -> Any:
        value = _checked_text(value)
        return canonical(kind, value) if isinstance(value, str) else value

    return BeforeValidator(check)


Text = Annotated[str, BeforeValidator(_checked_text)]
Id = Annotated[str, BeforeValidator(_id)]  # staff, project, evaluator, course... ids
FiscalYear = Annotated[int, BeforeValidator(parse_fiscal_year)]
Day = Annotated[date, BeforeValidator(parse_date)]
Score = Annotated[float, BeforeValidator(_score)]


def Canonical(kind: str) -> Any:  # noqa: N802 - a type factory
    return Annotated[str, _canonical(kind)]


def _missing(column: str, why: str) -> PydanticCustomError:
    return PydanticCustomError("nintei_missing", "値がありません ({why})", {"column": column, "why": why})


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
                raise _missing("target_staff_id", "終了後評価ではリーダーの職員番号が必要です")
            return "leadership" if perspective is None else perspective
        if perspective is None:
            raise _missing("perspective", "報告会評価では観点が必要です")
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


# --- validating rows without building models ------------------------------------------------

_MISSING = object()


class RowValidator:
    """The field values of one record type's raw rows, as the model would validate them, without
    building a model: each field's own validator (memoised per text value: validators are pure),
    then the type check pydantic makes after it, and the record type's ``settle`` rules.

    ``values(raw)`` returns the canonical field values (data fields in field order, ``None`` for
    an absent optional field) of a row the model accepts with nothing but these steps, and
    ``None`` for any other row (a missing value, a value its validator rejects, anything
    unusual): the caller validates that row with the model itself, which says what is wrong in
    its own words. So a row is never accepted here that the model would reject."""

    def __init__(self, cls: type[Record]):
        self.cls = cls
        # (name, validator, type, required, default, memo: text -> value)
        self.fields = [(name, *_field_check(info), {}) for name, info in cls.model_fields.items()
                       if name != "provenance"]
        self.names = frozenset(name for name, *_ in self.fields)

    def values(self, raw: dict[str, Any]) -> dict[str, Any] | None:
        if not self.names.issuperset(raw):
            return None
        out: dict[str, Any] = {}
        get = raw.get
        for name, check, kind, required, default, memo in self.fields:
            value = get(name)
            if value is None or (type(value) is str and not value.strip()):  # blank: absent
                if required:
                    return None
                out[name] = default
                continue
            result = memo.get(value, _MISSING) if type(value) is str else _MISSING
            if result is _MISSING:
                try:
                    result = check(value)
                except (ValueError, TypeError, PydanticCustomError):
                    return None
                if type(result) is not kind or (kind is float and not math.isfinite(result)):
                    return None
                if type(value) is str:
                    if len(memo) > 200_000:  # ids and names barely repeat: keep the memo small
                        memo.clear()
                    memo[value] = result
            out[name] = result
        try:
            self.cls.settle(out)
        except (ValueError, PydanticCustomError):
            return None
        return out


def _field_check(info: Any) -> tuple[Callable[[Any], Any], type, bool, Any]:
    """(before-validator, the type it must give, required, default) of a model field."""
    annotation, metadata = info.annotation, list(info.metadata)
    if get_origin(annotation) in (Union, types.UnionType):  # X | None
        [annotation] = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata += extra
    [check] = [m.func for m in metadata if isinstance(m, BeforeValidator)]
    if annotation not in (str, int, float, date):
        raise TypeError(f"RowValidator: no fast check for a field of type {annotation!r}")
    return check, annotation, info.is_required(), None if info.is_required() else info.default


def year_of(cls: type[Record], values: dict[str, Any]) -> int | None:
    """The fiscal year a record is stored under: its own, or that of its date (``year_from``)."""
    if "fiscal_year" in values:
        return values["fiscal_year"]
    if cls.year_from is not None:
        return fiscal_year_of(values[cls.year_from])
    return None
