"""The fact types a rule file may name, their fields and the type of each field.

Rules may only name fields declared here (style.md #9): the loader checks every ``where`` against
this table. Base types mirror facts/records.py; each derived type is declared with its kind in
engine/derived/.

Field types:
    text      compared with ==, !=, in, not_in
    enum:D    like text, values from domain D (checked at load)
    int       ordinary integers (counts)
    year      a fiscal year (int); compared with every operator
    score     1.0-5.0, asserted into durable_rules as an integer x10000 (no float trouble:
              a mean is rounded to 4 decimals once, so rules and explanations agree)
    bool      true / false
    rank      a level on an ordinal scale declared in the rule file (``scales:``): compared by
              its position on the scale (c < b < a), never as a string; asserted as 1, 2, 3...
"""
from __future__ import annotations

from dataclasses import dataclass, field

SCORE_SCALE = 10_000  # scores enter durable_rules as integers: round(score * 10000)

DOMAINS: dict[str, tuple[str, ...]] = {
    "grade": ("staff", "supervisor", "manager", "executive"),
    "project_role": ("leader", "member"),
    "perspective": ("policy", "leadership", "technical"),
    "occasion": ("report_meeting", "post_project"),
    "role_kind": ("support_team", "nominee", "dx_promoter", "dx_leader", "digital_promoter"),
    "activity_kind": ("self_study", "ojt_instructor", "system_training_instructor", "tool_instructor"),
    "acquired_via": ("assessment", "training"),
    "qualification": ("it_passport", "sg", "fe", "ap", "st", "sa", "pm", "nw", "db", "es", "sm", "au", "sc"),
}

ORDERED = {"int", "year", "score", "rank"}


@dataclass(frozen=True)
class FieldDef:
    type: str
    ja: str
    en: str
    scale: tuple[str, ...] = ()  # rank: the levels, lowest first

    def rank(self, level: str | None) -> int | None:
        """The position (1-based) of a level on this field's scale; None when not on it."""
        try:
            return self.scale.index(str(level)) + 1
        except ValueError:
            return None


@dataclass(frozen=True)
class FactType:
    name: str
    ja: str
    en: str
    fields: dict[str, FieldDef] = field(default_factory=dict)
    derived: bool = False


def _f(type_: str, ja: str, en: str) -> FieldDef:
    return FieldDef(type_, ja, en)


COMMON = {"staff_id": _f("text", "職員番号", "staff id"), "fiscal_year": _f("year", "年度", "fiscal year")}

BASE_TYPES: dict[str, FactType] = {
    t.name: t
    for t in [
        FactType("staff", "職員", "staff", {**COMMON, "name": _f("text", "氏名", "name"),
                 "department": _f("text", "所属", "department"), "grade": _f("enum:grade", "職級", "grade")}),
        FactType("project", "プロジェクト参加", "project participation", {**COMMON,
                 "project_id": _f("text", "プロジェクト番号", "project id"),
                 "project_name": _f("text", "プロジェクト名", "project name"),
                 "role": _f("enum:project_role", "役割", "role")}),
        FactType("training", "研修受講", "training", {**COMMON, "course": _f("text", "研修", "course"),
                 "course_name": _f("text", "研修名（記録のまま）", "course as recorded"),
                 "provider": _f("text", "主催", "provider")}),
        FactType("qualification", "資格", "qualification", {**COMMON,
                 "qualification": _f("enum:qualification", "資格", "qualification")}),
        FactType("skill", "スキル評価", "skill assessment", {**COMMON, "framework": _f("text", "フレームワーク", "framework"),
                 "skill": _f("text", "スキル", "skill"), "level": _f("text", "レベル", "level"),
                 "assessor": _f("text", "評価者", "assessor")}),
        FactType("role", "役割・任命", "role", {**COMMON, "role": _f("enum:role_kind", "役割", "role"),
                 "nominated_for": _f("text", "推薦区分", "nominated for")}),
        FactType("activity", "活動", "activity", {**COMMON, "kind": _f("enum:activity_kind", "活動区分", "kind"),
                 "detail": _f("text", "内容", "detail")}),
        FactType("certification", "認定", "certification", {**COMMON,
                 "certification": _f("text", "認定", "certification")}),
    ]
}


def domain_of(fdef: FieldDef) -> str | None:
    return fdef.type.split(":", 1)[1] if fdef.type.startswith("enum:") else None
