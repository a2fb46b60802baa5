"""The reference evaluator: the rule language of docs/rules.md as plain Python.

An independent second opinion on the production engine (which compiles rule files into
durable_rules). It reads the same loaded rule files (engine.rulefile) and judges one staff
member's records directly; nothing of the engine's pipeline is imported. Its meaning comes from
docs/rules.md, shared/policies.md and shared/spec/fact-records.md.

Every condition evaluates to one of three values (Kleene logic):
    True   met
    False  not met: the records show it unsatisfied, or show nothing of what it asks
    None   records missing: unmet only because the records that exist are incomplete (a report
           meeting lacking a required perspective, a led project-year with no members' score, a
           skill record without a level); with complete records it might be met
all = and, any / cases = or, not None = None, at_least N of = N met (None when the unknown ones
could make up the count).

Decisions taken where the documents are silent (each one a reading of the policy text):
 1. `staff` and `department_segments` facts come from the roster row of the review year only
    ("the year's department"; a role "in year Y" is decided by that year's grade and department;
    with earlier rows a promoted person would match two roles of Oyama's skill map at once).
    Every other fact is of years <= Y (trainings and qualifications by the fiscal year of their date).
 2. report_score: a perspective with no usable report-meeting row makes the report score
    unavailable, and that is records missing also when the project-year has no report-meeting rows
    at all (the project row exists; its evaluation is what is incomplete). The perspective means are
    averaged unrounded; the final mean is rounded once to 4 decimals (round(x, 4)); likewise the
    members' score. Rows targeting another participant are ignored for this participant.
 3. member_score exists only for a project-year the person led (None, i.e. blank and not missing,
    for a member's project-year). Members are the participants (project rows of the same project and
    fiscal year) other than the leader, as far as `year` holds them: YearFacts keeps the records of
    the review year's roster only, so a participant who has since left is not known as a member and
    their post_project score is left out unless `participants` supplies them
    (participants_of(load_year(db, y) for the earlier years)).
 4. latest_assessment: per skill (catalogue id via Policy.resolve), the records of the latest fiscal
    year <= Y; of those the highest level on the scale; on a tie an independent assessor wins.
    `independent`: an assessor is recorded and is neither the staff id nor the person's name; a blank
    assessor is not independent (nothing shows someone else assessed). A level that is blank or not
    on the scale is unusable; when no record of the latest year has a usable level the fact's level
    is unavailable (records missing) -- an earlier year's level is not used instead.
 5. acquired_skills: a skill record of the framework without a level may be an acquired skill:
    a fact whose existence is unknown (records missing).
 6. `certified X` is met when X's outcome in this review is held or certified; when X is unmet only
    because records are missing, so is the `certified` node. X's inner conditions are not copied into
    the asking certification's `met`.
 7. `held`: validity permanent and a certification record of this policy with fiscal_year < Y
    (imported history or earlier_grants; the policy may be written as the municipality's Japanese
    name and the certification as its Japanese label, as fact-records.md allows). A history row of the review year itself does not make it
    held (nor does it count for `certified X`); it is still a `certification` fact.
 8. `exists ... as/with`: the node is met when one fact passes its tests AND the inner condition
    holds for that same fact. In `met`, an inner node is met when it held for some fact that passed
    the outer tests (so order of facts never matters); inner nodes of a condition whose outer tests
    no fact passes are not evaluated and not listed.
 9. A held certification's condition is still evaluated, so its `met` shows today's facts.
10. `cases`: a case whose `when` is not met is not met and its `then` is not evaluated (a case that
    does not apply lacks nothing, so nothing under it is reported missing or listed in `met`).
11. Text comparisons are after NFKC and trimming (department names of a parameter list vs the
    roster); a blank field equals only null (in an `in` list), is `ne` anything else, and fails
    every ordering. Ordering on a scale field compares positions; a level off the scale fails.
"""
from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from engine.rulefile import BindingRef, Node, ParamRef, Policy, ReviewYear
from facts.records import Certification
from facts.store import StaffFacts, YearFacts

NA = object()  # a field that incomplete records cannot give (e.g. a report score lacking a perspective)
UNSURE = "_unsure"  # a fact that may exist: its record is incomplete
CMP = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gte": operator.ge,
       "lt": operator.lt, "lte": operator.le}


@dataclass(frozen=True)
class RefDecision:
    outcome: str  # "certified" | "held" | "not_certified"
    met: dict[str, bool]  # node id -> met, for every condition node evaluated
    missing: frozenset[str]  # ids of nodes unmet because records are incomplete


def judge_reference(policy: Policy, fiscal_year: int, staff: StaffFacts, year: YearFacts,
                    earlier_grants: Iterable[Certification] = (),
                    participants: Mapping[tuple[int, str], set[str]] | None = None) -> dict[str, RefDecision]:
    """Every certification of ``policy`` for one staff member in the review of ``fiscal_year``.

    ``participants`` optionally maps (fiscal_year, project_id) to every participant's staff id,
    for project-years whose members are no longer on the roster (decision 3)."""
    judge = _Judge(policy, fiscal_year, staff, year, list(earlier_grants), participants)
    return {c.id: judge.decide(c.id)[0] for c in policy.certifications}


def participants_of(*years: YearFacts) -> dict[tuple[int, str], set[str]]:
    """(fiscal_year, project_id) -> its participants' staff ids, gathered from the YearFacts of
    several years (``load_year(db, y)`` for each earlier y): members who have left the roster since."""
    out: dict[tuple[int, str], set[str]] = {}
    for year in years:
        for person in year.by_staff.values():
            for p in person.projects:
                out.setdefault((p.fiscal_year, p.project_id), set()).add(p.staff_id)
    return out


# ---------------------------------------------------------------- three-valued logic

def _and(states: list) -> bool | None:
    return False if False in states else True if all(s is True for s in states) else None


def _or(states: list) -> bool | None:
    return True if True in states else None if None in states else False


def _not(state: bool | None) -> bool | None:
    return None if state is None else not state


def _same(value: Any) -> Any:
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def _mean(scores: list[float]) -> Any:
    return round(sum(scores) / len(scores), 4) if scores else NA


def _enough(values: list, n: int, consecutive: bool) -> bool:
    """Are there n facts whose values are all different (and, if asked, consecutive years)?"""
    distinct = sorted({v for v in values if v is not None and v is not NA})
    if not consecutive:
        return len(distinct) >= n
    run = best = 0
    for i, v in enumerate(distinct):
        run = run + 1 if i and v == distinct[i - 1] + 1 else 1
        best = max(best, run)
    return best >= n


# ---------------------------------------------------------------- the judge

class _Judge:
    def __init__(self, policy: Policy, fiscal_year: int, staff: StaffFacts, year: YearFacts,
                 earlier: list[Certification], participants):
        self.policy, self.fy, self.staff, self.year = policy, fiscal_year, staff, year
        self.participants = participants
        self.types = policy.fact_types()
        labels = {c.label.ja: c.id for c in policy.certifications}
        self.granted = [{**c.fields(), "policy": policy.id, "certification": labels.get(c.certification, c.certification)}
                        for c in [*staff.certifications, *earlier]
                        if c.policy in (policy.id, policy.municipality.ja) and c.staff_id == staff.staff_id
                        and c.fiscal_year <= fiscal_year]
        self.facts: dict[str, list[dict]] = {}
        self.decisions: dict[str, tuple[RefDecision, bool | None]] = {}
        self.named: dict[str, tuple[bool | None, dict]] = {}

    def param(self, name: str) -> Any:
        return self.policy.parameters[name].value_for(self.fy)[0]

    def value(self, x: Any) -> Any:
        return self.param(x.name) if isinstance(x, ParamRef) else x

    # -- certifications
    def decide(self, cert_id: str) -> tuple[RefDecision, bool | None]:
        if cert_id not in self.decisions:
            cert = self.policy.certification(cert_id)
            states: dict[str, bool | None] = {}
            state = self.eval(cert.condition, {}, states)
            held = cert.validity == "permanent" and any(
                g["certification"] == cert_id and g["fiscal_year"] < self.fy for g in self.granted)
            outcome = "held" if held else "certified" if state is True else "not_certified"
            decision = RefDecision(outcome, {k: v is True for k, v in states.items()},
                                   frozenset(k for k, v in states.items() if v is None))
            self.decisions[cert_id] = (decision, state)
        return self.decisions[cert_id]

    # -- conditions
    def eval(self, node: Node, bound: dict, out: dict) -> bool | None:
        kind = node.kind
        if kind in ("all", "every"):
            state = _and([self.eval(c, bound, out) for c in node.expanded(self.fy)])
        elif kind == "any" and node.cases:  # any of all[when, then]; a case not applying lacks nothing
            state = _or([self.case(c, bound, out) for c in node.children])
        elif kind == "any":
            state = _or([self.eval(c, bound, out) for c in node.children])
        elif kind == "not":
            state = _not(self.eval(node.children[0], bound, out))
        elif kind == "at_least" and node.fact is None:  # at_least N of [...]
            states = [self.eval(c, bound, out) for c in node.children]
            n, met = self.value(node.count), states.count(True)
            state = True if met >= n else None if met + states.count(None) >= n else False
        elif kind == "at_least":
            state = self.run(node, bound)
        elif kind == "exists":
            state = self.exists(node, bound, out)
        elif kind == "certified":
            decision, root = self.decide(node.certified)
            state = True if decision.outcome in ("held", "certified") else None if root is None else False
        elif kind == "ref":
            state = self.ref(node.ref, out)
        elif kind == "flag":
            state = self.param(node.flag.name) == node.flag_is
        else:
            raise ValueError(f"unknown condition kind {kind!r} at {node.loc}")
        _note(out, node.id, state)
        return state

    def case(self, node: Node, bound: dict, out: dict) -> bool | None:
        when, then = node.children
        state = self.eval(when, bound, out)
        if state is not False:
            state = _and([state, self.eval(then, bound, out)])
        _note(out, node.id, state)
        return state

    def ref(self, name: str, out: dict) -> bool | None:
        if name not in self.named:  # a named condition is evaluated once per person
            sub: dict = {}
            self.named[name] = (self.eval(self.policy.conditions[name], {}, sub), sub)
        state, sub = self.named[name]
        for k, v in sub.items():
            _note(out, k, v)
        return state

    def passes(self, node: Node, fact: dict, bound: dict) -> bool | None:
        tests = [self.test(t.field, t.op, t.operand, fact, node.fact, bound) for t in node.where]
        return _and(tests + [None if fact.get(UNSURE) else True])

    def exists(self, node: Node, bound: dict, out: dict) -> bool | None:
        best: bool | None = False
        for fact in self.facts_of(node.fact):
            state = self.passes(node, fact, bound)
            if state is not False and node.with_ is not None:
                state = _and([state, self.eval(node.with_, {**bound, node.binding: fact}, out)])
            best = _or([best, state])
        return best

    def run(self, node: Node, bound: dict) -> bool | None:
        n, consecutive = self.value(node.count), bool(self.value(node.consecutive))
        sure, maybe = [], []
        for fact in self.facts_of(node.fact):
            state = self.passes(node, fact, bound)
            if state is not False:
                (sure if state else maybe).append(fact.get(node.run_field))
        return True if _enough(sure, n, consecutive) else None if _enough(sure + maybe, n, consecutive) else False

    def test(self, field: str, op: str, operand: Any, fact: dict, fact_type: str, bound: dict) -> bool | None:
        left = fact.get(field)
        right = (self.fy if isinstance(operand, ReviewYear) else
                 bound[operand.binding].get(operand.field) if isinstance(operand, BindingRef) else
                 self.value(operand))
        if left is NA or right is NA:
            return None
        fdef = self.types[fact_type].fields[field]

        def conv(v: Any) -> Any:
            return fdef.rank(v) if fdef.type == "rank" and v is not None else _same(v)

        left = conv(left)
        if op in ("in", "not_in"):
            hit = left in [conv(v) for v in right]
            return hit if op == "in" else not hit
        right = conv(right)
        if left is None or right is None:
            return op == "ne" and left != right
        return CMP[op](left, right)

    # -- facts
    def facts_of(self, name: str) -> list[dict]:
        if name not in self.facts:
            derived = self.policy.derived.get(name)
            self.facts[name] = (self.base(name) if derived is None else
                                getattr(self, derived.kind)(derived.options))
        return self.facts[name]

    def course(self, name: str) -> str:
        return self.policy.resolve("course", name) or name

    def skill(self, record) -> str:
        return (self.policy.resolve("skill", record.skill) or record.skill) \
            if record.framework == self.policy.id else record.skill

    def records(self, attribute: str) -> list:
        return [r for r in getattr(self.staff, attribute) if r.fiscal_year <= self.fy]

    def base(self, kind: str) -> list[dict]:
        if kind == "staff":
            return [self.staff.staff.fields()]
        if kind == "certification":
            return self.granted
        if kind == "training":
            return [{**t.fields(), "course": self.course(t.course), "course_name": t.course}
                    for t in self.records("trainings")]
        if kind == "skill":
            return [{**s.fields(), "skill": self.skill(s)} for s in self.records("skills")]
        attribute = {"project": "projects", "qualification": "qualifications", "role": "roles",
                     "activity": "activities"}[kind]
        return [r.fields() for r in self.records(attribute)]

    def project_scores(self, options: dict) -> list[dict]:
        perspectives = self.value(options["perspectives"])
        me = self.staff.staff_id
        out = []
        for p in self.records("projects"):
            rows = self.year.evaluations.get((p.fiscal_year, p.project_id), [])
            means = []
            for q in perspectives:
                meeting = [e for e in rows if e.occasion == "report_meeting" and e.perspective == q]
                mine = [e.score for e in meeting if e.target_staff_id == me]
                means.append(_mean(mine or [e.score for e in meeting if e.target_staff_id is None]))
            report = NA if NA in means or not means else round(sum(means) / len(means), 4)
            member = None
            if p.role == "leader":
                members = self.members(p.fiscal_year, p.project_id) - {me}
                member = _mean([e.score for e in rows if e.occasion == "post_project"
                                and e.target_staff_id == me and e.evaluator_id in members])
            out.append({**p.fields(), "report_score": report, "member_score": member})
        return out

    def members(self, fiscal_year: int, project_id: str) -> set[str]:
        key = (fiscal_year, project_id)
        if self.participants is not None:  # every participant, given whole: no need to look further
            return set(self.participants.get(key, ())) | {
                q.staff_id for q in self.staff.projects if (q.fiscal_year, q.project_id) == key}
        found: set[str] = set()
        for person in [self.staff, *self.year.by_staff.values()]:
            found |= {q.staff_id for q in person.projects if (q.fiscal_year, q.project_id) == key}
        return found

    def framework_skills(self, options: dict) -> list:
        framework = self.value(options.get("framework")) or self.policy.id
        return [s for s in self.records("skills") if s.framework == framework]

    def latest_assessment(self, options: dict) -> list[dict]:
        scale = self.policy.scales[self.value(options["scale"])].values
        me = self.staff.staff
        by_skill: dict[str, list] = {}
        for s in self.framework_skills(options):
            by_skill.setdefault(self.skill(s), []).append(s)

        def independent(s) -> bool:
            return s.assessor is not None and _same(s.assessor) not in (me.staff_id, _same(me.name))

        out = []
        for skill, records in by_skill.items():
            latest = max(s.fiscal_year for s in records)
            rated = [s for s in records if s.fiscal_year == latest and s.level is not None and str(s.level) in scale]
            fact = {"staff_id": me.staff_id, "fiscal_year": latest, "framework": records[0].framework,
                    "skill": skill, "level": NA, "assessor": NA, "independent": NA}
            if rated:
                best = max(rated, key=lambda s: (scale.index(str(s.level)), independent(s)))
                fact.update(level=str(best.level), assessor=best.assessor, independent=independent(best))
            out.append(fact)
        return out

    def acquired_skills(self, options: dict) -> list[dict]:
        levels = [str(v) for v in self.value(options.get("levels", ["acquired"]))]
        gives = self.value(options.get("from_training")) or {}
        me = self.staff.staff_id
        out = [{"staff_id": me, "skill": self.skill(s), "via": "assessment", "course": None,
                "fiscal_year": s.fiscal_year, UNSURE: s.level is None}
               for s in self.framework_skills(options) if s.level is None or str(s.level) in levels]
        for t in self.records("trainings"):
            course = self.course(t.course)
            out += [{"staff_id": me, "skill": skill, "via": "training", "course": course,
                     "fiscal_year": t.fiscal_year} for skill in gives.get(course, ())]
        return out

    def department_segments(self, options: dict) -> list[dict]:
        row = self.staff.staff
        whole = _same(row.department or "")
        names = dict.fromkeys([whole, *re.split(r"[\s/]+", whole)])
        return [{"staff_id": row.staff_id, "fiscal_year": row.fiscal_year, "name": n, "department": whole}
                for n in names if n]


def _note(out: dict, node_id: str, state: bool | None) -> None:
    """Record a node's value; evaluated more than once (inside `with`), the best value stands."""
    out[node_id] = _or([out[node_id], state]) if node_id in out else state
