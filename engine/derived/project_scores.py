"""``project_scores``: per project-year, the report score and a leader's members' score."""
from __future__ import annotations

from math import fsum
from typing import Any

from ..fact import Fact
from ..facttypes import COMMON, SCORE_SCALE, FactType, FieldDef
from .kind import Declaration, DerivedKind

FACT_TYPE = FactType("project_scores", "プロジェクト年度の評価", "project-year scores", {
    **COMMON,
    "project_id": FieldDef("text", "プロジェクト番号", "project id"),
    "project_name": FieldDef("text", "プロジェクト名", "project name"),
    "role": FieldDef("enum:project_role", "役割", "role"),
    "report_score": FieldDef("score", "報告会評価", "report score"),
    "member_score": FieldDef("score", "メンバー評価", "members' score"),
}, derived=True)


def check(declaration: Declaration) -> tuple[str, ...]:
    if "perspectives" not in declaration.options:
        declaration.problem("derived fact kind project_scores needs 'perspectives'")
    return ()


def project_scores(derived, options: dict[str, Any], staff_facts, year_facts, base) -> list[Fact]:
    """Per project-year of the staff member: the report score (mean over the required perspectives
    of each perspective's mean) and, for a leader, the members' score: the mean of the post_project
    scores given to them by the project-year's other participants (an executive's, an outsider's or
    another project's member's score is left out, and named in the notes). A perspective with no
    score, or a led year with no members' score, leaves that score unavailable."""
    perspectives = options.get("perspectives")
    evaluations = year_facts.evaluations
    staff_id = staff_facts.staff.staff_id
    out = []
    for p in staff_facts.projects:
        report: dict[str, list] = {}  # perspective -> its report-meeting rows, in stored order
        given = []  # post-project scores given to this staff member
        for e in evaluations.get((p.fiscal_year, p.project_id), ()):
            if e.occasion == "report_meeting":
                report.setdefault(e.perspective, []).append(e)
            elif e.occasion == "post_project" and e.target_staff_id == staff_id:
                given.append(e)
        used, means, missing = [], {}, []
        for q in perspectives:
            rows = report.get(q, ())
            mine = [e for e in rows if e.target_staff_id == staff_id]
            chosen = mine or [e for e in rows if not e.target_staff_id]
            if chosen:
                means[q] = _mean([e.score for e in chosen])
                used.extend(chosen)
            else:
                missing.append(q)
        members = year_facts.participants.get((p.fiscal_year, p.project_id), set()) - {staff_id}
        member_rows = [e for e in given if e.evaluator_id in members]  # members' scores only
        left_out = [e for e in given if e.evaluator_id not in members]
        member = _mean([e.score for e in member_rows]) if member_rows else None
        used.extend(member_rows)
        report_score = _mean([means[q] for q in perspectives]) if not missing and perspectives else None
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


def _mean(values: list[float]) -> float:
    return fsum(values) / len(values)  # statistics.fmean, without its per-call overhead


def _round(v: float | None) -> float | None:
    # scores enter the engine as integers x10000: round once, here, so the rules and the
    # explanation see the same figure
    return None if v is None else round(v * SCORE_SCALE) / SCORE_SCALE


KIND = DerivedKind(FACT_TYPE, ("perspectives",), project_scores, check)
