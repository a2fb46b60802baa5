"""Derived facts: the figures durable_rules cannot compute itself (means, latest, group-by).

The registry of derived-fact kinds: each kind is declared once, in a module of its own, with its
fact type, the options a rule file gives it and their checks, and the function that derives its
facts (``DerivedKind``). The rule-file loader (engine/rulefile/declarations.py) checks
declarations against it, ``engine.rulefile.Derived.fact_type`` reads its fact types and
engine/derive.py runs its functions. A new kind is a new module here and a line in ``KINDS``.

    project_scores       per project-year, the report score and a leader's members' score
    department_segments  the year's department, whole and split into its segments
    latest_assessment    per skill, the latest assessment's level on one of the policy's scales
    acquired_skills      the skills held, from assessments and from completed trainings
"""
from __future__ import annotations

from ..facttypes import FactType
from . import acquired_skills, department_segments, latest_assessment, project_scores
from .kind import Declaration, DerivedKind

KINDS: dict[str, DerivedKind] = {k.name: k for k in (
    project_scores.KIND, department_segments.KIND, latest_assessment.KIND, acquired_skills.KIND)}

# The fact type of each kind (a declaration's own type: engine.rulefile.Derived.fact_type).
DERIVED_KINDS: dict[str, FactType] = {name: k.fact_type for name, k in KINDS.items()}

__all__ = ["DERIVED_KINDS", "KINDS", "Declaration", "DerivedKind"]
