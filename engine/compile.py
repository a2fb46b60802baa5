"""Compile a validated policy, for one fiscal year's parameter values, into a durable_rules ruleset.

Each condition node becomes rules whose actions record what fired (with the facts each pattern
matched: the evidence) and assert a ``_met`` fact for the node, on which its parent's rules fire:

    exists            one rule: a pattern over the fact type with the node's tests
    exists ... with   one rule per alternative of the correlated condition (a join with the bound
                      fact), plus ``#self`` (the bound fact's own tests) and ``#free`` rules for the
                      inner conditions without the correlation; the explanation goes through the
                      candidates one by one and must agree with which of them were joined
    at_least N        an N-way join of the pattern, each fact's field greater than (distinct) or one
                      more than (consecutive) the previous one's; plus ``#each`` per matching fact
    all / any         a join of the children's ``_met`` facts / one rule per child
    not               a stage marker and ``none`` of the child's ``_met``; stages are asserted one by
                      one after every positive fact, so negation never depends on arrival order
    certified X       the ``_outcome`` fact that certification X's root (or its held rule) asserts
    at_least N of     one rule per combination of N of the children's ``_met`` facts
    every             expanded (for the year's parameter values) into an ``all`` of its items
    cases             an ``any`` of ``all [when, then]``
    ref C             the named condition C, compiled once, and a rule on its ``_met``
    flag $p           a rule on the session fact, present only when the parameter has the value
An ``all`` of more than 16 children is joined in parts (durable_rules joins 16 facts per rule).

A certification's outcome is read from what fired: ``held`` (its held rule), else ``certified``
(its root condition met), else ``not_certified``. No rule has a salience; nothing depends on order.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from .facttypes import SCORE_SCALE, FactType
from .rulefile import MAX_JOIN, SELECTING, BindingRef, Node, ParamRef, Policy, ReviewYear, Test

MET, OUTCOME, NEVER = "_met", "_outcome", "_never"
META_TYPES = (MET, OUTCOME, "_stage")


# durable_rules' C engine (events.c, reduceExpressionSequence) evaluates a pattern's joined tests as a
# sequence [AND, test..., END]; when a test is false it skips ahead to the group's END, but its loop
# steps once before looking, so it walks past the END and on through memory after the sequence until
# some byte happens to read as END (valgrind: invalid reads; sometimes SIGSEGV). Ending every joined
# pattern with a group of its own (an alpha test, so the group adds [AND, END] to the sequence and
# nothing to evaluate) puts an END where that walk lands. Outcomes are unchanged: the group is always
# true for a fact with an id. tests/test_durable_seam.py shows the walk and its absence under valgrind.
END_GUARD = {"$and": [{"$ex": {"id": 1}}]}


@dataclass
class Firing:
    kind: str  # leaf / self / free / each / met / held
    node: str  # node id (or certification id for held)
    facts: dict[str, str]  # pattern name -> fact id
    alt: tuple[str, ...] = ()  # for correlated exists: the inner leaves of the alternative


@dataclass
class Firings:
    """What fired for the staff member being judged; reset before each one."""

    items: list[Firing] = field(default_factory=list)
    met: set[str] = field(default_factory=set)
    held: set[str] = field(default_factory=set)
    outcomes: set[str] = field(default_factory=set)

    def reset(self) -> None:
        self.items.clear()
        self.met.clear()
        self.held.clear()
        self.outcomes.clear()

    def of(self, node_id: str, *kinds: str) -> list[Firing]:
        return [f for f in self.items if f.node == node_id and (not kinds or f.kind in kinds)]


@dataclass
class Compiled:
    policy: Policy
    fiscal_year: int
    values: dict[str, Any]  # parameter name -> value in force
    since: dict[str, int | None]  # parameter name -> fiscal year that value applies from
    name: str  # durable_rules ruleset name
    stages: int
    roots: dict[str, str]  # certification id -> root node id
    firings: Firings
    definition_json: str  # the ruleset as JSON (actions named), for the record
    types: dict[str, FactType] = field(default_factory=dict)  # the policy's fact types
    # the fact types some rule (other than a sink) looks at: only those are asserted (a fact no
    # rule reads changes nothing but costs durable_rules a pass over its network)
    read_types: frozenset[str] = frozenset()

    def build(self) -> dict[str, Any]:
        """A fresh ruleset dict with live actions (durable_rules mutates what it is given)."""
        return _Builder(self).rules()


_COMPILED: dict[str, Compiled] = {}


def compile_policy(policy: Policy, fiscal_year: int) -> Compiled:
    """Compile once per process and (policy content, fiscal year): durable_rules keeps a ruleset's
    actions for the life of the process, so the same Compiled (and its Firings) must be reused."""
    key = f"{policy.sha256}:{fiscal_year}"
    if key not in _COMPILED:
        _COMPILED[key] = _compile(policy, fiscal_year)
    return _COMPILED[key]


def _compile(policy: Policy, fiscal_year: int) -> Compiled:
    values, since = {}, {}
    for name, p in policy.parameters.items():
        values[name], since[name] = p.value_for(fiscal_year)
    stages = max((_stratum(c.condition, policy) for c in policy.certifications), default=0)
    roots = {c.id: c.condition.id for c in policy.certifications}
    compiled = Compiled(policy, fiscal_year, values, since, "", stages, roots, Firings(), "", policy.fact_types())
    shape = _Builder(compiled).rules(with_actions=False)
    compiled.definition_json = json.dumps(shape, ensure_ascii=False, sort_keys=True)
    compiled.read_types = frozenset(_types_read(shape))
    # one ruleset per Compiled: two rule files of the same shape (a label edited, a draft beside
    # the rules in force) would otherwise share a name, and the second one's judgements would be
    # recorded in the first one's Firings (durable_rules keeps the first registration's actions)
    digest = hashlib.sha256(f"{policy.sha256}\n{compiled.definition_json}".encode()).hexdigest()[:12]
    compiled.name = f"{policy.id}_{fiscal_year}_{digest}"
    return compiled


def _types_read(shape: dict[str, Any]) -> set[str]:
    out: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            if isinstance(x.get("t"), str):
                out.add(x["t"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for name, rule in shape.items():
        if not name.startswith("_sink_"):
            walk(rule["all"])
    return out


def _stratum(node: Node, policy: Policy, seen: frozenset = frozenset()) -> int:
    if node.kind == "not":
        return 1 + _stratum(node.children[0], policy, seen)
    if node.kind == "certified" and node.certified not in seen:
        return _stratum(policy.certification(node.certified).condition, policy, seen | {node.certified})
    if node.kind == "ref":
        return _stratum(policy.conditions[node.ref], policy, seen)
    kids = [c for _, v in node.every.variants for c in v.children] if node.every else node.children
    return max((_stratum(c, policy, seen) for c in kids), default=0)


def resolve(compiled: "Compiled", value: Any) -> Any:
    """A parameter reference's value in force for the compiled year (anything else as is)."""
    return compiled.values[value.name] if isinstance(value, ParamRef) else value


def dnf(node: Node) -> list[list[Node]]:
    """Alternatives of a correlated condition, each a list of exists leaves (all must hold)."""
    if node.kind == "exists":
        return [[node]]
    if node.kind == "any":
        return [alt for c in node.children for alt in dnf(c)]
    if node.kind == "all":
        alts: list[list[Node]] = [[]]
        for c in node.children:
            alts = [a + b for a in alts for b in dnf(c)]
        return alts
    raise ValueError(f"{node.kind} inside 'with'")  # the loader rejects this


class _Builder:
    def __init__(self, compiled: Compiled):
        self.c = compiled
        self.policy = compiled.policy
        self.types: dict[str, FactType] = compiled.policy.fact_types()
        self.out: dict[str, Any] = {}
        self.with_actions = True
        self.done_named: set[str] = set()

    # -- expressions
    def value(self, node_fact: str, test: Test) -> Any:
        operand = test.operand
        if isinstance(operand, ParamRef):
            operand = self.c.values[operand.name]
        if isinstance(operand, ReviewYear):
            return self.c.fiscal_year
        fdef = self.types[node_fact].fields[test.field]
        ftype = fdef.type
        if ftype == "rank":
            if isinstance(operand, (list, tuple)):
                return [None if v is None else fdef.rank(v) for v in operand]
            return fdef.rank(operand)
        if ftype == "score":
            if isinstance(operand, (list, tuple)):
                return [round(float(v) * SCORE_SCALE) for v in operand]
            return round(float(operand) * SCORE_SCALE)
        return list(operand) if isinstance(operand, tuple) else operand

    def test_expr(self, fact: str, test: Test, drop_bindings: bool) -> dict | None:
        if isinstance(test.operand, BindingRef):
            if drop_bindings:
                return None
            ref = {"b_" + test.operand.binding: test.operand.field}
            return {test.field: ref} if test.op == "eq" else {"$" + _DOP[test.op]: {test.field: ref}}
        value = self.value(fact, test)
        if test.op == "eq":
            return {test.field: value}
        if test.op == "in":  # a null in the list: the field is blank
            alts = [{"$nex": {test.field: 1}} if v is None else {test.field: v} for v in value]
            return {"$or": alts} if value else {"t": NEVER}
        if test.op == "not_in":
            parts = [{"$ex": {test.field: 1}} if v is None else {"$neq": {test.field: v}} for v in value]
            return {"$and": parts} if value else None
        return {"$" + _DOP[test.op]: {test.field: value}}

    def pattern(self, node: Node, drop_bindings: bool = False, extra: list | None = None,
                selecting: bool = False) -> dict:
        """A pattern: the fact type, then every test that refers to another pattern of the rule (a
        binding, the previous year of a run), then the fact's own tests. durable_rules evaluates a
        join's tests in sequence and stops at the end of the first nested ``$or`` / ``$and`` group:
        a cross-pattern test after one would never be evaluated (../shared/notes/durable-rules.md).
        ``selecting``: only the tests that pick the records a condition is about (equality and
        membership), not its thresholds: the candidates an explanation goes through one by one."""
        joins = list(extra or [])
        own: list[dict] = []
        for t in node.where:
            if selecting and (t.op not in SELECTING or isinstance(t.operand, BindingRef)):
                continue
            e = self.test_expr(node.fact, t, drop_bindings)
            if e is not None:
                (joins if isinstance(t.operand, BindingRef) else own).append(e)
        if joins:  # see END_GUARD
            own.append(END_GUARD)
        return {"$and": [{"t": node.fact}, *joins, *own]}

    @staticmethod
    def met(node_id: str) -> dict:
        return {"$and": [{"t": MET}, {"node": node_id}]}

    # -- rules
    def add(self, key: str, patterns: list[dict[str, Any]], kind: str, node: str, alt=()) -> None:
        rule: dict[str, Any] = {"all": patterns}
        rule["run"] = self.action(kind, node, tuple(alt)) if self.with_actions else f"{kind}:{node}"
        self.out[key] = rule

    def action(self, kind: str, node: str, alt: tuple[str, ...]):
        firings = self.c.firings
        roots = {v: k for k, v in self.c.roots.items()}

        def run(matched: dict, assert_fact) -> None:
            firings.items.append(Firing(kind, node, {name: fact["id"] for name, fact in matched.items()}, alt))
            if kind in ("leaf", "met") and node not in firings.met:
                firings.met.add(node)
                assert_fact({"t": MET, "node": node, "id": f"{MET}/{node}"})
                cert = roots.get(node)
                if cert is not None and cert not in firings.outcomes:
                    firings.outcomes.add(cert)
                    assert_fact({"t": OUTCOME, "cert": cert, "id": f"{OUTCOME}/{cert}"})
            elif kind == "held" and node not in firings.held:
                firings.held.add(node)
                if node not in firings.outcomes:
                    firings.outcomes.add(node)
                    assert_fact({"t": OUTCOME, "cert": node, "id": f"{OUTCOME}/{node}"})

        return run

    def rules(self, with_actions: bool = True) -> dict[str, Any]:
        self.with_actions = with_actions
        self.out = {}
        for cert in self.policy.certifications:
            self.node(cert.condition)
            if cert.validity == "permanent":
                held = {"$and": [{"t": "certification"},  # this policy's only (engine/derive.py)
                                 {"certification": cert.id}, {"$lt": {"fiscal_year": self.c.fiscal_year}}]}
                self.add(f"{cert.id}#held", [{"m": held}], "held", cert.id)
        noop = (lambda matched, assert_fact: None) if with_actions else "noop"
        self.out["_session"] = {"all": [{"m": {"t": "_session"}}], "run": noop}
        for t in list(self.types) + list(META_TYPES):
            self.out[f"_sink_{t}"] = {"all": [{"m": {"t": t}}, {"z": {"t": NEVER}}], "run": noop}
        return self.out

    def node(self, node: Node) -> None:
        k = node.kind
        if k == "exists" and node.with_ is None:
            self.add(node.id, [{"m": self.pattern(node)}], "leaf", node.id)
        elif k == "exists":
            bound = "b_" + node.binding
            self.add(f"{node.id}#self", [{bound: self.pattern(node)}], "self", node.id)
            for i, alt in enumerate(dnf(node.with_)):
                pats = [{bound: self.pattern(node)}]
                pats += [{f"x{j}": self.pattern(leaf)} for j, leaf in enumerate(alt)]
                self.add(f"{node.id}#{i}", pats, "leaf", node.id, [leaf.id for leaf in alt])
            for inner in node.with_.walk():
                if inner.kind == "exists":
                    self.add(f"{inner.id}#free", [{"m": self.pattern(inner, drop_bindings=True)}], "free", inner.id)
        elif k == "at_least" and node.fact is None:  # at_least N of [conditions]
            n = resolve(self.c, node.count)
            for c in node.children:
                self.node(c)
            for i, combo in enumerate(combinations(node.children, n)):
                self.add(f"{node.id}#{i}", [{f"c{j}": self.met(c.id)} for j, c in enumerate(combo)], "met", node.id)
        elif k == "at_least":
            n = node.count if isinstance(node.count, int) else self.c.values[node.count.name]
            f = node.run_field
            consecutive = resolve(self.c, node.consecutive)
            pats = [{"p0": self.pattern(node)}]
            for i in range(1, n):
                prev = {f"p{i - 1}": f}
                link = ({f: {"$add": {"$l": prev, "$r": 1}}} if consecutive else {"$gt": {f: prev}})
                pats.append({f"p{i}": self.pattern(node, extra=[link])})
            self.add(node.id, pats, "leaf", node.id)
            self.add(f"{node.id}#each", [{"m": self.pattern(node)}], "each", node.id)
        elif k in ("all", "every"):
            kids = node.expanded(self.c.fiscal_year)
            for c in kids:
                self.node(c)
            if not kids:  # an 'every' over nothing this year holds trivially
                self.add(node.id, [{"m": {"t": "_session"}}], "met", node.id)
                return
            ids = [c.id for c in kids]
            parts = [ids[i:i + MAX_JOIN] for i in range(0, len(ids), MAX_JOIN)]
            if len(parts) > 1:  # durable_rules joins at most 16 facts: join in parts, then the parts
                for j, part in enumerate(parts):
                    self.add(f"{node.id}#part{j}", [{f"c{i}": self.met(x)} for i, x in enumerate(part)],
                             "met", f"{node.id}#part{j}")
                ids = [f"{node.id}#part{j}" for j in range(len(parts))]
            self.add(node.id, [{f"c{i}": self.met(x)} for i, x in enumerate(ids)], "met", node.id)
        elif k == "ref":
            named = self.policy.conditions[node.ref]
            if node.ref not in self.done_named:
                self.done_named.add(node.ref)
                self.node(named)
            self.add(node.id, [{"c": self.met(named.id)}], "met", node.id)
        elif k == "flag":
            if resolve(self.c, node.flag) == node.flag_is:
                self.add(node.id, [{"s": {"t": "_session"}}], "met", node.id)
        elif k == "any":
            for i, c in enumerate(node.children):
                self.node(c)
                self.add(f"{node.id}#{i}", [{"c": self.met(c.id)}], "met", node.id)
        elif k == "not":
            child = node.children[0]
            self.node(child)
            stage = _stratum(node, self.policy)
            self.add(node.id, [{"s": {"$and": [{"t": "_stage"}, {"k": stage}]}},
                               {"n$not": self.met(child.id)}], "met", node.id)
        elif k == "certified":
            self.add(node.id, [{"m": {"$and": [{"t": OUTCOME}, {"cert": node.certified}]}}], "leaf", node.id)


_DOP = {"ne": "neq", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}
