"""The rule-file vocabulary: condition kinds and their keys, operators, parameter types, limits.

docs/rules.md documents each of these words; the loader accepts nothing else. This is the one
table of them: the loader validates against it, and the compiler, the explanation and
``rules show`` read the operators' meaning and symbols from it.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable

# ---------------------------------------------------------------- condition kinds

COMMON_KEYS = {"id", "text", "quote", "reading"}  # keys every condition may have
NODE_KEYS = {  # each kind of condition (in the order the loader names them) and the keys it takes
    "all": COMMON_KEYS | {"all"},
    "any": COMMON_KEYS | {"any"},
    "not": COMMON_KEYS | {"not"},
    "exists": COMMON_KEYS | {"exists", "where", "as", "with"},
    "at_least": COMMON_KEYS | {"at_least", "consecutive", "distinct", "exists", "where", "of"},
    "certified": COMMON_KEYS | {"certified"},
    "every": COMMON_KEYS | {"every", "column", "values", "except", "each"},
    "cases": COMMON_KEYS | {"cases"},
    "ref": COMMON_KEYS | {"ref"},
    "flag": COMMON_KEYS | {"flag", "is"},
}
NODE_KINDS = tuple(NODE_KEYS)

# ---------------------------------------------------------------- operators of ``where`` tests


@dataclass(frozen=True)
class Operator:
    name: str  # as a rule file writes it: ``where: {report_score: {gte: 3.5}}``
    symbol: str  # as explanations and ``rules show`` print it
    kind: str  # equality (any field), order (ordered fields only) or membership (a list)
    compare: Callable[[Any, Any], bool] | None = None  # value vs operand; membership has its own blanks rule

    @property
    def orders(self) -> bool:
        return self.kind == "order"

    @property
    def selects(self) -> bool:
        """Picks the records a condition is about rather than comparing a figure with a threshold."""
        return self.kind != "order"


OPERATORS: dict[str, Operator] = {o.name: o for o in (
    Operator("eq", "=", "equality", operator.eq),
    Operator("ne", "≠", "equality", operator.ne),
    Operator("gt", ">", "order", operator.gt),
    Operator("gte", "≥", "order", operator.ge),
    Operator("lt", "<", "order", operator.lt),
    Operator("lte", "≤", "order", operator.le),
    Operator("in", "∈", "membership"),
    Operator("not_in", "∉", "membership"),
)}
OPS = OPERATORS  # the operator names, in the order the loader lists them
ORDER_OPS = {name for name, o in OPERATORS.items() if o.orders}
MEMBERSHIP = tuple(name for name, o in OPERATORS.items() if o.kind == "membership")
SELECTING = tuple(name for name, o in OPERATORS.items() if o.selects)
SYMBOLS = {name: o.symbol for name, o in OPERATORS.items()}
COMPARE = {name: o.compare for name, o in OPERATORS.items() if o.compare is not None}

# ---------------------------------------------------------------- values, parameters, limits

REVIEW_YEAR = "$review_year"  # the fiscal year under review, usable wherever a year is compared
BLANK_CELLS = ("", "-")  # table cells that mean "nothing here"
PARAM_TYPES = {"score", "integer", "boolean", "text", "fiscal_year", "table", "mapping"}
VALIDITIES = ("permanent", "yearly")
MAX_COMBINATIONS = 64  # at_least N of: one rule per combination of N children
MAX_JOIN = 16  # durable_rules joins at most 16 facts per rule
