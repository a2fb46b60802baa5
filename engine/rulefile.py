"""Rule files: load line-numbered YAML, validate everything, build the policy model.

Every problem is collected (not just the first) as ``file:line:col: message``, with a
did-you-mean for misspelt names, and raised together as one RuleError. The format is documented
in docs/rules.md.
"""
from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from facts.aliases import match_courses, norm

from .errors import Problem, RuleError
from .facttypes import BASE_TYPES, DERIVED_KINDS, DOMAINS, ORDERED, FactType, FieldDef, domain_of

NODE_KINDS = ("all", "any", "not", "exists", "at_least", "certified", "every", "cases", "ref", "flag")
_COMMON_KEYS = {"id", "text", "quote", "reading"}
NODE_KEYS = {
    "all": _COMMON_KEYS | {"all"},
    "any": _COMMON_KEYS | {"any"},
    "not": _COMMON_KEYS | {"not"},
    "exists": _COMMON_KEYS | {"exists", "where", "as", "with"},
    "at_least": _COMMON_KEYS | {"at_least", "consecutive", "distinct", "exists", "where", "of"},
    "certified": _COMMON_KEYS | {"certified"},
    "every": _COMMON_KEYS | {"every", "column", "values", "except", "each"},
    "cases": _COMMON_KEYS | {"cases"},
    "ref": _COMMON_KEYS | {"ref"},
    "flag": _COMMON_KEYS | {"flag", "is"},
}
REVIEW_YEAR = "$review_year"  # the fiscal year under review, usable wherever a year is compared
BLANK_CELLS = ("", "-")  # table cells that mean "nothing here"
MAX_COMBINATIONS = 64  # at_least N of: one rule per combination of N children
OPS = {"eq": "==", "ne": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "in": "in", "not_in": "not in"}
ORDER_OPS = {"gt", "gte", "lt", "lte"}
PARAM_TYPES = {"score", "integer", "boolean", "text", "fiscal_year", "table", "mapping"}
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
class ReviewYear:
    """The operand ``$review_year``: the fiscal year of the review being run."""


@dataclass(frozen=True)
class Scale:
    """An ordinal scale (``scales:``), lowest level first: levels compare by position."""

    name: str
    values: tuple[str, ...]
    labels: dict[str, str]
    loc: "Loc"

    def label(self, value: Any) -> str:
        return self.labels.get(str(value), str(value))


@dataclass(frozen=True)
class CatalogueEntry:
    """A course or skill a policy names (``catalogues:``): its id, Japanese name and aliases."""

    id: str
    ja: str
    en: str
    provider: str | None
    aliases: tuple[str, ...]

    def names(self) -> list[str]:
        out = [self.ja, *self.aliases]
        if self.provider:
            out += [f"{self.ja}({self.provider})", f"{self.ja}（{self.provider}）", f"{self.ja} {self.provider}"]
        return out


@dataclass
class Every:
    """``every``: one copy of the ``each`` template per item of a list parameter or per selected
    row of a table parameter column; expanded per parameter variant (values change by year)."""

    param: str
    column: str | None
    values: tuple[str, ...] | None
    except_: Any  # ParamRef, tuple of keys, or None
    variants: list[tuple[int | None, "Node"]] = field(default_factory=list)

    def for_year(self, fiscal_year: int) -> "Node":
        chosen = self.variants[0][1]
        for start, node in self.variants[1:]:
            if start is not None and start <= fiscal_year:
                chosen = node
        return chosen


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
    consecutive: Any = False  # bool, or ParamRef to a boolean parameter
    certified: str | None = None
    ref: str | None = None  # ref: a named condition of ``conditions:``
    flag: ParamRef | None = None  # flag: a boolean parameter ...
    flag_is: bool = True  # ... that must have this value
    cases: bool = False  # an 'any' built from 'cases': children are all[when, then]
    every: Every | None = None

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()
        if self.with_ is not None:
            yield from self.with_.walk()
        if self.every is not None:
            for _, variant in self.every.variants:
                yield from variant.walk()

    def expanded(self, fiscal_year: int) -> list["Node"]:
        """The child conditions in force for a fiscal year (an ``every`` expands per year)."""
        if self.every is not None:
            return self.every.for_year(fiscal_year).children
        return self.children


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
    columns: tuple[str, ...] = ()  # table: column keys
    rows: str | None = None  # table / mapping / list: the catalogue its keys come from
    scale: str | None = None  # table: the scale of its cells
    items: str | None = None  # mapping: the catalogue its listed values come from

    def change_years(self) -> list[int]:
        return [start for start, _ in self.values[1:] if start is not None]

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
    scale: tuple[str, ...] = ()  # latest_assessment: the levels of its 'level' field

    @property
    def fact_type(self) -> FactType:
        base = DERIVED_KINDS[self.kind]
        fields = {k: (FieldDef(f.type, f.ja, f.en, self.scale) if f.type == "rank" else f)
                  for k, f in base.fields.items()}
        return FactType(self.name, base.ja, base.en, fields, derived=True)


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
    scales: dict[str, Scale] = field(default_factory=dict)
    catalogue: dict[str, dict[str, CatalogueEntry]] = field(default_factory=dict)  # kind -> id -> entry
    conditions: dict[str, Node] = field(default_factory=dict)  # named conditions (ref)
    _resolved: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)

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
        """The course catalogue as the importer takes it: {course id: [names and aliases]}."""
        return {cid: e.names() for cid, e in self.catalogue.get("course", {}).items()}

    def label(self, kind: str, key: Any, lang: str = "ja") -> str:
        """The catalogue's name of a course or skill id (the id itself when not catalogued)."""
        entry = self.catalogue.get(kind, {}).get(str(key))
        if entry is None:
            return str(key)
        return (entry.en or entry.id) if lang == "en" else entry.ja

    def resolve(self, kind: str, name: str) -> str | None:
        """The catalogue id a recorded name stands for, matched as the importer matches course
        names (facts.aliases.match_courses: id, name or alias, else the one entry whose name
        contains it); None when nothing or several entries fit (the importer rejects those)."""
        entries = self.catalogue.get(kind)
        if not entries or name is None:
            return None
        key = (kind, name)  # records repeat the same few names: match each once
        if key not in self._resolved:
            found = match_courses(name, {cid: e.names() for cid, e in entries.items()})
            self._resolved[key] = found[0] if len(found) == 1 else None
        return self._resolved[key]


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
        self.unknown_keys(root, {"policy", "scales", "catalogues", "parameters", "derived", "conditions",
                                 "certifications", "targets"}, "the rule file")
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

        self.policy_id = policy_id
        self.scales = self.load_scales(root.get("scales") or CommentedMap())
        self.catalogue = self.load_catalogues(root.get("catalogues") or CommentedMap())
        self.params = self.load_parameters(root.get("parameters") or CommentedMap(), root)
        self.derived = self.load_derived(root.get("derived") or CommentedMap())
        self.types = dict(BASE_TYPES)
        self.types.update({n: d.fact_type for n, d in self.derived.items()})
        self.node_ids: dict[str, Loc] = {}
        self.named: dict[str, Node] = {}
        self.load_named(root.get("conditions") or CommentedMap())
        certs = self.load_certifications(root.get("certifications"), root)
        self.check_references(certs)
        targets = root.get("targets") or {}
        if not self.problems:
            nodes = [n for c in certs for n in c.condition.walk()]
            nodes += [n for c in self.named.values() for n in c.walk()]
            used = {t.operand.name for n in nodes for t in n.where if isinstance(t.operand, ParamRef)}
            for n in nodes:
                for v in (n.count, n.flag, n.consecutive, n.every and ParamRef(n.every.param),
                          n.every and n.every.except_):
                    if isinstance(v, ParamRef):
                        used.add(v.name)
            used |= {v.name for d in self.derived.values() for v in d.options.values() if isinstance(v, ParamRef)}
            for name, p in self.params.items():
                if name not in used:
                    self.err(p.loc, f"parameter '{name}' is not used by any condition")
        return Policy(
            id=policy_id, municipality=municipality, title=title, source=dict(source),
            parameters=self.params, derived=self.derived, certifications=certs,
            targets=_plain(targets), path=self.file, content=content,
            sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
            scales=self.scales, catalogue=self.catalogue, conditions=self.named,
        )

    # -- scales and catalogues
    def load_scales(self, node: Any) -> dict[str, Scale]:
        out: dict[str, Scale] = {}
        if not isinstance(node, CommentedMap):
            self.err(Loc(self.file, 1, 1), "'scales' must map scale names to {values: [...], labels: {...}}")
            return out
        for name, spec in node.items():
            loc = self.loc(node, name)
            spec = self.mapping(spec, loc, f"scale '{name}'")
            if spec is None:
                continue
            self.unknown_keys(spec, {"values", "labels"}, f"scale '{name}'")
            values = spec.get("values")
            if not isinstance(values, CommentedSeq) or len(values) < 2:
                self.err(loc, f"scale '{name}' needs 'values': its levels, lowest first (at least two)")
                continue
            vals = tuple(str(v) for v in values)
            if len(set(vals)) != len(vals):
                self.err(self.loc(spec, "values"), f"scale '{name}' lists a level twice")
            labels = {str(k): str(v) for k, v in (spec.get("labels") or {}).items()}
            for k in labels:
                if k not in vals:
                    self.err(self.loc(spec, "labels"), f"scale '{name}': label for unknown level '{k}'")
            out[str(name)] = Scale(str(name), vals, labels, loc)
        return out

    def load_catalogues(self, node: Any) -> dict[str, dict[str, CatalogueEntry]]:
        out: dict[str, dict[str, CatalogueEntry]] = {}
        if not isinstance(node, CommentedMap):
            self.err(Loc(self.file, 1, 1), "'catalogues' must map course / skill to entries")
            return out
        for kind, entries in node.items():
            loc = self.loc(node, kind)
            if kind not in ("course", "skill"):
                self.err(loc, f"unknown catalogue '{kind}'{_suggest(kind, ('course', 'skill'))} (course, skill)")
                continue
            entries = self.mapping(entries, loc, f"catalogue '{kind}'")
            if entries is None:
                continue
            out[kind] = {}
            seen: dict[str, str] = {}
            for cid, spec in entries.items():
                eloc = self.loc(entries, cid)
                if not str(cid).isidentifier():
                    self.err(eloc, f"{kind} id '{cid}' must be an identifier such as security_basics")
                if isinstance(spec, str):
                    spec = CommentedMap(ja=spec)
                spec = self.mapping(spec, eloc, f"{kind} '{cid}'")
                if spec is None:
                    continue
                self.unknown_keys(spec, {"ja", "en", "provider", "aliases"}, f"{kind} '{cid}'")
                if not spec.get("ja"):
                    self.err(eloc, f"{kind} '{cid}' needs 'ja' (its Japanese name)")
                    continue
                aliases = spec.get("aliases") or []
                entry = CatalogueEntry(str(cid), str(spec["ja"]), str(spec.get("en") or ""),
                                       str(spec["provider"]) if spec.get("provider") else None,
                                       tuple(str(a) for a in aliases))
                for name in {norm(cid), *(norm(n) for n in entry.names())}:
                    if name in seen and seen[name] != cid:
                        self.err(eloc, f"{kind} '{cid}': the name '{name}' also names '{seen[name]}'")
                    seen[name] = str(cid)
                out[kind][str(cid)] = entry
        return out

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
            self.unknown_keys(spec, {"type", "label", "quote", "reading", "value", "changes", "min", "max",
                                     "columns", "rows", "scale", "items"}, f"parameter '{name}'")
            ptype = spec.get("type")
            base = ptype[5:-1] if isinstance(ptype, str) and ptype.startswith("list[") and ptype.endswith("]") else None
            if not isinstance(ptype, str) or (ptype not in PARAM_TYPES and base is None):
                self.err(self.loc(spec, "type", value=True) if "type" in spec else loc,
                         f"parameter '{name}': unknown type {ptype!r}{_suggest(ptype, PARAM_TYPES)}"
                         f" (types: {', '.join(sorted(PARAM_TYPES))}, list[...])")
                continue
            if base is not None and base != "text" and base not in DOMAINS and base not in self.catalogue:
                self.err(self.loc(spec, "type", value=True),
                         f"parameter '{name}': unknown list item type '{base}'{_suggest(base, DOMAINS)}")
                continue
            label = self.text(spec, "label") or Text(name)
            if "value" not in spec:
                self.err(loc, f"parameter '{name}' has no 'value'")
                continue
            values: list[tuple[int | None, Any, Loc]] = [(None, spec["value"], self.loc(spec, "value", value=True))]
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
                values.append((start, ch["value"], self.loc(ch, "value", value=True)))
            values[1:] = sorted(values[1:], key=lambda v: v[0])
            p = Parameter(name, ptype, label, [], loc, spec.get("quote"), spec.get("reading"),
                          spec.get("min"), spec.get("max"))
            if not self.table_shape(p, spec, loc):
                continue
            for start, value, vloc in values:
                p.values.append((start, self.check_param_value(p, value, vloc)))
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
        if t == "table":
            return self.check_table(p, value, loc)
        if t == "mapping":
            return self.check_mapping(p, value, loc)
        base = t[5:-1]
        if not isinstance(value, CommentedSeq):
            self.err(loc, f"parameter '{p.name}': expected a list")
            return []
        items = [str(v) for v in value]
        known = DOMAINS.get(base) or tuple(self.catalogue.get(base, {}))
        if known:
            for v in items:
                if v not in known:
                    self.err(loc, f"parameter '{p.name}': '{v}' is not a {base}{_suggest(v, known)}")
        if base in self.catalogue:
            p.rows = base
        return tuple(items)

    def table_shape(self, p: Parameter, spec: CommentedMap, loc: Loc) -> bool:
        """A table parameter's columns, row catalogue and cell scale; a mapping's row catalogue."""
        if p.type not in ("table", "mapping"):
            for k in ("columns", "rows", "scale", "items"):
                if k in spec:
                    self.err(self.loc(spec, k), f"parameter '{p.name}': '{k}' is for table parameters")
            return True
        rows = spec.get("rows")
        if rows is not None:
            if str(rows) not in self.catalogue:
                self.err(self.loc(spec, "rows", value=True),
                         f"parameter '{p.name}': no catalogue '{rows}'{_suggest(rows, self.catalogue)}")
                return False
            p.rows = str(rows)
        if p.type == "mapping":
            items = spec.get("items")
            if items is not None:
                if str(items) not in self.catalogue:
                    self.err(self.loc(spec, "items", value=True),
                             f"parameter '{p.name}': no catalogue '{items}'{_suggest(items, self.catalogue)}")
                    return False
                p.items = str(items)
            return True
        cols = spec.get("columns")
        if not isinstance(cols, CommentedSeq) or not cols:
            self.err(loc, f"parameter '{p.name}': a table needs 'columns' (the column keys, in order)")
            return False
        p.columns = tuple(str(c) for c in cols)
        scale = spec.get("scale")
        if scale is not None:
            if str(scale) not in self.scales:
                self.err(self.loc(spec, "scale", value=True),
                         f"parameter '{p.name}': no scale '{scale}'{_suggest(scale, self.scales)}")
                return False
            p.scale = str(scale)
        return True

    def row_keys_ok(self, p: Parameter, key: Any, loc: Loc) -> None:
        if p.rows and str(key) not in self.catalogue[p.rows]:
            self.err(loc, f"parameter '{p.name}': '{key}' is not in the {p.rows} catalogue"
                          f"{_suggest(key, self.catalogue[p.rows])}")

    def check_table(self, p: Parameter, value: Any, loc: Loc) -> dict[str, dict[str, str]]:
        if not isinstance(value, CommentedMap):
            self.err(loc, f"parameter '{p.name}': a table maps each row key to a list of {len(p.columns)} cells")
            return {}
        out = {}
        scale = self.scales.get(p.scale) if p.scale else None
        for key, cells in value.items():
            rloc = self.loc(value, key)
            self.row_keys_ok(p, key, rloc)
            if not isinstance(cells, CommentedSeq) or len(cells) != len(p.columns):
                self.err(rloc, f"parameter '{p.name}': row '{key}' needs {len(p.columns)} cells "
                               f"({', '.join(p.columns)}); use - for none")
                continue
            row = {}
            for col, cell in zip(p.columns, cells):
                text = "" if cell is None else str(cell).strip()
                if scale is not None and text not in BLANK_CELLS and text not in scale.values:
                    self.err(rloc, f"parameter '{p.name}': '{text}' in row '{key}' is not a level of scale "
                                   f"'{scale.name}' ({', '.join(scale.values)}, or - for none)")
                row[col] = text
            out[str(key)] = row
        return out

    def check_mapping(self, p: Parameter, value: Any, loc: Loc) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, CommentedMap):
            self.err(loc, f"parameter '{p.name}': a mapping maps each key to a list of values")
            return {}
        out = {}
        for key, items in value.items():
            self.row_keys_ok(p, key, self.loc(value, key))
            if not isinstance(items, CommentedSeq):
                items = [items]
            out[str(key)] = tuple(str(v) for v in items)
            known = self.catalogue.get(p.items or "", {})
            for v in out[str(key)] if known else ():
                if v not in known:
                    self.err(self.loc(value, key), f"parameter '{p.name}': '{v}' is not in the {p.items} catalogue"
                                                   f"{_suggest(v, known)}")
        return out

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
            allowed = DERIVED_OPTIONS[kind]
            for k in options:
                if k not in allowed:
                    self.err(self.loc(spec, k), f"derived fact '{name}': unknown option '{k}' of {kind}"
                                                f"{_suggest(k, allowed)} (options: {', '.join(allowed) or 'none'})")
            if kind == "project_scores" and "perspectives" not in options:
                self.err(loc, "derived fact kind project_scores needs 'perspectives'")
            scale: tuple[str, ...] = ()
            if kind == "latest_assessment":
                sname = options.get("scale")
                if sname not in self.scales:
                    self.err(self.loc(spec, "scale", value=True) if "scale" in spec else loc,
                             f"derived fact '{name}': 'scale' must name a scale of 'scales:'"
                             f"{_suggest(sname, self.scales) if sname else ''}")
                else:
                    scale = self.scales[sname].values
            if kind == "acquired_skills" and "from_training" in options:
                ref = options["from_training"]
                if not isinstance(ref, ParamRef) or self.params[ref.name].type != "mapping":
                    self.err(self.loc(spec, "from_training", value=True),
                             f"derived fact '{name}': 'from_training' takes a mapping parameter (course -> skills)")
            options.setdefault("framework", getattr(self, "policy_id", None))
            out[name] = Derived(name, kind, options, loc, scale)
        return out

    # -- certifications
    def load_certifications(self, node: Any, root: CommentedMap) -> list[CertificationDef]:
        out: list[CertificationDef] = []
        if not isinstance(node, CommentedMap) or not node:
            self.err(self.loc(root), "missing 'certifications'")
            return out
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
            from math import comb
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
                         f"unknown fact type '{fact}'{_suggest(fact, self.types)}")
            node.fact = str(fact) if fact is not None else None
            if ftype is not None and node.run_field and node.run_field not in ftype.fields:
                self.err(loc, f"unknown field '{node.run_field}' of {fact}{_suggest(node.run_field, ftype.fields)}")
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
                          f"{_suggest(str(value)[1:], self.params) if isinstance(value, str) else ''}")
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

    def load_every(self, node: Node, raw: CommentedMap, bindings: set[str]) -> None:
        """every: $list or $table (+ column, values): the 'each' template once per item or selected
        row, as an 'all'. Placeholders: {key}, {label}, {label_en}, {value}, {value_label}."""
        loc = self.loc(raw, "every", value=True)
        ref = raw["every"]
        p = self.params.get(ref[1:]) if isinstance(ref, str) and ref.startswith("$") else None
        if p is None:
            self.err(loc, f"'every' takes a list or table parameter such as $required_courses"
                          f"{_suggest(str(ref)[1:], self.params) if isinstance(ref, str) else ''}")
            return
        if not (p.type == "table" or p.type.startswith("list[")):
            self.err(loc, f"'every' needs a list or table parameter; '{p.name}' is {p.type}")
            return
        column = raw.get("column")
        if p.type == "table":
            if column is None or str(column) not in p.columns:
                self.err(self.loc(raw, "column") if "column" in raw else self.loc(raw),
                         f"'every' over table '{p.name}' needs 'column': one of {', '.join(p.columns)}"
                         f"{_suggest(column, p.columns) if column else ''}")
                return
        elif column is not None:
            self.err(self.loc(raw, "column"), f"'column' is for table parameters; '{p.name}' is {p.type}")
        values = raw.get("values")
        if values is not None and not isinstance(values, CommentedSeq):
            values = [values]
        exc = raw.get("except")
        except_: Any = None
        if isinstance(exc, str) and exc.startswith("$"):
            ep = self.params.get(exc[1:])
            if ep is None or not ep.type.startswith("list["):
                self.err(self.loc(raw, "except", value=True), f"'except' takes a list parameter or a list"
                                                               f"{_suggest(exc[1:], self.params)}")
            else:
                except_ = ParamRef(ep.name)
        elif exc is not None:
            except_ = tuple(str(v) for v in (exc if isinstance(exc, CommentedSeq) else [exc]))
        keys = tuple(self.catalogue.get(p.rows or "", {}))
        for k in except_ if isinstance(except_, tuple) and keys else ():
            if k not in keys:
                self.err(self.loc(raw, "except"), f"'except': '{k}' is not in the {p.rows} catalogue{_suggest(k, keys)}")
        scale = self.scales.get(p.scale) if p.scale else None
        for v in (values or []) if scale is not None else ():
            if str(v) not in scale.values:
                self.err(self.loc(raw, "values"), f"'values': '{v}' is not a level of scale '{scale.name}' "
                                                  f"({', '.join(scale.values)}){_suggest(str(v), scale.values)}")
        template = raw.get("each")
        if not isinstance(template, CommentedMap):
            self.err(self.loc(raw), "'every' needs 'each': the condition to hold for every item ({key} in it)")
            return
        spec = Every(p.name, str(column) if column is not None else None,
                     tuple(str(v) for v in values) if values is not None else None, except_)
        node.every = spec
        node.kind = "every"
        years = sorted(set(p.change_years() + (self.params[except_.name].change_years()
                                                 if isinstance(except_, ParamRef) else [])))
        for i, start in enumerate([None, *years]):
            year = start if start is not None else -1
            self._variant = i > 0
            try:
                items = self.every_items(p, spec, year)
                kids = []
                for key, value in items:
                    child = self.load_node(self.fill(template, p, key, value), self.loc(raw, "each"),
                                           f"{node.id}.{key}", bindings)
                    if child is not None:
                        kids.append(child)
            finally:
                self._variant = False
            spec.variants.append((start, Node(node.id, "all", node.loc, node.text, children=kids)))
        if not spec.variants[0][1].children and not self.problems:
            self.err(loc, f"'every' over '{p.name}' selects nothing: check 'column' and 'values'")

    def every_items(self, p: Parameter, spec: Every, year: int) -> list[tuple[str, str]]:
        value = p.value_for(year)[0]
        skip = set(self.params[spec.except_.name].value_for(year)[0]) if isinstance(spec.except_, ParamRef) \
            else set(spec.except_ or ())
        if p.type == "table":
            items = [(k, row.get(spec.column, "")) for k, row in value.items()]
            if spec.values is not None:
                items = [(k, v) for k, v in items if v in spec.values]
            else:
                items = [(k, v) for k, v in items if v not in BLANK_CELLS]
        else:
            items = [(str(k), str(k)) for k in value]
        return [(k, v) for k, v in items if k not in skip]

    def fill(self, template: CommentedMap, p: Parameter, key: str, value: str) -> CommentedMap:
        scale = self.scales.get(p.scale) if p.scale else None
        entry = self.catalogue.get(p.rows or "", {}).get(key)
        subs = {"{key}": key, "{value}": value,
                "{label}": entry.ja if entry else key, "{label_en}": (entry.en or key) if entry else key,
                "{value_label}": scale.label(value) if scale else value}

        def sub(x: Any) -> Any:
            if isinstance(x, str):
                for k, v in subs.items():
                    x = x.replace(k, v)
                return x
            if isinstance(x, CommentedMap):
                for k in list(x):
                    x[k] = sub(x[k])
            elif isinstance(x, CommentedSeq):
                for i in range(len(x)):
                    x[i] = sub(x[i])
            return x

        filled = sub(copy.deepcopy(template))
        for left in sorted(set(re.findall(r"\{[A-Za-z_]+\}", json.dumps(_plain(filled), ensure_ascii=False)))):
            self.err(self.loc(template), f"unknown placeholder '{left}' in 'each'{_suggest(left, list(subs))}"
                                         f" (placeholders: {', '.join(subs)})")
        return filled

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
        if operand == REVIEW_YEAR:
            if fdef.type != "year" or op in ("in", "not_in"):
                self.err(loc, f"'{REVIEW_YEAR}' is a fiscal year: compare it with a year field, not {ftype.name}.{fname}")
                return _BAD
            return ReviewYear()
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
            want = {"score": {"score"}, "year": {"fiscal_year", "integer"}, "int": {"integer"},
                    "bool": {"boolean"}, "rank": {"text"}}.get(fdef.type)
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
        if operand is None:
            self.err(loc, f"{ftype.name}.{fname}: a blank value can only be listed in 'in' / 'not_in' ([x, null])")
            return _BAD
        self._check_literal(operand, fdef, loc, fname, ftype)
        return _plain(operand)

    def _check_literal(self, v, fdef, loc, fname, ftype) -> None:
        if v is None:
            return  # in a list: the field is blank (absent)
        if fdef.type == "rank":
            if str(v) not in fdef.scale:
                self.err(loc, f"'{v}' is not a level of {ftype.name}.{fname} (levels, lowest first: "
                              f"{', '.join(fdef.scale)}){_suggest(str(v), fdef.scale)}")
            return
        if fdef.type == "bool":
            if not isinstance(v, bool):
                self.err(loc, f"type error: {ftype.name}.{fname} is true or false, not {v!r}")
            return
        known = self.catalogue.get(fname) if fname in ("course", "skill") else None
        if known and str(v) not in known:
            self.err(loc, f"'{v}' is not in the {fname} catalogue{_suggest(str(v), known)} (use the {fname} id)")
            return
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
        named_refs: dict[str, set[str]] = {}
        for name, cond in self.named.items():
            named_refs[name] = {n.ref for n in cond.walk() if n.kind == "ref"}
        all_nodes = [n for c in certs for n in c.condition.walk()] + [n for c in self.named.values() for n in c.walk()]
        for n in all_nodes:
            if n.kind == "ref" and n.ref not in self.named:
                self.err(n.loc, f"unknown condition '{n.ref}'{_suggest(n.ref, self.named)}"
                                f" (name it under 'conditions:')")
        for start in named_refs:  # a named condition may not refer to itself
            seen, stack = set(), [start]
            while stack:
                for nxt in named_refs.get(stack.pop(), ()):
                    if nxt == start:
                        self.err(self.named[start].loc, f"condition '{start}' refers to itself")
                        stack = []
                        break
                    if nxt not in seen and nxt in named_refs:
                        seen.add(nxt)
                        stack.append(nxt)

        def reach(node: Node, seen: set[str]):
            for n in node.walk():
                yield n
                if n.kind == "ref" and n.ref in self.named and n.ref not in seen:
                    seen.add(n.ref)
                    yield from reach(self.named[n.ref], seen)

        for c in certs:
            refs = set()
            for n in reach(c.condition, set()):
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

# The options each derived-fact kind takes (engine/derive.py reads them).
DERIVED_OPTIONS: dict[str, tuple[str, ...]] = {
    "project_scores": ("perspectives",),
    "department_segments": (),
    "latest_assessment": ("framework", "scale"),
    "acquired_skills": ("framework", "levels", "from_training"),
}


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
    loader.problems = list(dict.fromkeys(loader.problems))  # an 'each' template repeats its problems
    if loader.problems or policy is None:
        raise RuleError(loader.problems, summary=f"{loader.file}: {len(loader.problems)} problem(s)")
    return policy
