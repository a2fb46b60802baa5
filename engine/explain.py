"""Build a decision's explanation tree from what fired in durable_rules.

The tree follows the rule's shape (style.md #6). Whether a node is met is read from the firings;
the facts each rule matched are its evidence. For the why-not, each condition also shows the
candidate facts it looked at with their values against the thresholds in force. Those comparisons
are for the reader; should one ever disagree with what durable_rules decided, the review stops
with an internal error instead of printing a contradictory explanation.
"""
from __future__ import annotations

from typing import Any

from .compile import SELECTING, Compiled, Firings, resolve
from .derive import Fact
from .errors import ReviewError
from .facttypes import DOMAINS, FactType
from .model import Decision, Evidence, ExplanationNode, Observation
from .rulefile import BindingRef, CertificationDef, Node, ParamRef, ReviewYear, Test
from .rulefile import COMPARE as _CMP
from .rulefile import SYMBOLS as _SYM

VALUE_EN = {"support_team": "support team", "nominee": "nominee", "dx_promoter": "DX promoter",
            "dx_leader": "DX leader", "digital_promoter": "digital promoter", "self_study": "self-study",
            "ojt_instructor": "OJT instructor", "system_training_instructor": "system-training instructor",
            "tool_instructor": "tool instructor", "assessment": "assessment", "training": "training"}
VALUE_JA = {"leader": "リーダー", "member": "メンバー", "policy": "政策的観点", "leadership": "リーダーシップ",
            "technical": "技術的観点", "support_team": "情報化推進サポートチーム", "nominee": "推薦候補",
            "dx_promoter": "DX推進員", "dx_leader": "DX推進リーダー", "digital_promoter": "デジタル推進員",
            "self_study": "自学", "ojt_instructor": "OJT講師", "system_training_instructor": "システム研修講師",
            "tool_instructor": "ツール講師", "assessment": "スキル評価", "training": "研修修了"}


def evidence(fact: Fact) -> Evidence:
    if fact.record is not None:
        return Evidence(record_type=fact.type, source=str(fact.record.provenance), fields=_jsonable(fact.fields))
    fields = dict(fact.fields)
    fields.update({k: v for k, v in fact.notes.items() if v not in (None, [], {})})
    return Evidence(record_type=fact.type, source="derived", fields=_jsonable(fields),
                    derived_from=[Evidence(record_type=r.record_type, source=str(r.provenance),
                                           fields=_jsonable(r.fields())) for r in fact.derived_from])


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if hasattr(v, "isoformat"):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[k] = v
    return out


class Explainer:
    def __init__(self, compiled: Compiled, facts: list[Fact], firings: Firings):
        self.c = compiled
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
                        label_en=cert.label.en, outcome=outcome, validity=cert.validity, explanation=root)

    def held_node(self, cert: CertificationDef) -> ExplanationNode:
        fired = self.firings.of(cert.id, "held")
        ev = [evidence(self.by_id[fid]) for f in fired for fid in f.facts.values()]
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
                              threshold=node.flag_is, met=value == node.flag_is, subject="パラメータ", subject_en="parameter",
                              parameter=node.flag.name, parameter_since=self.c.since.get(node.flag.name))
            return ExplanationNode(met=node.id in self.firings.met, observations=[obs], **common)
        if node.kind == "at_least" and node.fact is None:
            kids = [self.node(c) for c in node.children]
            need = resolve(self.c, node.count)
            got = sum(k.met for k in kids)
            obs = Observation(label="満たした条件の数", label_en="conditions met", value=got, op="≥", threshold=need,
                              met=got >= need, shortfall=None if got >= need else need - got,
                              parameter=node.count.name if isinstance(node.count, ParamRef) else None,
                              parameter_since=self.c.since.get(node.count.name) if isinstance(node.count, ParamRef) else None)
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
                evidence=[evidence(cand)] if ok else [], conditions=[inner]))
        if met != any(c.met for c in children):
            raise ReviewError(f"internal: {node.id}: durable_rules decided met={met}, "
                              f"{sum(c.met for c in children)} of {len(children)} candidates shown met")
        ev = [evidence(self.by_id[fid]) for f in fired[:1] for _, fid in sorted(f.facts.items())]
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
                    ev.append(evidence(self.by_id[fid]))
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
                sought = "、".join(f"{ftype.fields[t.field].ja} {_SYM[t.op]} {self.value_ja(t.field, t.operand)}"
                                   for t in node.where if t.op in ("eq", "ne") and not isinstance(
                                       t.operand, (ParamRef, BindingRef, ReviewYear)))
                sought_en = ", ".join(f"{ftype.fields[t.field].en} {_SYM[t.op]} {t.operand}" for t in node.where
                                      if t.op in ("eq", "ne") and not isinstance(t.operand, (ParamRef, BindingRef, ReviewYear)))
                obs = [Observation(label=ftype.ja, label_en=ftype.en, value=None,
                                   subject="該当する記録なし" + (f"（{sought}）" if sought else ""),
                                   subject_en="no such record" + (f" ({sought_en})" if sought_en else ""))]
        elif not met:
            missing = any(self.incomplete(node, f, bound[0] if bound else None) for f in cands)
        return ExplanationNode(met=met, observations=obs, evidence=ev if met else [],
                               missing_records=missing and not met, **common)

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
                               parameter=node.count.name if isinstance(node.count, ParamRef) else None,
                               parameter_since=self.c.since.get(node.count.name) if isinstance(node.count, ParamRef) else None))
        ev = []
        for f in self.firings.of(node.id, "leaf")[:1]:
            ev = [evidence(self.by_id[fid]) for _, fid in sorted(f.facts.items())]
        if (run >= need) != met:
            raise ReviewError(f"internal: {node.id}: durable_rules decided met={met} but the run found is {run} of {need}")
        missing = not met and any(self.incomplete(node, f, None) for f in cands)
        return ExplanationNode(met=met, observations=obs, evidence=ev, missing_records=missing, **common)

    # -- helpers
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

    def near_misses(self, node: Node, limit: int = 10) -> list[Observation]:
        """When no record passes a condition's selecting tests, the records of that type that
        exist, each with the selecting test it fails (e.g. 所属名 人事課 ∈ [情報推進課])."""
        out: list[Observation] = []
        fdefs = self.types[node.fact].fields
        same = self.by_type.get(node.fact, [])
        literal = [t for t in node.where if t.op in ("eq", "ne") and not isinstance(t.operand, (ParamRef, BindingRef,
                                                                                              ReviewYear))]
        same = [f for f in same if all(self._passes(t, f, None) for t in literal)]  # another skill is no near miss
        for f in sorted(same, key=lambda f: (f.fields.get("fiscal_year") or 0, f.id))[:limit]:
            for t in node.where:
                if t.op in ("eq", "ne", "in", "not_in") and not isinstance(t.operand, BindingRef) \
                        and not self._passes(t, f, None):
                    x = self._operand(t, None)
                    out.append(Observation(label=fdefs[t.field].ja, label_en=fdefs[t.field].en,
                                           value=_show(f.fields.get(t.field)), op=_SYM[t.op], threshold=_show(x),
                                           met=False, subject=self.subject(f), subject_en=self.subject(f, "en"),
                                           parameter=t.operand.name if isinstance(t.operand, ParamRef) else None,
                                           parameter_since=self.c.since.get(t.operand.name)
                                           if isinstance(t.operand, ParamRef) else None))
                    break
        return out

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

    def observe(self, node: Node, f: Fact, bound: list[Fact] | None) -> list[Observation]:
        subject, subject_en = self.subject(f), self.subject(f, "en")
        out = []
        for t in node.where:
            if t.op in ("eq", "ne", "in", "not_in") and not isinstance(t.operand, BindingRef):
                continue
            fdef = self.types[node.fact].fields[t.field]
            b = _best_bound(bound, t) if isinstance(t.operand, BindingRef) else None
            x = self._operand(t, b)
            v = f.fields.get(t.field)
            ok = self._passes(t, f, b)
            short = None
            if not ok and v is not None and x is not None and t.op in ("gte", "gt") and fdef.type == "score":
                short = round(float(x) - float(v), 4)
            label_ja, label_en = fdef.ja, fdef.en
            if isinstance(t.operand, BindingRef):
                label_ja += f"（{t.operand.binding}.{t.operand.field} と比較）"
                label_en += f" (against {t.operand.binding}.{t.operand.field})"
            if v is None and f.notes.get("missing_perspectives") and t.field == "report_score":
                miss = "・".join(VALUE_JA.get(q, q) for q in f.notes["missing_perspectives"])
                subject += f"（{miss}の評価なし）"
                subject_en += f" (no {', '.join(f.notes['missing_perspectives'])} scores)"
            if t.field == "member_score":
                if v is None:
                    subject += "（メンバーからの評価なし）"
                    subject_en += " (no score from the project's members)"
                if f.notes.get("left_out"):
                    rows = "、".join(f.notes["left_out"])
                    subject += f"（メンバー以外の評価を除外: {rows}）"
                    subject_en += f" (scores from non-members left out: {rows})"
            out.append(Observation(label=label_ja, label_en=label_en, value=v, op=_SYM[t.op], threshold=x,
                                   met=ok, shortfall=short, subject=subject, subject_en=subject_en,
                                   parameter=t.operand.name if isinstance(t.operand, ParamRef) else None,
                                   parameter_since=self.c.since.get(t.operand.name) if isinstance(t.operand, ParamRef) else None))
        return out

    def subject(self, f: Fact, lang: str = "ja") -> str:
        """Which fact an observation is about, in words: year, project, course or skill (by its
        catalogue name), level, role."""
        policy, fl, en = self.c.policy, f.fields, lang == "en"
        values = VALUE_EN if en else VALUE_JA
        paren = (lambda x: f"({x})") if en else (lambda x: f"（{x}）")
        parts = []
        if fl.get("fiscal_year") is not None:
            parts.append(f"FY{fl['fiscal_year']}" if en else f"{fl['fiscal_year']}年度")
        for key in ("project_id", "project_name", "name", "qualification", "certification"):
            if fl.get(key):
                parts.append(str(fl[key]))
        if fl.get("course"):
            label = policy.label("course", fl["course"], lang)
            parts.append(f"'{label}'" if en else f"「{label}」")
            if fl.get("course_name") and fl["course_name"] not in (label, policy.label("course", fl["course"])):
                parts.append(paren(("recorded as: " if en else "記録: ") + fl["course_name"]))
        if fl.get("skill"):
            label = policy.label("skill", fl["skill"], lang)
            parts.append(label + ((" " if en else "") + paren(fl["skill"]) if label != fl["skill"] else ""))
        if fl.get("level") is not None:
            parts.append(f"level {fl['level']}" if en else f"レベル {fl['level']}{self.level_label(fl['level'])}")
        for key in ("kind", "role", "via"):
            if fl.get(key):
                parts.append(paren(values.get(fl[key], fl[key])))
        if fl.get("nominated_for"):
            parts.append(("nominated for: " if en else "推薦区分: ") + values.get(fl["nominated_for"], fl["nominated_for"]))
        return " ".join(parts)

    def value_ja(self, field: str, value: Any) -> str:
        """A literal as a reader knows it: a catalogue's Japanese name, a role's Japanese word."""
        if field in ("course", "skill"):
            return f"「{self.c.policy.label(field, value)}」"
        return VALUE_JA.get(str(value), str(value))

    def level_label(self, level: Any) -> str:
        for scale in self.c.policy.scales.values():
            if str(level) in scale.labels:
                return f"（{scale.labels[str(level)]}）"
        return ""

    def guard(self, node: Node, out: ExplanationNode) -> None:
        """durable_rules and the comparisons shown must agree (uncorrelated leaves)."""
        cands = self.candidates(node)
        shown = any(all(self._passes(t, f, None) for t in node.where) for f in cands)
        if shown != out.met:
            raise ReviewError(f"internal: {node.id}: durable_rules decided met={out.met}, "
                              f"the values shown say {shown}")


def _best_bound(bound: list[Fact] | None, t: Test) -> Fact | None:
    if not bound:
        return None
    # compare against the latest bound fact: the most favourable for 'before', shown to the reader
    return max(bound, key=lambda f: f.fields.get(t.operand.field) or 0)


def _show(value: Any) -> Any:
    """A value for an observation: lists as lists, blanks as 空欄."""
    if isinstance(value, (list, tuple)):
        return ["（空欄）" if v is None else v for v in value]
    return value


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


__all__ = ["Explainer", "evidence", "DOMAINS"]
