"""Parameters (``parameters:``): typed values with their changes by fiscal year, tables (a row
per catalogue entry, cells on a scale) and mappings; and the check that every parameter is used."""
from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..facttypes import DOMAINS
from .model import CertificationDef, Loc, Parameter, ParamRef, Text
from .vocabulary import BLANK_CELLS, PARAM_TYPES
from .yamlio import RuleFileReader, suggest


class Parameters(RuleFileReader):
    # -- parameters
    def load_parameters(self, node: Any, root: CommentedMap) -> dict[str, Parameter]:
        out: dict[str, Parameter] = {}
        if not isinstance(node, CommentedMap):
            self.err(self.loc(root, "parameters"), "'parameters' must be a mapping")
            return out
        allowed = {"type", "label", "quote", "reading", "value", "changes", "min", "max", "columns", "rows",
                   "scale", "items"}
        for name, spec, loc in self.entries(node, "parameter", allowed):
            ptype = spec.get("type")
            base = ptype[5:-1] if isinstance(ptype, str) and ptype.startswith("list[") and ptype.endswith("]") else None
            if not isinstance(ptype, str) or (ptype not in PARAM_TYPES and base is None):
                self.err(self.loc(spec, "type", value=True) if "type" in spec else loc,
                         f"parameter '{name}': unknown type {ptype!r}{suggest(ptype, PARAM_TYPES)}"
                         f" (types: {', '.join(sorted(PARAM_TYPES))}, list[...])")
                continue
            if base is not None and base != "text" and base not in DOMAINS and base not in self.catalogue:
                self.err(self.loc(spec, "type", value=True),
                         f"parameter '{name}': unknown list item type '{base}'{suggest(base, DOMAINS)}")
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
                    self.err(loc, f"parameter '{p.name}': '{v}' is not a {base}{suggest(v, known)}")
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
                         f"parameter '{p.name}': no catalogue '{rows}'{suggest(rows, self.catalogue)}")
                return False
            p.rows = str(rows)
        if p.type == "mapping":
            items = spec.get("items")
            if items is not None:
                if str(items) not in self.catalogue:
                    self.err(self.loc(spec, "items", value=True),
                             f"parameter '{p.name}': no catalogue '{items}'{suggest(items, self.catalogue)}")
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
                         f"parameter '{p.name}': no scale '{scale}'{suggest(scale, self.scales)}")
                return False
            p.scale = str(scale)
        return True

    def row_keys_ok(self, p: Parameter, key: Any, loc: Loc) -> None:
        if p.rows and str(key) not in self.catalogue[p.rows]:
            self.err(loc, f"parameter '{p.name}': '{key}' is not in the {p.rows} catalogue"
                          f"{suggest(key, self.catalogue[p.rows])}")

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
                                                   f"{suggest(v, known)}")
        return out

    def check_unused_parameters(self, certs: list[CertificationDef]) -> None:
        """A parameter that no condition and no derived fact refers to is a mistake."""
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
