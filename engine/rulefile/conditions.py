"""Condition trees: certifications, named conditions and each condition node (``all``, ``any``,
``not``, ``exists``, ``at_least``, ``certified``, ``ref``, ``flag``, ``cases``; ``every`` is in
every.py and ``where`` tests in where.py)."""
from __future__ import annotations

import copy
from math import comb
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .model import CertificationDef, Loc, Node, ParamRef, Text
from .vocabulary import COMMON_KEYS, MAX_COMBINATIONS, MAX_JOIN, NODE_KEYS, NODE_KINDS, VALIDITIES
from .yamlio import RuleFileReader, suggest


class Conditions(RuleFileReader):
    # -- named conditions
    def load_named(self, node: Any) -> None:
        if not isinstance(node, CommentedMap):
            self.err(Loc(self.file, 1, 1), "'conditions' must map names to conditions")
            return
        for name, spec in node.items():
            loc = self.loc(node, name)
            if not str(name).isidentifier():
                self.err(loc, f"condition name '{name}' must be an identifier")
                continue
            if isinstance(spec, CommentedMap) and "id" in spec and spec["id"] != name:
                self.err(self.loc(spec, "id"), f"named condition '{name}' takes its id from its name")
            if isinstance(spec, CommentedMap):
                spec = copy.deepcopy(spec)
                spec["id"] = str(name)
            node_ = self.load_node(spec, loc, str(name), set())
            if node_ is not None:
                self.named[str(name)] = node_

    # -- certifications
    def load_certifications(self, node: Any, root: CommentedMap) -> list[CertificationDef]:
        out: list[CertificationDef] = []
        if not isinstance(node, CommentedMap) or not node:
            self.err(self.loc(root), "missing 'certifications'")
            return out
        for cid, spec, loc in self.entries(node, "certification", {"label", "criterion", "validity", "condition"}):
            label = self.text(spec, "label") or Text(cid)
            if not label.en:
                self.err(self.loc(spec, "label"), f"certification '{cid}': label needs 'en' as well as 'ja'")
            criterion = spec.get("criterion")
            if not isinstance(criterion, str) or not criterion.strip():
                self.err(loc, f"certification '{cid}': missing 'criterion' (quote the document's sentence)")
                criterion = ""
            validity = spec.get("validity")
            if validity not in VALIDITIES:
                self.err(self.loc(spec, "validity", value=True) if "validity" in spec else loc,
                         f"certification '{cid}': validity must be permanent or yearly{suggest(validity, VALIDITIES)}")
            if "condition" not in spec:
                self.err(loc, f"certification '{cid}': missing 'condition'")
                continue
            cond = self.load_node(spec["condition"], self.loc(spec, "condition"), f"{cid}", set())
            if cond is not None:
                out.append(CertificationDef(str(cid), label, criterion, str(validity), cond, loc))
        return out

    def load_node(self, raw: Any, loc: Loc, default_id: str, bindings: set[str]) -> Node | None:
        raw = self.mapping(raw, loc, "a condition")
        if raw is None:
            return None
        loc = self.loc(raw)
        kinds = [k for k in NODE_KINDS if k in raw and not (k == "exists" and "at_least" in raw)]
        if len(kinds) != 1:
            if kinds:
                self.err(loc, f"a condition has exactly one of {', '.join(NODE_KINDS)}; found {', '.join(kinds)}")
            else:
                unknown = [k for k in raw if k not in COMMON_KEYS | {"where", "as", "with"}]
                hint = suggest(unknown[0], NODE_KINDS) if unknown else ""
                self.err(self.loc(raw, unknown[0]) if unknown else loc,
                         f"unknown predicate '{unknown[0] if unknown else ''}'{hint}; "
                         f"a condition is one of {', '.join(NODE_KINDS)}")
            return None
        kind = kinds[0]
        self.unknown_keys(raw, NODE_KEYS[kind], f"a '{kind}' condition", set().union(*NODE_KEYS.values()))
        node_id = str(raw.get("id") or default_id)
        if node_id in self.node_ids and not getattr(self, "_variant", False):
            self.err(loc, f"condition id '{node_id}' is used twice (first at {self.node_ids[node_id]})")
        self.node_ids[node_id] = loc
        text = self.text(raw, "text", required=False) or Text(node_id, node_id)
        node = Node(node_id, kind, loc, text, raw.get("quote"), raw.get("reading"))
        if kind in ("all", "any"):
            items = raw[kind]
            if not isinstance(items, CommentedSeq) or not items:
                self.err(self.loc(raw, kind), f"'{kind}' takes a non-empty list of conditions")
                return node
            for i, item in enumerate(items):
                child = self.load_node(item, self.loc(items, i), f"{node_id}.{i + 1}", bindings)
                if child is not None:
                    node.children.append(child)
        elif kind == "not":
            child = self.load_node(raw["not"], self.loc(raw, "not"), f"{node_id}.not", bindings)
            if child is not None:
                node.children.append(child)
        elif kind == "certified":
            node.certified = str(raw["certified"])
        elif kind == "ref":
            node.ref = str(raw["ref"])
        elif kind == "flag":
            node.flag = self.bool_param(raw, "flag")
            node.flag_is = raw.get("is", True)
            if not isinstance(node.flag_is, bool):
                self.err(self.loc(raw, "is"), "'is' takes true or false")
        elif kind == "cases":
            self.load_cases(node, raw, bindings)
        elif kind == "every":
            self.load_every(node, raw, bindings)
        elif kind == "at_least" and "of" in raw:
            node.count = self.count(raw)
            items = raw["of"]
            if not isinstance(items, CommentedSeq) or not items:
                self.err(self.loc(raw, "of"), "'at_least N of' takes a non-empty list of conditions")
                return node
            for k in ("exists", "where", "consecutive", "distinct"):
                if k in raw:
                    self.err(self.loc(raw, k), f"'{k}' does not go with 'of' (count facts or count conditions)")
            for i, item in enumerate(items):
                child = self.load_node(item, self.loc(items, i), f"{node_id}.{i + 1}", bindings)
                if child is not None:
                    node.children.append(child)
            n = node.count if isinstance(node.count, int) else self.params[node.count.name].max
            if isinstance(n, int) and n > len(node.children):
                self.err(loc, f"'at_least {n} of' has only {len(node.children)} conditions")
            if isinstance(n, int) and comb(len(node.children), min(n, len(node.children))) > MAX_COMBINATIONS:
                self.err(loc, f"'at_least {n} of' {len(node.children)} conditions makes too many combinations")
        else:  # exists / at_least
            fact = raw.get("exists")
            if kind == "at_least":
                node.count = self.count(raw)
                cons, dist = raw.get("consecutive"), raw.get("distinct")
                if isinstance(cons, str) and cons.startswith("$"):  # distinct, consecutive if the flag is set
                    node.consecutive = self.bool_param(raw, "consecutive")
                    if dist is None:
                        self.err(loc, "'consecutive: $parameter' goes with 'distinct: <field>'")
                    node.run_field = str(dist)
                else:
                    if (cons is None) == (dist is None):
                        self.err(loc, "'at_least' needs exactly one of 'consecutive: <field>' or 'distinct: <field>'")
                    node.consecutive = cons is not None
                    node.run_field = str(cons if cons is not None else dist)
                if fact is None:
                    self.err(loc, "'at_least' needs 'exists: <fact type>'")
            ftype = self.types.get(str(fact)) if fact is not None else None
            if fact is not None and ftype is None:
                self.err(self.loc(raw, "exists", value=True),
                         f"unknown fact type '{fact}'{suggest(fact, self.types)}")
            node.fact = str(fact) if fact is not None else None
            if ftype is not None and node.run_field and node.run_field not in ftype.fields:
                self.err(loc, f"unknown field '{node.run_field}' of {fact}{suggest(node.run_field, ftype.fields)}")
            if ftype is not None and node.run_field in ftype.fields and node.consecutive \
                    and ftype.fields[node.run_field].type != "year":
                self.err(loc, f"'consecutive' needs a fiscal-year field, not '{node.run_field}'")
            binding = raw.get("as")
            if binding is not None:
                if kind != "exists" or not str(binding).isidentifier():
                    self.err(self.loc(raw, "as"), "'as' names the matched fact with an identifier, on 'exists' only")
                node.binding = str(binding)
            if ftype is not None:
                node.where = self.load_where(raw.get("where"), raw, ftype, bindings)
            if "with" in raw:
                if binding is None:
                    self.err(self.loc(raw, "with"), "'with' needs 'as: <name>' so that its conditions can refer to the fact")
                inner = bindings | ({node.binding} if node.binding else set())
                node.with_ = self.load_node(raw["with"], self.loc(raw, "with"), f"{node_id}.with", inner)
                if node.with_ is not None:
                    for n in node.with_.walk():
                        if n.kind not in ("all", "any", "exists"):
                            self.err(n.loc, f"'{n.kind}' is not allowed inside 'with' (use all / any / exists)")
        return node

    def bool_param(self, raw: CommentedMap, key: str) -> ParamRef | None:
        value = raw.get(key)
        loc = self.loc(raw, key, value=True)
        p = self.params.get(str(value)[1:]) if isinstance(value, str) and value.startswith("$") else None
        if p is None:
            self.err(loc, f"'{key}' takes a boolean parameter such as $require_x"
                          f"{suggest(str(value)[1:], self.params) if isinstance(value, str) else ''}")
            return None
        if p.type != "boolean":
            self.err(loc, f"'{key}' needs a boolean parameter; '{p.name}' is {p.type}")
        return ParamRef(p.name)

    def load_cases(self, node: Node, raw: CommentedMap, bindings: set[str]) -> None:
        """cases: [{when, then}]: met when a case whose 'when' holds has its 'then' met (an 'any'
        of 'all's); the explanation details only the cases whose 'when' holds."""
        items = raw["cases"]
        node.kind, node.cases = "any", True
        if not isinstance(items, CommentedSeq) or not items:
            self.err(self.loc(raw, "cases"), "'cases' takes a list of {when: ..., then: ...}")
            return
        for i, item in enumerate(items):
            iloc = self.loc(items, i)
            item = self.mapping(item, iloc, "a case")
            if item is None:
                continue
            self.unknown_keys(item, {"id", "text", "when", "then"}, "a case")
            if "when" not in item or "then" not in item:
                self.err(iloc, "a case needs 'when' (who it applies to) and 'then' (what they need)")
                continue
            cid = str(item.get("id") or f"{node.id}.{i + 1}")
            when = self.load_node(item["when"], self.loc(item, "when"), f"{cid}.when", bindings)
            then = self.load_node(item["then"], self.loc(item, "then"), f"{cid}.then", bindings)
            if when is None or then is None:
                continue
            text = self.text(item, "text", required=False) or Text(
                f"{when.text.ja} → {then.text.ja}", f"{when.text.en} -> {then.text.en}")
            self.node_ids[cid] = iloc
            node.children.append(Node(cid, "all", Loc(iloc.file, iloc.line, iloc.col), text, children=[when, then]))

    def count(self, raw: CommentedMap) -> Any:
        value = raw.get("at_least")
        loc = self.loc(raw, "at_least", value=True)
        if isinstance(value, str) and value.startswith("$"):
            p = self.params.get(value[1:])
            if p is None:
                self.err(loc, f"unknown parameter '{value}'{suggest(value[1:], self.params)}")
                return 2
            if p.type != "integer":
                self.err(loc, f"'at_least' needs an integer parameter; '{p.name}' is {p.type}")
                return 2
            if p.max is None or p.max > MAX_JOIN:
                self.err(p.loc, f"parameter '{p.name}' counts joined facts: give it 'max' of {MAX_JOIN} or less")
            return ParamRef(p.name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_JOIN:
            self.err(loc, f"'at_least' takes a whole number from 1 to {MAX_JOIN}, or a parameter")
            return 2
        return value
