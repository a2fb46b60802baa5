"""The judge: one staff member's facts in, the firings and outcomes out. Pure.

``judge(compiled, staff_facts, year_facts, grants)`` reads no database and no file and keeps no
state between calls beyond the compiled ruleset registered once per process: the review, the
rendering of a stored decision, replay and the differential tests all call it. What it returns
(a :class:`Judgement`) is everything a decision's explanation is rendered from: the facts as the
rules saw them (base records, derived facts, earlier grants) and what fired in durable_rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from facts.records import Certification

from . import durable_seam
from .compile import Compiled, Firing, Firings
from .derive import Fact, all_facts


@dataclass
class Judgement:
    staff: Any  # the roster row of the year judged (facts.records.Staff)
    facts: list[Fact]  # base, then derived, then earlier grants: the order the explainer reads
    firings: Firings  # this staff member's own copy
    outcomes: dict[str, str]  # certification id -> certified / held / not_certified


def grant_facts(facts: list[Fact], grants: list[Certification], fiscal_year: int) -> list[Fact]:
    """Certifications granted by earlier reviews, as facts, unless the history records them too."""
    out = []
    for rec in grants:
        if rec.fiscal_year < fiscal_year and not any(
                f.type == "certification" and f.fields.get("certification") == rec.certification for f in facts):
            out.append(Fact("certification", f"certification/review/{rec.certification}",
                            {**rec.fields(), "fiscal_year": rec.fiscal_year}, rec))
    return out


def outcomes(compiled: Compiled, firings: Firings) -> dict[str, str]:
    """A certification is held (its held rule fired), else certified (its root condition is met),
    else not certified."""
    return {c.id: "held" if c.id in firings.held else ("certified" if c.condition.id in firings.met
                                                      else "not_certified")
            for c in compiled.policy.certifications}


def judge(compiled: Compiled, staff_facts, year_facts, grants: list[Certification] = (),
          revoked: frozenset[str] = frozenset()) -> Judgement:
    """``revoked``: certifications ended by a revocation in force: neither the imported history
    nor ``grants`` (which the caller has already cleared of them) make them held."""
    facts = all_facts(compiled.policy, compiled.values, staff_facts, year_facts)
    if revoked:
        facts = [f for f in facts if not (f.type == "certification" and f.fields.get("certification") in revoked)]
    facts.extend(grant_facts(facts, list(grants), compiled.fiscal_year))
    types, read = compiled.types, compiled.read_types
    durable_seam.ensure_ruleset(compiled.name, compiled.build)
    compiled.firings.reset()
    durable_seam.judge(compiled.name, staff_facts.staff.staff_id,
                       [f.durable(types[f.type]) for f in facts if f.type in read], compiled.stages)
    fired = compiled.firings
    mine = Firings(items=[Firing(f.kind, f.node, f.facts, f.alt) for f in fired.items if f.kind != "met"],
                   met=set(fired.met), held=set(fired.held), outcomes=set(fired.outcomes))
    return Judgement(staff_facts.staff, facts, mine, outcomes(compiled, mine))
