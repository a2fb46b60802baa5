"""Facts as the engine sees them, and the derived facts durable_rules cannot compute itself.

durable_rules has no mean, count or group-by (../shared/notes/durable-rules.md), so the figures a
rule compares are computed here, before anything is asserted, each derived fact carrying the
records it came from. Nothing here compares a figure with a threshold: that is the rules' job.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any, Callable

from facts.records import Record

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
            if fdef.type == "score":
                v = round(float(v) * SCORE_SCALE)
            elif fdef.type == "rank":
                v = fdef.rank(v)
                if v is None:
                    continue
            out[name] = v
        return out


_RECORD_FIELDS = Record.fields

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


def base_fact(ftype: str, rec, policy: Policy) -> Fact | None:
    """One record as a fact. A training's course, and a skill of this policy's framework, are read
    through the policy's catalogues: ``course`` / ``skill`` become the catalogue id where the
    recorded name fits one entry (the name as recorded stays in ``course_name``). Another policy's
    certification history is no fact of this one (None)."""
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


def project_scores(derived: Derived, values: dict[str, Any], staff_facts, year_facts, base) -> list[Fact]:
    """Per project-year of the staff member: the report score (mean over the required perspectives
    of each perspective's mean) and, for a leader, the members' score: the mean of the post_project
    scores given to them by the project-year's other participants (an executive's, an outsider's or
    another project's member's score is left out, and named in the notes). A perspective with no
    score, or a led year with no members' score, leaves that score unavailable."""
    perspectives = _opt(derived, "perspectives", values)
    evaluations = year_facts.evaluations
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
        given = [e for e in rows if e.occasion == "post_project" and e.target_staff_id == staff_id]
        members = year_facts.participants.get((p.fiscal_year, p.project_id), set()) - {staff_id}
        member_rows = [e for e in given if e.evaluator_id in members]  # members' scores only
        left_out = [e for e in given if e.evaluator_id not in members]
        member = fmean(e.score for e in member_rows) if member_rows else None
        used.extend(member_rows)
        report_score = fmean(means[q] for q in perspectives) if not missing and perspectives else None
        fields = {
            "staff_id": staff_id, "fiscal_year": p.fiscal_year, "project_id": p.project_id,
            "project_name": p.project_name, "role": p.role,
            "report_score": _round(report_score), "member_score": _round(member),
        }
        notes = {"perspective_means": {q: _round(v) for q, v in means.items()},
                 "missing_perspectives": missing, "member_scores": len(member_rows),
                 "left_out": [f"{e.provenance}（評価者 {e.evaluator_id}）" for e in left_out]}
        out.append(Fact(derived.name, f"{derived.name}/{p.record_id}", fields, None, [p, *used], notes))
    return out


def _round(v: float | None) -> float | None:
    # scores enter the engine as integers x10000: round once, here, so the rules and the
    # explanation see the same figure
    return None if v is None else round(v * SCORE_SCALE) / SCORE_SCALE


def _opt(derived: Derived, key: str, values: dict[str, Any]) -> Any:
    v = derived.options.get(key)
    return values[v.name] if isinstance(v, ParamRef) else v


def department_segments(derived: Derived, values, staff_facts, year_facts, base) -> list[Fact]:
    """The department of the year's roster row, whole and split into its segments (on whitespace
    or '/'), one fact each: 「総務部 情報政策課」 matches a listed 情報政策課."""
    staff = staff_facts.staff
    dept = " ".join(unicodedata.normalize("NFKC", staff.department or "").split())
    if not dept:
        return []
    names = [dept] + [seg for seg in re.split(r"[\s/]+", dept) if seg and seg != dept]
    return [Fact(derived.name, f"{derived.name}/{staff.record_id}/{i}",
                 {"staff_id": staff.staff_id, "fiscal_year": staff.fiscal_year, "name": name, "department": dept},
                 None, [staff]) for i, name in enumerate(dict.fromkeys(names))]


def latest_assessment(derived: Derived, values, staff_facts, year_facts, base) -> list[Fact]:
    """Per skill of the framework: the assessment of the latest fiscal year (<= the review year);
    several in that year: the highest level on the scale. Levels not on the scale are left out."""
    framework = _opt(derived, "framework", values)
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


def acquired_skills(derived: Derived, values, staff_facts, year_facts, base) -> list[Fact]:
    """The skills held: from skill records of the framework at an acquired level, and from
    completed trainings through the course -> skills mapping; one fact per skill and source."""
    framework = _opt(derived, "framework", values)
    levels = set(_opt(derived, "levels", values) or ("acquired",))
    mapping = _opt(derived, "from_training", values) or {}
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


DERIVATIONS: dict[str, Callable[..., list[Fact]]] = {
    "project_scores": project_scores,
    "department_segments": department_segments,
    "latest_assessment": latest_assessment,
    "acquired_skills": acquired_skills,
}


def all_facts(policy: Policy, values: dict[str, Any], staff_facts, year_facts) -> list[Fact]:
    facts = base_facts(staff_facts, policy)
    base = list(facts)
    for d in policy.derived.values():
        facts.extend(DERIVATIONS[d.kind](d, values, staff_facts, year_facts, base))
    return facts
