"""``acquired_skills``: the skills held, from assessments and from completed trainings."""
from __future__ import annotations

from ..fact import Fact
from ..facttypes import COMMON, FactType, FieldDef
from .kind import Declaration, DerivedKind

FACT_TYPE = FactType("acquired_skills", "習得スキル", "acquired skill", {
    **COMMON,
    "skill": FieldDef("text", "スキル", "skill"),
    "via": FieldDef("enum:acquired_via", "習得の根拠", "acquired through"),
    "course": FieldDef("text", "研修", "course"),
}, derived=True)


def check(declaration: Declaration) -> tuple[str, ...]:
    """'from_training' names a mapping parameter (course -> skills)."""
    if "from_training" in declaration.options and declaration.parameter_type("from_training") != "mapping":
        declaration.problem(f"derived fact '{declaration.name}': 'from_training' takes a mapping parameter"
                            " (course -> skills)", "from_training")
    return ()


def acquired_skills(derived, options, staff_facts, year_facts, base) -> list[Fact]:
    """The skills held: from skill records of the framework at an acquired level, and from
    completed trainings through the course -> skills mapping; one fact per skill and source."""
    framework = options.get("framework")
    levels = set(options.get("levels") or ("acquired",))
    mapping = options.get("from_training") or {}
    staff_id = staff_facts.staff.staff_id
    out = []
    for f in base:
        if f.type == "skill" and f.fields.get("framework") == framework and f.fields.get("level") in levels:
            fields = {"staff_id": staff_id, "fiscal_year": f.fields["fiscal_year"], "skill": f.fields["skill"],
                      "via": "assessment", "course": None}
            out.append(Fact(derived.name, f"{derived.name}/{f.id}", fields, None, [f.record]))
        elif f.type == "training" and f.fields.get("course") in mapping:
            for skill in mapping[f.fields["course"]]:
                fields = {"staff_id": staff_id, "fiscal_year": f.fields["fiscal_year"], "skill": skill,
                          "via": "training", "course": f.fields["course"]}
                out.append(Fact(derived.name, f"{derived.name}/{skill}/{f.id}", fields, None, [f.record]))
    return out


KIND = DerivedKind(FACT_TYPE, ("framework", "levels", "from_training"), acquired_skills, check)
