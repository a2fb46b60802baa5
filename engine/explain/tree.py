"""``Explainer``: a decision's explanation tree, node by node in the rule's shape, read from what
fired in durable_rules. Each node's verdict is durable_rules'; the comparisons shown must agree
with it, or the review stops with an internal error."""
from __future__ import annotations

from typing import Any

from .. import words
from ..compile import Compiled, Firings, resolve
from ..derive import Fact
from ..errors import ReviewError
from ..facttypes import FactType
from ..model import Decision, Evidence, ExplanationNode, Observation, ParameterValue
from ..rulefile import BindingRef, CertificationDef, Node, ParamRef, ReviewYear
from ..rulefile import SYMBOLS as _SYM
from .candidates import Candidates
from .evidence import evidence
from .observations import Observations


class Explainer(Candidates, Observations):
    def __init__(self, compiled: Compiled, facts: list[Fact], firings: Firings, cited: bool = True):
        """``cited=False``: the evidence names each record's type only, its fields not put in words
        (``rules impact`` reads the conditions and figures of many decisions, never their records)."""
        self.c = compiled
        self.cited = cited
        self.facts = facts
        self.by_id = {f.id: f for f in facts}
        self.firings = firings
        self.types: dict[str, FactType] = compiled.policy.fact_types()
        self.by_type: dict[str, list[Fact]] = {}
        for f in facts:
            self.by_type.setdefault(f.type, []).append(f)
        self._explained: dict[str, ExplanationNode] = {}  # a named condition is explained once
        self._candidates: dict[str, list[Fact]] = {}

    # -- decisions
    def decision(self, cert: CertificationDef, staff) -> Decision:
        held = cert.id in self.firings.held
        met = cert.condition.id in self.firings.met
        outcome = "held" if held else ("certified" if met else "not_certified")
        children = []
        if cert.validity == "permanent":
            children.append(self.held_node(cert))
        children.append(self.node(cert.condition))
        root = ExplanationNode(
            id=cert.id, kind="any" if cert.validity == "permanent" else "all", met=outcome != "not_certified",
            description=f"{cert.label.ja}の認定基準" + ("（認定済みのため保持）" if held else ""),
            description_en=f"criteria for {cert.label.en or cert.id}" + (" (held from an earlier grant)" if held else ""),
            criterion=cert.criterion, location=str(cert.loc), conditions=children,
        )
        return Decision(policy=self.c.policy.id, fiscal_year=self.c.fiscal_year, staff_id=staff.staff_id,
                        staff_name=staff.name, department=staff.department or "", certification=cert.id, label=cert.label.ja,
                        label_en=cert.label.en, outcome=outcome, validity=cert.validity, explanation=root,
                        parameters=self.parameters_used(root))

    def cite(self, fact: Fact) -> Evidence:
        """A fact as evidence, its fields in words (this policy's labels and catalogues)."""
        if not self.cited:
            return Evidence(record_type=fact.type, source="")
        return evidence(fact, self.c.policy, self.types)

    def parameters_used(self, root: ExplanationNode) -> list[ParameterValue]:
        """The rule file's parameters the explanation compared against, with the value in force
        and the fiscal year it took effect, in the order of the rule file."""
        used: set[str] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            used.update(o.parameter for o in node.observations if o.parameter)
            stack.extend(node.conditions)
        out = []
        for name, p in self.c.policy.parameters.items():
            if name in used:
                value = self.c.values[name]
                out.append(ParameterValue(name=name, label=p.label.ja, label_en=p.label.en or p.label.ja,
                                          value=value, value_text=_param_words(p.type, value, "ja"),
                                          value_text_en=_param_words(p.type, value, "en"), since=self.c.since.get(name)))
        return out

    def held_node(self, cert: CertificationDef) -> ExplanationNode:
        fired = self.firings.of(cert.id, "held")
        ev = [self.cite(self.by_id[fid]) for f in fired for fid in f.facts.values()]
        return ExplanationNode(
            id=f"{cert.id}#held", kind="held", met=bool(fired), evidence=ev,
            description=f"{self.c.fiscal_year}年度より前の年度に{cert.label.ja}に認定されている（認定の有効期間: 無期限）",
            description_en=f"certified {cert.label.en} in a fiscal year before {self.c.fiscal_year} (valid permanently)",
        )

    # -- nodes
    def node(self, node: Node) -> ExplanationNode:
        common = self._common(node)
        if node.kind == "ref":  # transparent: the named condition itself, with this use's wording if any
            named = self.c.policy.conditions[node.ref]
            if node.ref not in self._explained:
                self._explained[node.ref] = self.node(named)
            out = self._explained[node.ref]
            if node.text.ja != node.id:
                out = out.model_copy(update={"description": node.text.ja, "description_en": node.text.en})
            return out
        if node.kind == "flag":
            value = self.c.values[node.flag.name]
            param = self.c.policy.parameters[node.flag.name]
            obs = Observation(label=param.label.ja, label_en=param.label.en, value=value, op="=",
                              threshold=node.flag_is, met=value == node.flag_is, setting=True,
                              **self.parameter_words(node.flag.name))
            return ExplanationNode(met=node.id in self.firings.met, observations=[obs], **common)
        if node.kind == "at_least" and node.fact is None:
            kids = [self.node(c) for c in node.children]
            need = resolve(self.c, node.count)
            got = sum(k.met for k in kids)
            obs = Observation(label="満たした条件の数", label_en="conditions met", value=got, op="≥", threshold=need,
                              met=got >= need, shortfall=None if got >= need else need - got,
                              **(self.parameter_words(node.count.name) if isinstance(node.count, ParamRef) else {}))
            met = node.id in self.firings.met
            if met != (got >= need):
                raise ReviewError(f"internal: {node.id}: durable_rules decided met={met}, {got} of {need} conditions shown met")
            return ExplanationNode(met=met, observations=[obs], conditions=kids, **common)
        if node.kind in ("all", "any", "not", "every"):
            kids = [self.node(c) for c in node.expanded(self.c.fiscal_year)]
            met = node.id in self.firings.met
            self.agree(node, met, kids)
            if node.cases:  # a case whose 'when' does not hold is shown without its requirements
                kids = [k if k.conditions[0].met else k.model_copy(update={
                    "conditions": k.conditions[:1], "kind": "not_applicable", "description": k.description + "（該当しない）",
                    "description_en": k.description_en + " (does not apply)"}) for k in kids]
            return ExplanationNode(met=met, conditions=kids, **common)
        if node.kind == "certified":
            cert = self.c.policy.certification(node.certified)
            return ExplanationNode(met=node.id in self.firings.met, **{**common, "description":
                                   node.text.ja if node.text.ja != node.id else f"{cert.label.ja}の認定（保持または今回認定）",
                                   "description_en": node.text.en if node.text.en != node.id else
                                   f"holds or is granted {cert.label.en}"})
        if node.kind == "at_least":
            return self.at_least(node, common)
        fired = self.firings.of(node.id, "leaf")
        met = node.id in self.firings.met
        if node.with_ is None:
            out = self.leaf(node, common, met, fired, None)
            self.guard(node, out)
            return out
        return self.correlated(node, common, met, fired)

    def _common(self, node: Node) -> dict:
        return dict(id=node.id, kind=node.kind, description=node.text.ja, description_en=node.text.en,
                    criterion=node.quote, location=str(node.loc))

    def agree(self, node: Node, met: bool, kids: list[ExplanationNode]) -> None:
        """A combination's verdict (from durable_rules) agrees with its children's."""
        if node.kind == "not":
            shown = not kids[0].met
        elif node.kind == "any":
            shown = any(k.met for k in kids)
        else:  # all, every (and a case: all of when, then)
            shown = all(k.met for k in kids)
        if shown != met:
            raise ReviewError(f"internal: {node.id}: durable_rules decided met={met}, its conditions shown say {shown}")

    def leaf(self, node: Node, common: dict, met: bool, fired, bound) -> ExplanationNode:
        seen, ev = set(), []
        for f in fired:
            for name, fid in sorted(f.facts.items()):
                if fid not in seen:
                    seen.add(fid)
                    ev.append(self.cite(self.by_id[fid]))
        cands = self.candidates(node)
        obs = [o for f in cands for o in self.observe(node, f, bound)]
        missing = False
        ftype = self.types[node.fact]
        if cands and not obs:  # only selecting tests: name the records that fit
            obs = [Observation(label=ftype.ja, label_en=ftype.en, value=True, met=True, subject=self.subject(f),
                               subject_en=self.subject(f, "en"))
                   for f in cands]
        if not cands:  # nothing of what it asks: not met, not "records missing" (policies.md)
            obs = self.near_misses(node)
            if not obs:
                literal = [t for t in node.where if t.op in ("eq", "ne") and not isinstance(
                    t.operand, (ParamRef, BindingRef, ReviewYear))]
                sought = "、".join(f"{ftype.fields[t.field].ja} {_SYM[t.op]} {self.literal(node.fact, t.field, t.operand)}"
                                   for t in literal)
                sought_en = ", ".join(f"{ftype.fields[t.field].en} {_SYM[t.op]} "
                                      f"{self.literal(node.fact, t.field, t.operand, 'en')}" for t in literal)
                obs = [Observation(label=ftype.ja, label_en=ftype.en, value=None,
                                   subject="該当する記録なし" + (f"（{sought}）" if sought else ""),
                                   subject_en="no such record" + (f" ({sought_en})" if sought_en else ""))]
        elif not met:
            missing = any(self.incomplete(node, f, bound[0] if bound else None) for f in cands)
        return ExplanationNode(met=met, observations=obs, evidence=ev if met else [],
                               missing_records=missing and not met, **common)

    def at_least(self, node: Node, common: dict) -> ExplanationNode:
        need = node.count if isinstance(node.count, int) else self.c.values[node.count.name]
        met = node.id in self.firings.met
        each = {self.by_id[fid].fields.get(node.run_field)
                for f in self.firings.of(node.id, "each") for fid in f.facts.values()}
        consecutive = resolve(self.c, node.consecutive)
        run = _longest(sorted(v for v in each if v is not None), consecutive)
        cands = self.candidates(node)
        obs = [o for f in cands for o in self.observe(node, f, None)]
        label = "連続年数" if consecutive else "該当する年度の数"
        obs.append(Observation(label=label, label_en="consecutive years" if consecutive else "distinct years",
                               value=run, op=">=", threshold=need, met=run >= need,
                               shortfall=None if run >= need else need - run,
                               subject="、".join(f"{y}年度" for y in sorted(each)) or "該当する年度なし",
                               subject_en=", ".join(f"FY{y}" for y in sorted(each)) or "no such year",
                               **(self.parameter_words(node.count.name) if isinstance(node.count, ParamRef) else {})))
        ev = []
        for f in self.firings.of(node.id, "leaf")[:1]:
            ev = [self.cite(self.by_id[fid]) for _, fid in sorted(f.facts.items())]
        if (run >= need) != met:
            raise ReviewError(f"internal: {node.id}: durable_rules decided met={met} but the run found is {run} of {need}")
        missing = not met and any(self.incomplete(node, f, None) for f in cands)
        return ExplanationNode(met=met, observations=obs, evidence=ev, missing_records=missing, **common)

    def guard(self, node: Node, out: ExplanationNode) -> None:
        """durable_rules and the comparisons shown must agree (uncorrelated leaves)."""
        cands = self.candidates(node)
        shown = any(all(self._passes(t, f, None) for t in node.where) for f in cands)
        if shown != out.met:
            raise ReviewError(f"internal: {node.id}: durable_rules decided met={out.met}, "
                              f"the values shown say {shown}")


def _param_words(ptype: str, value: Any, lang: str) -> str:
    """A parameter's value in words where it holds codes: list[grade] [manager, executive] ->
    「課長級、部長級」; a yes/no as はい / いいえ; "" when it reads as it is."""
    en = lang == "en"
    if isinstance(value, bool):
        return ("yes" if value else "no") if en else ("はい" if value else "いいえ")
    domain = ptype[5:-1] if ptype.startswith("list[") and ptype.endswith("]") else None
    if domain is None or not isinstance(value, (list, tuple)):
        return ""
    named = [words.coded(domain, v, lang) for v in value]
    if all(n is None for n in named):
        return ""
    return (", " if en else "、").join(n if n is not None else str(v) for v, n in zip(value, named))


def _longest(years: list[int], consecutive: bool) -> int:
    if not years:
        return 0
    if not consecutive:
        return len(years)
    best = run = 1
    for a, b in zip(years, years[1:]):
        run = run + 1 if b == a + 1 else 1
        best = max(best, run)
    return best
