"""The records a condition looked at (``Candidates``, a part of ``Explainer``): those that pass
its selecting tests, each comparison against the values in force, records missing, and a
correlated ``exists ... as: b with: W`` judged candidate by candidate against what fired."""
from __future__ import annotations

from typing import Any

from ..compile import SELECTING
from ..derive import Fact
from ..errors import ReviewError
from ..model import ExplanationNode, Observation
from ..rulefile import BindingRef, Node, ParamRef, ReviewYear, Test
from ..rulefile import COMPARE as _CMP


class Candidates:
    """Needs, from ``Explainer``: ``c`` (the compiled policy), ``by_id``, ``by_type``, ``types``,
    ``firings``, ``_candidates``, and its ``leaf``, ``observe`` and ``subject``."""

    def correlated(self, node: Node, common: dict, met: bool, fired) -> ExplanationNode:
        """``exists ... as: b with: W``, candidate by candidate: for each record the condition is
        about (e.g. each led project-year), its own figures against the thresholds and the inner
        condition W judged against that same record. Whether each part holds comes from durable_rules
        (``#self`` and the joined rules), and the parts must agree with the whole."""
        b = "b_" + node.binding
        own = {f.facts[b] for f in self.firings.of(node.id, "self")}
        joined = {f.facts[b] for f in fired}
        cands = self.candidates(node)
        if not cands:
            return self.leaf(node, common, met, fired, None)
        children = []
        for cand in cands:
            own_ok = cand.id in own
            shown = all(self._passes(t, cand, None) for t in node.where if not isinstance(t.operand, BindingRef))
            if own_ok != shown:
                raise ReviewError(f"internal: {node.id} ({self.subject(cand)}): durable_rules decided met={own_ok}, "
                                  f"the values shown say {shown}")
            inner = self.inner(node.with_, cand)
            ok = cand.id in joined
            if ok != (own_ok and inner.met):
                raise ReviewError(f"internal: {node.id} ({self.subject(cand)}): durable_rules joined met={ok}, "
                                  f"its own tests {own_ok} and {node.with_.id} {inner.met}")
            obs = self.observe(node, cand, None) or [Observation(
                label=self.types[node.fact].ja, label_en=self.types[node.fact].en, value=True, met=True,
                subject=self.subject(cand), subject_en=self.subject(cand, "en"))]
            own_missing = not own_ok and self.incomplete(node, cand, None)
            missing = not ok and ((own_ok or own_missing) and (inner.met or inner.missing_records))
            children.append(ExplanationNode(
                id=f"{node.id}@{cand.id}", kind="candidate", met=ok, description=self.subject(cand),
                description_en=self.subject(cand, "en"), observations=obs, missing_records=missing,
                evidence=[self.cite(cand)] if ok else [], conditions=[inner]))
        if met != any(c.met for c in children):
            raise ReviewError(f"internal: {node.id}: durable_rules decided met={met}, "
                              f"{sum(c.met for c in children)} of {len(children)} candidates shown met")
        ev = [self.cite(self.by_id[fid]) for f in fired[:1] for _, fid in sorted(f.facts.items())]
        return ExplanationNode(met=met, evidence=ev, conditions=children, **common,
                               missing_records=not met and any(c.missing_records for c in children))

    def inner(self, node: Node, bound: Fact) -> ExplanationNode:
        """A condition inside ``with``, judged against one bound record. durable_rules decides the
        join as a whole (``correlated`` checks each candidate against it); a part that holds for
        this record must also have fired on its own (``#free``: some record passes its own tests)."""
        common = self._common(node)
        if node.kind == "exists":
            met = any(all(self._passes(t, f, bound) for t in node.where) for f in self.candidates(node))
            free = self.firings.of(node.id, "free")
            if met and not free:
                raise ReviewError(f"internal: {node.id} ({self.subject(bound)}): shown met, "
                                  f"but durable_rules found no record passing its own tests")
            fired = [f for f in free if all(self._passes(t, self.by_id[f.facts["m"]], bound) for t in node.where)]
            return self.leaf(node, common, met, fired, [bound])
        kids = [self.inner(c, bound) for c in node.children]
        met = {"all": all, "any": any}[node.kind](k.met for k in kids)
        unmet = [k for k in kids if not k.met]
        missing = not met and (any if node.kind == "any" else all)(k.missing_records for k in unmet)
        return ExplanationNode(met=met, conditions=kids, missing_records=missing, **common)

    def incomplete(self, node: Node, f: Fact, bound: Fact | None) -> bool:
        """Records missing (policies.md, common vocabulary): this record lacks a value the condition
        compares (a report score without one of its perspectives, a led year with no members' score)
        and passes every comparison it has a value for: the records cannot tell whether it is met."""
        blank = False
        for t in node.where:
            if t.op in SELECTING and not isinstance(t.operand, BindingRef):
                continue
            if f.fields.get(t.field) is None or (isinstance(t.operand, BindingRef) and self._operand(t, bound) is None):
                blank = True
            elif not self._passes(t, f, bound):
                return False
        return blank

    def candidates(self, node: Node) -> list[Fact]:
        """Facts of the node's type that pass its selecting tests (equality and membership)."""
        if node.id not in self._candidates:
            self._candidates[node.id] = self._select(node)
        return self._candidates[node.id]

    def _select(self, node: Node) -> list[Fact]:
        out = []
        for f in self.by_type.get(node.fact, ()):
            if node.fact == "certification" and f.record is not None and f.record.policy != self.c.policy.id:
                continue
            if all(self._passes(t, f, None) for t in node.where if t.op in ("eq", "ne", "in", "not_in")
                   and not isinstance(t.operand, BindingRef)):
                out.append(f)
        return sorted(out, key=lambda f: (f.fields.get("fiscal_year") or 0, f.id))

    def _operand(self, t: Test, bound: Fact | None) -> Any:
        if isinstance(t.operand, ReviewYear):
            return self.c.fiscal_year
        if isinstance(t.operand, ParamRef):
            return self.c.values[t.operand.name]
        if isinstance(t.operand, BindingRef):
            return bound.fields.get(t.operand.field) if bound is not None else None
        return t.operand

    def _passes(self, t: Test, f: Fact, bound: Fact | None) -> bool:
        v, x = f.fields.get(t.field), self._operand(t, bound)
        if t.op in ("in", "not_in"):  # a None in the list stands for a blank field
            inside = (v is None and None in x) or (v is not None and str(v) in {str(i) for i in x if i is not None})
            return inside if t.op == "in" else not inside
        if v is None or x is None:
            return False
        fdef = self.types[f.type].fields[t.field]
        if fdef.type == "rank":
            v, x = fdef.rank(v), fdef.rank(x)
            if v is None or x is None:
                return False
        return _CMP[t.op](v, x)
