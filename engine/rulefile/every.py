"""``every``: a condition template (``each``) expanded once per item of a list parameter or per
selected row of a table parameter, for each set of parameter values in force (they change by year)."""
from __future__ import annotations

import copy
import json
import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .model import Every, Node, Parameter, ParamRef
from .vocabulary import BLANK_CELLS
from .yamlio import RuleFileReader, plain, suggest


class Expansion(RuleFileReader):
    def load_every(self, node: Node, raw: CommentedMap, bindings: set[str]) -> None:
        """every: $list or $table (+ column, values): the 'each' template once per item or selected
        row, as an 'all'. Placeholders: {key}, {label}, {label_en}, {value}, {value_label}."""
        loc = self.loc(raw, "every", value=True)
        ref = raw["every"]
        p = self.params.get(ref[1:]) if isinstance(ref, str) and ref.startswith("$") else None
        if p is None:
            self.err(loc, f"'every' takes a list or table parameter such as $required_courses"
                          f"{suggest(str(ref)[1:], self.params) if isinstance(ref, str) else ''}")
            return
        if not (p.type == "table" or p.type.startswith("list[")):
            self.err(loc, f"'every' needs a list or table parameter; '{p.name}' is {p.type}")
            return
        column = raw.get("column")
        if p.type == "table":
            if column is None or str(column) not in p.columns:
                self.err(self.loc(raw, "column") if "column" in raw else self.loc(raw),
                         f"'every' over table '{p.name}' needs 'column': one of {', '.join(p.columns)}"
                         f"{suggest(column, p.columns) if column else ''}")
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
                                                               f"{suggest(exc[1:], self.params)}")
            else:
                except_ = ParamRef(ep.name)
        elif exc is not None:
            except_ = tuple(str(v) for v in (exc if isinstance(exc, CommentedSeq) else [exc]))
        keys = tuple(self.catalogue.get(p.rows or "", {}))
        for k in except_ if isinstance(except_, tuple) and keys else ():
            if k not in keys:
                self.err(self.loc(raw, "except"), f"'except': '{k}' is not in the {p.rows} catalogue{suggest(k, keys)}")
        scale = self.scales.get(p.scale) if p.scale else None
        for v in (values or []) if scale is not None else ():
            if str(v) not in scale.values:
                self.err(self.loc(raw, "values"), f"'values': '{v}' is not a level of scale '{scale.name}' "
                                                  f"({', '.join(scale.values)}){suggest(str(v), scale.values)}")
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
        for left in sorted(set(re.findall(r"\{[A-Za-z_]+\}", json.dumps(plain(filled), ensure_ascii=False)))):
            self.err(self.loc(template), f"unknown placeholder '{left}' in 'each'{suggest(left, list(subs))}"
                                         f" (placeholders: {', '.join(subs)})")
        return filled
