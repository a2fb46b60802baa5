"""The views each plan asks for, as tables (a sheet of the workbook, a section of the page). Which
views a policy gets follows from what its rule file holds, not from its name:

- a ``course_matrix`` table (垂水市): training compliance, each role holder's missing ● courses for
  every column that applies to them in the year (engine/report/compliance.py);
- ``targets.training_plan`` (各務原市): training-plan compliance, per course the staff it targets
  and who has not completed it (engine/report/training_plan.py);
- a ``skill_map`` table (小山市): the skill gaps per person and per skill, read from the
  explanation of ``skill_standard`` (engine/report/skill_gaps.py);
- certifications by level, ``<track>_l<n>`` (五霞町): each person's level per track, and how many
  of the staff on each track stand at each level (engine/report/track_levels.py).

Every view is written in the report's language (``lang``: ja or en).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from engine.model import Decision

GRANTED = ("certified", "held")
LEVEL_ID = re.compile(r"(.+)_l(\d+)")  # 五霞町's certifications: <track>_l<level>


@dataclass
class View:
    title: str
    note: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def views_for(db, policy, fiscal_year: int, decisions: list[Decision], lang: str = "ja") -> list[View]:
    from engine.report.compliance import training_compliance
    from engine.report.skill_gaps import skill_gaps
    from engine.report.track_levels import track_levels
    from engine.report.training_plan import training_plan

    out: list[View] = []
    if "course_matrix" in policy.parameters:
        out.append(training_compliance(db, policy, fiscal_year, decisions, lang))
    if (policy.targets or {}).get("training_plan"):
        out.append(training_plan(db, policy, fiscal_year, lang))
    if "skill_map" in policy.parameters:
        out += skill_gaps(policy, decisions, lang)
    if any(LEVEL_ID.fullmatch(c.id) for c in policy.certifications):
        out += track_levels(policy, decisions, lang)
    return out


def segments(department: str) -> set[str]:
    dept = " ".join(unicodedata.normalize("NFKC", department or "").split())
    return {dept, *(s for s in re.split(r"[\s/]+", dept) if s)}


def completed(policy, facts) -> set[str]:
    return {cid for t in facts.trainings if (cid := policy.resolve("course", t.course))}


def listed(items: list[str], lang: str, none: bool = False) -> str:
    """Names in a cell: 「、」 between them in Japanese, ", " in English; 「なし」 / "none" for none
    when ``none``."""
    text = ("、" if lang == "ja" else ", ").join(items)
    return text or ((("なし" if lang == "ja" else "none")) if none else "")
