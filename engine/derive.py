"""Facts as the engine sees them, and the derived facts durable_rules cannot compute itself.

durable_rules has no mean, count or group-by (../shared/notes/durable-rules.md), so the figures a
rule compares are computed here, before anything is asserted, each derived fact carrying the
records it came from. Nothing here compares a figure with a threshold: that is the rules' job.
Each kind of derived fact is declared, with its derivation, in engine/derived/.
"""
from __future__ import annotations

from typing import Any

from facts.records import Record

from .derived import KINDS
from .fact import Fact
from .rulefile import ParamRef, Policy

__all__ = ["BASE_LISTS", "Fact", "all_facts", "base_fact", "base_facts", "record_fields"]

BASE_LISTS = {
    "project": "projects", "training": "trainings", "qualification": "qualifications", "skill": "skills",
    "role": "roles", "activity": "activities", "certification": "certifications",
}


def base_facts(staff_facts, policy: Policy) -> list[Fact]:
    """The staff member's own records as facts (history of certifications: this policy's only)."""
    out = [base_fact("staff", staff_facts.staff, policy)]
    for ftype, attr in BASE_LISTS.items():
        for rec in getattr(staff_facts, attr):
            fact = base_fact(ftype, rec, policy)
            if fact is not None:
                out.append(fact)
    return out


def base_fact(ftype: str, rec, policy: Policy) -> Fact | None:
    """One record as a fact (a stored decision's facts are rebuilt one by one with it). A
    training's course, and a skill of this policy's framework, are read through the policy's
    catalogues: ``course`` / ``skill`` become the catalogue id where the recorded name fits one
    entry (the name as recorded stays in ``course_name``). Another policy's certification history
    is no fact of this one (None)."""
    if ftype == "staff":
        return Fact("staff", rec.record_id, record_fields(rec), rec)
    if ftype == "certification" and rec.policy != policy.id:
        return None
    fields = record_fields(rec)
    fields.setdefault("fiscal_year", getattr(rec, "fiscal_year", None))
    if ftype == "training":
        fields["course_name"] = rec.course
        fields["course"] = policy.resolve("course", rec.course) or rec.course
    elif ftype == "skill" and fields.get("framework") == policy.id:
        fields["skill"] = policy.resolve("skill", rec.skill) or rec.skill
    return Fact(ftype, rec.record_id, fields, rec)


_RECORD_FIELDS = Record.fields
_PLAIN: dict[type, tuple[tuple[str, ...], bool]] = {}


def record_fields(rec) -> dict[str, Any]:
    """``rec.fields()`` (the data fields, no provenance) without pydantic's serializer: the records
    are flat, so their field values are the same objects model_dump would return."""
    spec = _PLAIN.get(type(rec))
    if spec is None:
        cls = type(rec)
        names = tuple(n for n in cls.model_fields if n != "provenance")
        spec = _PLAIN[cls] = (names, cls.fields is not _RECORD_FIELDS)
    names, own = spec
    if own:  # a record type that adds to its fields (the fiscal year of a dated record)
        return rec.fields()
    d = rec.__dict__
    return {n: d[n] for n in names}


def all_facts(policy: Policy, values: dict[str, Any], staff_facts, year_facts) -> list[Fact]:
    facts = base_facts(staff_facts, policy)
    base = list(facts)
    for d in policy.derived.values():
        options = {k: values[v.name] if isinstance(v, ParamRef) else v for k, v in d.options.items()}
        facts.extend(KINDS[d.kind].derive(d, options, staff_facts, year_facts, base))
    return facts
