"""Rule files: load line-numbered YAML, validate everything, build the policy model.

Every problem is collected (not just the first) as ``file:line:col: message``, with a
did-you-mean for misspelt names, and raised together as one RuleError. The format is documented
in docs/rules.md.
"""
from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from .errors import Problem, RuleError
from .facttypes import BASE_TYPES, DERIVED_KINDS, DOMAINS, ORDERED, FactType, domain_of

NODE_KINDS = ("all", "any", "not", "exists", "at_least", "certified")
NODE_KEYS = {
    "all": {"id", "text", "quote", "reading", "all"},
    "any": {"id", "text", "quote", "reading", "any"},
    "not": {"id", "text", "quote", "reading", "not"},
    "exists": {"id", "text", "quote", "reading", "exists", "where", "as", "with"},
    "at_least": {"id", "text", "quote", "reading", "at_least", "consecutive", "distinct", "exists", "where"},
    "certified": {"id", "text", "quote", "reading", "certified"},
}
OPS = {"eq": "==", "ne": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "in": "in", "not_in": "not in"}
ORDER_OPS = {"gt", "gte", "lt", "lte"}
PARAM_TYPES = {"score", "integer", "boolean", "text", "fiscal_year"}
VALIDITIES = ("permanent", "yearly")
MAX_JOIN = 16  # durable_rules joins at most 16 facts per rule


# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class Loc:
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Text:
    ja: str
    en: str = ""


@dataclass(frozen=True)
class ParamRef:
    name: str


@dataclass(frozen=True)
class BindingRef:
    binding: str
    field: str


@dataclass(frozen=True)
class Test:
    field: str
    op: str  # key of OPS
    operand: Any  # literal, ParamRef or BindingRef
    loc: Loc


@dataclass
class Node:
    id: str
    kind: str
    loc: Loc
    text: Text
    quote: str | None = None
    reading: str | None = None
    children: list["Node"] = field(default_factory=list)
    fact: str | None = None  # exists / at_least: fact type name
    where: list[Test] = field(default_factory=list)
    binding: str | None = None  # exists ... as: name
    with_: "Node | None" = None  # exists ... with: correlated condition
    count: Any = None  # at_least: int or ParamRef
    run_field: str | None = None  # at_least: the field that must be distinct / consecutive
    consecutive: bool = False
    certified: str | None = None

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()
        if self.with_ is not None:
            yield from self.with_.walk()


@dataclass
class Parameter:
    name: str
    type: str
    label: Text
    values: list[tuple[int | None, Any]]  # (from fiscal year or None for the first value, value)
    loc: Loc
    quote: str | None = None
    reading: str | None = None
    min: Any = None
    max: Any = None

    def value_for(self, fiscal_year: int) -> tuple[Any, int | None]:
        """The value in force for a fiscal year and the year from which it applies."""
        chosen, since = self.values[0][1], self.values[0][0]
        for start, value in self.values[1:]:
            if start is not None and start <= fiscal_year:
                chosen, since = value, start
        return chosen, since


@dataclass
class Derived:
    name: str
    kind: str
    options: dict[str, Any]
    loc: Loc

    @property
    def fact_type(self) -> FactType:
        base = DERIVED_KINDS[self.kind]
        return FactType(self.name, base.ja, base.en, base.fields, derived=True)


@dataclass
class CertificationDef:
    id: str
    label: Text
    criterion: str
    validity: str
    condition: Node
    loc: Loc


@dataclass
class Policy:
    id: str
    municipality: Text
    title: Text
    source: dict[str, Any]
    parameters: dict[str, Parameter]
    derived: dict[str, Derived]
    certifications: list[CertificationDef]
    targets: dict[str, Any]
    path: str
    content: str
    sha256: str

    def certification(self, cert_id: str) -> CertificationDef:
        for c in self.certifications:
            if c.id == cert_id:
                return c
        raise KeyError(cert_id)

    def fact_types(self) -> dict[str, FactType]:
        out = dict(BASE_TYPES)
        out.update({name: d.fact_type for name, d in self.derived.items()})
        return out

    def catalogues(self) -> dict[str, list[str]]:
        return {}


# ---------------------------------------------------------------- loading


def _suggest(name: str, choices) -> str:
    match = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


class _Loader:
    def __init__(self, path: Path, display: str):
        self.path = path
        self.file = display
        self.problems: list[Problem] = []

    # -- positions
    def loc(self, node: Any, key: Any = None, value: bool = False) -> Loc:
        try:
            if key is not None and isinstance(node, (CommentedMap, CommentedSeq)):
                line, col = (node.lc.value(key) if value and isinstance(node, CommentedMap) else
                             node.lc.key(key) if isinstance(node, CommentedMap) else node.lc.item(key))
            else:
                line, col = node.lc.line, node.lc.col
            return Loc(self.file, line + 1, col + 1)
        except Exception:  # scalar without position: fall back to its parent's
            return Loc(self.file, 1, 1)

    def err(self, loc: Loc, message: str) -> None:
        self.problems.append(Problem(str(loc), message))

    # -- helpers
    def mapping(self, node: Any, where: Loc, what: str) -> CommentedMap | None:
        if not isinstance(node, CommentedMap):
            self.err(where, f"{what} must be a mapping")
            return None
        return node

    def text(self, parent: CommentedMap, key: str, required: bool = True) -> Text | None:
        raw = parent.get(key)
        if raw is None:
            if required:
                self.err(self.loc(parent), f"missing '{key}'")
            return None
        if isinstance(raw, str):
            return Text(raw, "")
        if isinstance(raw, CommentedMap) and isinstance(raw.get("ja"), str):
            for k in raw:
                if k not in ("ja", "en"):
                    self.err(self.loc(raw, k), f"unknown language '{k}' (use ja, en)")
            return Text(raw["ja"], str(raw.get("en") or ""))
        self.err(self.loc(parent, key, value=True), f"'{key}' must be text or {{ja: ..., en: ...}}")
        return None

    def unknown_keys(self, node: CommentedMap, allowed: set[str], what: str, hints=None) -> None:
        for k in node:
            if k not in allowed:
                self.err(self.loc(node, k), f"unknown key '{k}' in {what}{_suggest(k, hints or allowed)}")

    # -- top level
    def load(self) -> Policy | None:
        content = self.path.read_text(encoding="utf-8")
        yaml = YAML(typ="rt")
        yaml.allow_duplicate_keys = False
        try:
            doc = yaml.load(content)
        except MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            self.err(Loc(self.file, line, col), f"YAML: {e.problem or e.context}")
            return None
        except Exception as e:  # ruamel raises other types for duplicate keys
            self.err(Loc(self.file, 1, 1), f"YAML: {e}")
            return None
        root = self.mapping(doc, Loc(self.file, 1, 1), "a rule file")
        if root is None:
            return None
        self.unknown_keys(root, {"policy", "parameters", "derived", "certifications", "targets"}, "the rule file")
        meta = self.mapping(root.get("policy"), self.loc(root), "'policy'") if "policy" in root else None
        if meta is None:
            self.err(self.loc(root), "missing 'policy' (id, municipality, title, source)")
            return None
        self.unknown_keys(meta, {"id", "municipality", "title", "source"}, "'policy'")
        policy_id = meta.get("id")
        if not isinstance(policy_id, str) or not policy_id.isidentifier():
            self.err(self.loc(meta), "policy 'id' must be an identifier such as moka")
            policy_id = str(policy_id)
        municipality = self.text(meta, "municipality") or Text("")
        title = self.text(meta, "title") or Text("")
        source = meta.get("source")
        if not isinstance(source, CommentedMap) or not source.get("document"):
            self.err(self.loc(meta), "policy 'source' needs 'document' (the municipal document quoted)")
            source = {}

        self.params = self.load_parameters(root.get("parameters") or CommentedMap(), root)
        self.derived = self.load_derived(root.get("derived") or CommentedMap())
        self.types = dict(BASE_TYPES)
        self.types.update({n: d.fact_type for n, d in self.derived.items()})
        certs = self.load_certifications(root.get("certifications"), root)
        self.check_references(certs)
        targets = root.get("targets") or {}
        if not self.problems:
            used = {t.operand.name for c in certs for n in c.condition.walk() for t in n.where
                    if isinstance(t.operand, ParamRef)}
            used |= {n.count.name for c in certs for n in c.condition.walk() if isinstance(n.count, ParamRef)}
            used |= {v.name for d in self.derived.values() for v in d.options.values() if isinstance(v, ParamRef)}
            for name, p in self.params.items():
                if name not in used:
                    self.err(p.loc, f"parameter '{name}' is not used by any condition")
        return Policy(
            id=policy_id, municipality=municipality, title=title, source=dict(source),
            parameters=self.params, derived=self.derived, certifications=certs,
            targets=_plain(targets), path=self.file, content=content,
            sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
        )

    # -- parameters
    def load_parameters(self, node: Any, root: CommentedMap) -> dict[str, Parameter]:
        out: dict[str, Parameter] = {}
        if not isinstance(node, CommentedMap):
            self.err(self.loc(root, "parameters"), "'parameters' must be a mapping")
            return out
        for name, spec in node.items():
            loc = self.loc(node, name)
            spec = self.mapping(spec, loc, f"parameter '{name}'")
            if spec is None:
                continue
            self.unknown_keys(spec, {"type", "label", "quote", "reading", "value", "changes", "min", "max"},
                              f"parameter '{name}'")
            ptype = spec.get("type")
            base = ptype[5:-1] if isinstance(ptype, str) and ptype.startswith("list[") and ptype.endswith("]") else None
            if not isinstance(ptype, str) or (ptype not in PARAM_TYPES and base is None):
                self.err(self.loc(spec, "type", value=True) if "type" in spec else loc,
                         f"parameter '{name}': unknown type {ptype!r}{_suggest(ptype, PARAM_TYPES)}"
                         f" (types: {', '.join(sorted(PARAM_TYPES))}, list[...])")
                continue
            if base is not None and base != "text" and base not in DOMAINS:
                self.err(self.loc(spec, "type", value=True),
                         f"parameter '{name}': unknown list item type '{base}'{_suggest(base, DOMAINS)}")
                continue
            label = self.text(spec, "label") or Text(name)
            if "value" not in spec:
                self.err(loc, f"parameter '{name}' has no 'value'")
                continue
            values: list[tuple[int | None, Any]] = [(None, spec["value"])]
            changes = spec.get("changes", CommentedSeq())
            if not isinstance(changes, CommentedSeq):
                self.err(self.loc(spec, "changes", value=True), "'changes' must be a list of {from: 年度, value: ...}")
                changes = []
            for i, ch in enumerate(changes):
                cl = self.loc(changes, i)
                if not isinstance(ch, CommentedMap) or "from" not in ch or "value" not in ch:
                    self.err(cl, "each change needs 'from' (a fiscal year such as 令和8年度) and 'value'")
                    continue
                from facts.dates import parse_fiscal_year  # the one parser of fiscal years

                try:
                    start = parse_fiscal_year(str(ch["from"]))
                except Exception:
                    self.err(cl, f"'from': {ch['from']!r} is not a fiscal year (2026, R8, 令和8年度)")
                    continue
                values.append((start, ch["value"]))
            values[1:] = sorted(values[1:], key=lambda v: v[0])
            p = Parameter(name, ptype, label, [], loc, spec.get("quote"), spec.get("reading"),
                          spec.get("min"), spec.get("max"))
            for start, value in values:
                checked = self.check_param_value(p, value, self.loc(spec, "value", value=True))
                p.values.append((start, checked))
            out[name] = p
        return out

    def check_param_value(self, p: Parameter, value: Any, loc: Loc) -> Any:
        t = p.type
        if t == "score":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1.0 <= float(value) <= 5.0:
                self.err(loc, f"parameter '{p.name}': {value!r} is not a score between 1.0 and 5.0")
                return 0.0
            return float(value)
        if t in ("integer", "fiscal_year"):
            if isinstance(value, bool) or not isinstance(value, int):
                self.err(loc, f"parameter '{p.name}': {value!r} is not an integer")
                return 0
            if (p.min is not None and value < p.min) or (p.max is not None and value > p.max):
                self.err(loc, f"parameter '{p.name}': {value} is outside {p.min}..{p.max}")
            return int(value)
        if t == "boolean":
            if not isinstance(value, bool):
                self.err(loc, f"parameter '{p.name}': {value!r} is not true or false")
            return bool(value)
        if t == "text":
            return str(value)
        base = t[5:-1]
        if not isinstance(value, CommentedSeq):
            self.err(loc, f"parameter '{p.name}': expected a list")
            return []
        items = [str(v) for v in value]
        if base in DOMAINS:
            for v in items:
                if v not in DOMAINS[base]:
                    self.err(loc, f"parameter '{p.name}': '{v}' is not a {base}{_suggest(v, DOMAINS[base])}")
        return tuple(items)

    # -- derived facts
    def load_derived(self, node: Any) -> dict[str, Derived]:
        out: dict[str, Derived] = {}
        if not isinstance(node, CommentedMap):
            return out
        for name, spec in node.items():
            loc = self.loc(node, name)
            if name in BASE_TYPES:
                self.err(loc, f"derived fact '{name}' has the name of a record type")
                continue
            spec = self.mapping(spec, loc, f"derived fact '{name}'")
            if spec is None:
                continue
            kind = spec.get("kind")
            if kind not in DERIVED_KINDS:
                self.err(loc, f"derived fact '{name}': unknown kind {kind!r}{_suggest(kind, DERIVED_KINDS)}")
                continue
            options = {}
            for k, v in spec.items():
                if k == "kind":
                    continue
                if isinstance(v, str) and v.startswith("$"):
                    if v[1:] not in self.params:
                        self.err(self.loc(spec, k, value=True), f"unknown parameter '{v}'{_suggest(v[1:], self.params)}")
                        continue
                    options[k] = ParamRef(v[1:])
                else:
                    options[k] = _plain(v)
            if kind == "project_scores" and "perspectives" not in options:
                self.err(loc, "derived fact kind project_scores needs 'perspectives'")
            out[name] = Derived(name, kind, options, loc)
        return out

    # -- certifications
    def load_certifications(self, node: Any, root: CommentedMap) -> list[CertificationDef]:
        out: list[CertificationDef] = []
        if not isinstance(node, CommentedMap) or not node:
            self.err(self.loc(root), "missing 'certifications'")
            return out
        self.node_ids: dict[str, Loc] = {}
        for cid, spec in node.items():
            loc = self.loc(node, cid)
            spec = self.mapping(spec, loc, f"certification '{cid}'")
            if spec is None:
                continue
            self.unknown_keys(spec, {"label", "criterion", "validity", "condition"}, f"certification '{cid}'")
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
                         f"certification '{cid}': validity must be permanent or yearly{_suggest(validity, VALIDITIES)}")
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
                unknown = [k for k in raw if k not in {"id", "text", "quote", "reading", "where", "as", "with"}]
                hint = _suggest(unknown[0], NODE_KINDS) if unknown else ""
                self.err(self.loc(raw, unknown[0]) if unknown else loc,
                         f"unknown predicate '{unknown[0] if unknown else ''}'{hint}; "
                         f"a condition is one of {', '.join(NODE_KINDS)}")
            return None
        kind = kinds[0]
        self.unknown_keys(raw, NODE_KEYS[kind], f"a '{kind}' condition", set().union(*NODE_KEYS.values()))
        node_id = str(raw.get("id") or default_id)
        if node_id in self.node_ids:
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
        else:  # exists / at_least
            fact = raw.get("exists")
            if kind == "at_least":
                node.count = self.count(raw)
                cons, dist = raw.get("consecutive"), raw.get("distinct")
                if (cons is None) == (dist is None):
                    self.err(loc, "'at_least' needs exactly one of 'consecutive: <field>' or 'distinct: <field>'")
                node.consecutive = cons is not None
                node.run_field = str(cons if cons is not None else dist)
                if fact is None:
                    self.err(loc, "'at_least' needs 'exists: <fact type>'")
            ftype = self.types.get(str(fact)) if fact is not None else None
            if fact is not None and ftype is None:
                self.err(self.loc(raw, "exists", value=True),
                         f"unknown fact type '{fact}'{_suggest(fact, self.types)}")
            node.fact = str(fact) if fact is not None else None
            if ftype is not None and node.run_field and node.run_field not in ftype.fields:
                self.err(loc, f"unknown field '{node.run_field}' of {fact}{_suggest(node.run_field, ftype.fields)}")
            if ftype is not None and node.run_field and node.consecutive and ftype.fields[node.run_field].type != "year":
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
                        if n.kind in ("not", "at_least", "certified"):
                            self.err(n.loc, f"'{n.kind}' is not allowed inside 'with' (use all / any / exists)")
        return node

    def count(self, raw: CommentedMap) -> Any:
        value = raw.get("at_least")
        loc = self.loc(raw, "at_least", value=True)
        if isinstance(value, str) and value.startswith("$"):
            p = self.params.get(value[1:])
            if p is None:
                self.err(loc, f"unknown parameter '{value}'{_suggest(value[1:], self.params)}")
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

    def load_where(self, raw: Any, parent: CommentedMap, ftype: FactType, bindings: set[str]) -> list[Test]:
        tests: list[Test] = []
        if raw is None:
            return tests
        if not isinstance(raw, CommentedMap):
            self.err(self.loc(parent, "where"), "'where' must map field names to values or {op: value}")
            return tests
        for fname, spec in raw.items():
            loc = self.loc(raw, fname)
            fdef = ftype.fields.get(fname)
            if fdef is None:
                self.err(loc, f"unknown field '{fname}' of {ftype.name}{_suggest(fname, ftype.fields)}")
                continue
            pairs = list(spec.items()) if isinstance(spec, CommentedMap) else [("eq", spec)]
            for op, operand in pairs:
                oloc = self.loc(spec, op) if isinstance(spec, CommentedMap) else self.loc(raw, fname, value=True)
                if op not in OPS:
                    self.err(oloc, f"unknown operator '{op}'{_suggest(op, OPS)} (operators: {', '.join(OPS)})")
                    continue
                value = self.operand(operand, oloc, fdef, op, fname, ftype, bindings)
                if value is not _BAD:
                    tests.append(Test(str(fname), op, value, oloc))
        return tests

    def operand(self, operand, loc, fdef, op, fname, ftype, bindings):
        if op in ORDER_OPS and fdef.type not in ORDERED:
            self.err(loc, f"'{op}' compares numbers, but {ftype.name}.{fname} is {fdef.type}")
            return _BAD
        if isinstance(operand, str) and operand.startswith("$"):
            p = self.params.get(operand[1:])
            if p is None:
                self.err(loc, f"unknown parameter '{operand}'{_suggest(operand[1:], self.params)}")
                return _BAD
            is_list = p.type.startswith("list[")
            if op in ("in", "not_in") and not is_list:
                self.err(loc, f"'{op}' needs a list parameter; '{p.name}' is {p.type}")
                return _BAD
            if op not in ("in", "not_in") and is_list:
                self.err(loc, f"'{p.name}' is a list: use 'in' or 'not_in'")
                return _BAD
            want = {"score": {"score"}, "year": {"fiscal_year", "integer"}, "int": {"integer"}}.get(fdef.type)
            if want and p.type not in want:
                self.err(loc, f"type error: {ftype.name}.{fname} is {fdef.type} but parameter '{p.name}' is {p.type}")
                return _BAD
            dom = domain_of(fdef)
            if is_list and dom and p.type != f"list[{dom}]" and p.type != "list[text]":
                self.err(loc, f"type error: {ftype.name}.{fname} takes {dom} values but '{p.name}' is {p.type}")
                return _BAD
            return ParamRef(p.name)
        if isinstance(operand, str) and "." in operand and operand.split(".", 1)[0] in bindings:
            b, f = operand.split(".", 1)
            return BindingRef(b, f)
        if isinstance(operand, str) and "." in operand and operand.split(".", 1)[0].isidentifier() \
                and fdef.type in ORDERED:
            self.err(loc, f"unknown binding '{operand.split('.', 1)[0]}' (bind a fact with 'as:' in an enclosing exists)")
            return _BAD
        if op in ("in", "not_in"):
            if not isinstance(operand, CommentedSeq):
                self.err(loc, f"'{op}' takes a list or a list parameter")
                return _BAD
            values = tuple(_plain(operand))
            for v in values:
                self._check_literal(v, fdef, loc, fname, ftype)
            return values
        self._check_literal(operand, fdef, loc, fname, ftype)
        return _plain(operand)

    def _check_literal(self, v, fdef, loc, fname, ftype) -> None:
        dom = domain_of(fdef)
        if dom and str(v) not in DOMAINS[dom]:
            self.err(loc, f"'{v}' is not a {dom} value of {ftype.name}.{fname}{_suggest(str(v), DOMAINS[dom])}"
                          f" (values: {', '.join(DOMAINS[dom])})")
        if fdef.type == "score" and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 1 <= v <= 5):
            self.err(loc, f"type error: {ftype.name}.{fname} is a score (1.0-5.0), not {v!r}")
        if fdef.type in ("year", "int") and (isinstance(v, bool) or not isinstance(v, int)):
            self.err(loc, f"type error: {ftype.name}.{fname} is a number, not {v!r}")

    def check_references(self, certs: list[CertificationDef]) -> None:
        ids = {c.id for c in certs}
        graph: dict[str, set[str]] = {}
        for c in certs:
            refs = set()
            for n in c.condition.walk():
                if n.kind == "certified":
                    if n.certified not in ids:
                        self.err(n.loc, f"unknown certification '{n.certified}'{_suggest(n.certified, ids)}")
                    refs.add(n.certified)
                for t in n.where:
                    if n.fact == "certification" and t.field == "certification" and t.op == "eq" \
                            and t.operand not in ids and not isinstance(t.operand, (ParamRef, BindingRef)):
                        self.err(t.loc, f"unknown certification '{t.operand}'{_suggest(t.operand, ids)}")
            graph[c.id] = refs
        for start in graph:  # prerequisite cycles
            seen, stack = set(), [start]
            while stack:
                cur = stack.pop()
                for nxt in graph.get(cur, ()):
                    if nxt == start:
                        self.err(self._cert_loc(certs, start), f"certification '{start}' depends on itself"
                                 " through its prerequisites (a cycle can never be met)")
                        stack = []
                        break
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)

    @staticmethod
    def _cert_loc(certs, cid) -> Loc:
        return next(c.loc for c in certs if c.id == cid)


_BAD = object()


def _plain(value: Any) -> Any:
    if isinstance(value, CommentedMap):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, CommentedSeq):
        return [_plain(v) for v in value]
    return value


def load_rule_file(path: Path, display: str | None = None) -> Policy:
    """Load and validate one rule file; raise RuleError listing every problem."""
    loader = _Loader(path, display or path.as_posix())
    policy = loader.load()
    if loader.problems or policy is None:
        raise RuleError(loader.problems, summary=f"{loader.file}: {len(loader.problems)} problem(s)")
    return policy
