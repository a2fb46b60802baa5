"""``latest_assessment``: per skill of a framework, the latest assessment, its level on a scale."""
from __future__ import annotations

from ..fact import Fact
from ..facttypes import COMMON, FactType, FieldDef
from .kind import Declaration, DerivedKind

FACT_TYPE = FactType("latest_assessment", "最新のスキル評価", "latest skill assessment", {
    **COMMON,
    "framework": FieldDef("text", "フレームワーク", "framework"),
    "skill": FieldDef("text", "スキル", "skill"),
    "level": FieldDef("rank", "レベル", "level"),
    "assessor": FieldDef("text", "評価者", "assessor"),
    "independent": FieldDef("bool", "本人以外による評価", "assessed by someone else"),
}, derived=True)


def check(declaration: Declaration) -> tuple[str, ...]:
    """'scale' names a scale of the policy: the levels of the 'level' field."""
    sname = declaration.options.get("scale")
    if sname not in declaration.scales:
        declaration.problem(f"derived fact '{declaration.name}': 'scale' must name a scale of 'scales:'"
                            f"{declaration.suggest(sname, declaration.scales) if sname else ''}", "scale")
        return ()
    return declaration.scales[sname].values


def latest_assessment(derived, options, staff_facts, year_facts, base) -> list[Fact]:
    """Per skill of the framework: the assessment of the latest fiscal year (<= the review year);
    several in that year: the highest level on the scale. Levels not on the scale are left out."""
    framework = options.get("framework")
    ftype = derived.fact_type
    level_def = ftype.fields["level"]
    staff_id = staff_facts.staff.staff_id
    by_skill: dict[str, list[Fact]] = {}
    for f in base:
        if f.type == "skill" and f.fields.get("framework") == framework and level_def.rank(f.fields.get("level")):
            by_skill.setdefault(f.fields["skill"], []).append(f)
    out = []
    for skill, rows in sorted(by_skill.items()):
        latest_year = max(r.fields["fiscal_year"] for r in rows)
        chosen = max((r for r in rows if r.fields["fiscal_year"] == latest_year),
                     key=lambda r: (level_def.rank(r.fields["level"]), r.id))
        assessor = chosen.fields.get("assessor")
        fields = {"staff_id": staff_id, "fiscal_year": latest_year, "framework": framework, "skill": skill,
                  "level": chosen.fields["level"], "assessor": assessor,
                  "independent": bool(assessor) and assessor != staff_id}
        older = [r for r in rows if r is not chosen]
        notes = {"superseded": [f"{r.fields['fiscal_year']}年度 {r.fields['level']}" for r in
                                sorted(older, key=lambda r: (r.fields["fiscal_year"], r.id))]}
        out.append(Fact(derived.name, f"{derived.name}/{skill}", fields, None, [chosen.record], notes))
    return out


KIND = DerivedKind(FACT_TYPE, ("framework", "scale"), latest_assessment, check)
