"""Facts as the engine sees them, and the derived facts durable_rules cannot compute itself.

durable_rules has no mean, count or group-by (../shared/notes/durable-rules.md), so the figures a
rule compares are computed here, before anything is asserted, each derived fact carrying the
records it came from. Nothing here compares a figure with a threshold: that is the rules' job.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean
from typing import Any, Callable

from .facttypes import SCORE_SCALE, FactType
from .rulefile import Derived, ParamRef, Policy


@dataclass
class Fact:
    type: str
    id: str
    fields: dict[str, Any]
    record: Any = None  # the source record of a base fact (facts.records.Record)
    derived_from: list[Any] = field(default_factory=list)  # source records of a derived fact
    notes: dict[str, Any] = field(default_factory=dict)  # figures shown in explanations only

    def durable(self, ftype: FactType) -> dict[str, Any]:
        out: dict[str, Any] = {"t": self.type, "id": self.id}
        for name, fdef in ftype.fields.items():
            v = self.fields.get(name)
            if v is None:
                continue  # a missing value matches no test
            out[name] = round(float(v) * SCORE_SCALE) if fdef.type == "score" else v
        return out


BASE_LISTS = {
    "project": "projects", "training": "trainings", "qualification": "qualifications", "skill": "skills",
    "role": "roles", "activity": "activities", "certification": "certifications",
}


def base_facts(staff_facts, policy: Policy) -> list[Fact]:
    """The staff member's own records as facts (history of certifications: this policy's only)."""
    out = [Fact("staff", staff_facts.staff.record_id, staff_facts.staff.fields(), staff_facts.staff)]
    for ftype, attr in BASE_LISTS.items():
        for rec in getattr(staff_facts, attr):
            if ftype == "certification" and rec.policy != policy.id:
                continue
            fields = rec.fields()
            fields.setdefault("fiscal_year", getattr(rec, "fiscal_year", None))
            out.append(Fact(ftype, rec.record_id, fields, rec))
    return out


def project_scores(derived: Derived, values: dict[str, Any], staff_facts, evaluations) -> list[Fact]:
    """Per project-year of the staff member: the report score (mean over the required perspectives
    of each perspective's mean) and, for a leader, the members' score (mean of post_project scores
    given to them). A perspective with no score leaves the report score unavailable."""
    perspectives = _opt(derived, "perspectives", values)
    staff_id = staff_facts.staff.staff_id
    out = []
    for p in staff_facts.projects:
        rows = evaluations.get((p.fiscal_year, p.project_id), [])
        used, means, missing = [], {}, []
        for q in perspectives:
            report = [e for e in rows if e.occasion == "report_meeting" and e.perspective == q]
            mine = [e for e in report if e.target_staff_id == staff_id]
            chosen = mine or [e for e in report if not e.target_staff_id]
            if chosen:
                means[q] = fmean(e.score for e in chosen)
                used.extend(chosen)
            else:
                missing.append(q)
        member_rows = [e for e in rows if e.occasion == "post_project" and e.target_staff_id == staff_id]
        member = fmean(e.score for e in member_rows) if member_rows else None
        used.extend(member_rows)
        report_score = fmean(means[q] for q in perspectives) if not missing and perspectives else None
        fields = {
            "staff_id": staff_id, "fiscal_year": p.fiscal_year, "project_id": p.project_id,
            "project_name": p.project_name, "role": p.role,
            "report_score": _round(report_score), "member_score": _round(member),
        }
        notes = {"perspective_means": {q: _round(v) for q, v in means.items()},
                 "missing_perspectives": missing, "member_scores": len(member_rows)}
        out.append(Fact(derived.name, f"{derived.name}/{p.record_id}", fields, None, [p, *used], notes))
    return out


def _round(v: float | None) -> float | None:
    # scores enter the engine as integers x10000: round once, here, so the rules and the
    # explanation see the same figure
    return None if v is None else round(v * SCORE_SCALE) / SCORE_SCALE


def _opt(derived: Derived, key: str, values: dict[str, Any]) -> Any:
    v = derived.options.get(key)
    return values[v.name] if isinstance(v, ParamRef) else v


DERIVATIONS: dict[str, Callable[..., list[Fact]]] = {"project_scores": project_scores}


def all_facts(policy: Policy, values: dict[str, Any], staff_facts, year_facts) -> list[Fact]:
    facts = base_facts(staff_facts, policy)
    for d in policy.derived.values():
        facts.extend(DERIVATIONS[d.kind](d, values, staff_facts, year_facts.evaluations))
    return facts
