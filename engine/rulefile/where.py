"""``where`` tests: a fact type's fields against literals, parameters, bindings or ``$review_year``,
type-checked against engine/facttypes.py (style.md #9)."""
from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..facttypes import DOMAINS, ORDERED, FactType, domain_of
from .model import BindingRef, ParamRef, ReviewYear, Test
from .vocabulary import MEMBERSHIP, OPS, ORDER_OPS, REVIEW_YEAR
from .yamlio import BAD, RuleFileReader, plain, suggest


class Tests(RuleFileReader):
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
                self.err(loc, f"unknown field '{fname}' of {ftype.name}{suggest(fname, ftype.fields)}")
                continue
            pairs = list(spec.items()) if isinstance(spec, CommentedMap) else [("eq", spec)]
            for op, operand in pairs:
                oloc = self.loc(spec, op) if isinstance(spec, CommentedMap) else self.loc(raw, fname, value=True)
                if op not in OPS:
                    self.err(oloc, f"unknown operator '{op}'{suggest(op, OPS)} (operators: {', '.join(OPS)})")
                    continue
                value = self.operand(operand, oloc, fdef, op, fname, ftype, bindings)
                if value is not BAD:
                    tests.append(Test(str(fname), op, value, oloc))
        return tests

    def operand(self, operand, loc, fdef, op, fname, ftype, bindings):
        if op in ORDER_OPS and fdef.type not in ORDERED:
            self.err(loc, f"'{op}' compares numbers, but {ftype.name}.{fname} is {fdef.type}")
            return BAD
        if operand == REVIEW_YEAR:
            if fdef.type != "year" or op in MEMBERSHIP:
                self.err(loc, f"'{REVIEW_YEAR}' is a fiscal year: compare it with a year field, not {ftype.name}.{fname}")
                return BAD
            return ReviewYear()
        if isinstance(operand, str) and operand.startswith("$"):
            p = self.params.get(operand[1:])
            if p is None:
                self.err(loc, f"unknown parameter '{operand}'{suggest(operand[1:], self.params)}")
                return BAD
            is_list = p.type.startswith("list[")
            if op in MEMBERSHIP and not is_list:
                self.err(loc, f"'{op}' needs a list parameter; '{p.name}' is {p.type}")
                return BAD
            if op not in MEMBERSHIP and is_list:
                self.err(loc, f"'{p.name}' is a list: use 'in' or 'not_in'")
                return BAD
            want = {"score": {"score"}, "year": {"fiscal_year", "integer"}, "int": {"integer"},
                    "bool": {"boolean"}, "rank": {"text"}}.get(fdef.type)
            if want and p.type not in want:
                self.err(loc, f"type error: {ftype.name}.{fname} is {fdef.type} but parameter '{p.name}' is {p.type}")
                return BAD
            dom = domain_of(fdef)
            if is_list and dom and p.type != f"list[{dom}]" and p.type != "list[text]":
                self.err(loc, f"type error: {ftype.name}.{fname} takes {dom} values but '{p.name}' is {p.type}")
                return BAD
            return ParamRef(p.name)
        if isinstance(operand, str) and "." in operand and operand.split(".", 1)[0] in bindings:
            b, f = operand.split(".", 1)
            if op in MEMBERSHIP:  # a field holds one value: compare it with eq / ne
                self.err(loc, f"'{op}' takes a list or a list parameter; to compare with '{operand}', use "
                              f"{'eq' if op == 'in' else 'ne'}")
                return BAD
            return BindingRef(b, f)
        if isinstance(operand, str) and "." in operand and operand.split(".", 1)[0].isidentifier() \
                and fdef.type in ORDERED:
            self.err(loc, f"unknown binding '{operand.split('.', 1)[0]}' (bind a fact with 'as:' in an enclosing exists)")
            return BAD
        if op in MEMBERSHIP:
            if not isinstance(operand, CommentedSeq):
                self.err(loc, f"'{op}' takes a list or a list parameter")
                return BAD
            values = tuple(plain(operand))
            for v in values:
                self._check_literal(v, fdef, loc, fname, ftype)
            return values
        if operand is None:
            self.err(loc, f"{ftype.name}.{fname}: a blank value can only be listed in 'in' / 'not_in' ([x, null])")
            return BAD
        self._check_literal(operand, fdef, loc, fname, ftype)
        return plain(operand)

    def _check_literal(self, v, fdef, loc, fname, ftype) -> None:
        if v is None:
            return  # in a list: the field is blank (absent)
        if fdef.type == "rank":
            if str(v) not in fdef.scale:
                self.err(loc, f"'{v}' is not a level of {ftype.name}.{fname} (levels, lowest first: "
                              f"{', '.join(fdef.scale)}){suggest(str(v), fdef.scale)}")
            return
        if fdef.type == "bool":
            if not isinstance(v, bool):
                self.err(loc, f"type error: {ftype.name}.{fname} is true or false, not {v!r}")
            return
        known = self.catalogue.get(fname) if fname in ("course", "skill") else None
        if known and str(v) not in known:
            self.err(loc, f"'{v}' is not in the {fname} catalogue{suggest(str(v), known)} (use the {fname} id)")
            return
        dom = domain_of(fdef)
        if dom and str(v) not in DOMAINS[dom]:
            self.err(loc, f"'{v}' is not a {dom} value of {ftype.name}.{fname}{suggest(str(v), DOMAINS[dom])}"
                          f" (values: {', '.join(DOMAINS[dom])})")
        if fdef.type == "score" and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 1 <= v <= 5):
            self.err(loc, f"type error: {ftype.name}.{fname} is a score (1.0-5.0), not {v!r}")
        if fdef.type in ("year", "int") and (isinstance(v, bool) or not isinstance(v, int)):
            self.err(loc, f"type error: {ftype.name}.{fname} is a number, not {v!r}")
