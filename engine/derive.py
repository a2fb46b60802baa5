"""Facts as the engine sees them, and the derived facts durable_rules cannot compute itself.

durable_rules has no mean, count or group-by (../shared/notes/durable-rules.md), so the figures a
rule compares are computed here, before anything is asserted, each derived fact carrying the
records it came from. Nothing here compares a figure with a threshold: that is the rules' job.
Each kind of derived fact is declared, with its derivation, in engine/derived/.
"""
from __future__ import annotations

from typing import Any

from .derived import KINDS
from .fact import Fact
from .rulefile import ParamRef, Policy

__all__ = ["BASE_LISTS", "Fact", "all_facts", "base_facts"]

BASE_LISTS = {
    "project": "projects", "training": "trainings", "qualification": "qualifications", "skill": "skills",
    "role": "roles", "activity": "activities", "certification": "certifications",
}


def base_facts(staff_facts, policy: Policy) -> list[Fact]:
    """The staff member's own records as facts (history of certifications: this policy's only).

    A training's course, and a skill of this policy's framework, are read through the policy's
    catalogues: ``course`` / ``skill`` become the catalogue id where the recorded name fits one
    entry (the name as recorded stays in ``course_name``)."""
    out = [Fact("staff", staff_facts.staff.record_id, staff_facts.staff.fields(), staff_facts.staff)]
    for ftype, attr in BASE_LISTS.items():
        for rec in getattr(staff_facts, attr):
            if ftype == "certification" and rec.policy != policy.id:
                continue
            fields = rec.fields()
            fields.setdefault("fiscal_year", getattr(rec, "fiscal_year", None))
            if ftype == "training":
                fields["course_name"] = rec.course
                fields["course"] = policy.resolve("course", rec.course) or rec.course
            elif ftype == "skill" and fields.get("framework") == policy.id:
                fields["skill"] = policy.resolve("skill", rec.skill) or rec.skill
            out.append(Fact(ftype, rec.record_id, fields, rec))
    return out


def all_facts(policy: Policy, values: dict[str, Any], staff_facts, year_facts) -> list[Fact]:
    facts = base_facts(staff_facts, policy)
    base = list(facts)
    for d in policy.derived.values():
        options = {k: values[v.name] if isinstance(v, ParamRef) else v for k, v in d.options.items()}
        facts.extend(KINDS[d.kind].derive(d, options, staff_facts, year_facts, base))
    return facts
