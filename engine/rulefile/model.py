"""The policy model a rule file loads into: plain dataclasses, no YAML and no validation.

A ``Policy`` holds its parameters (values by fiscal year), scales, catalogues, derived-fact
declarations, named conditions and certifications; each certification's condition is a tree of
``Node`` with ``Test``s whose operands are literals, ``ParamRef``, ``BindingRef`` or ``ReviewYear``.
Every element keeps its ``Loc`` (file:line:col) so that problems and explanations point at the line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from facts.aliases import match_courses

from ..derived import KINDS
from ..facttypes import BASE_TYPES, FactType, FieldDef

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
        base = KINDS[self.kind].fact_type
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


@dataclass(frozen=True)
class CertificateDef:
    """``certificate:``: the issuer of a 認定証 (真岡市長) and its number template
    (engine/rulefile/certificate.py)."""

    issuer: Text
    number: str
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
    certificate: CertificateDef | None = None  # the issuer and number of its 認定証 (None: not declared)
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
