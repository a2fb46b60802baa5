"""The rule-file vocabulary: condition kinds and their keys, operators, parameter types, limits.

docs/rules.md documents each of these words; the loader accepts nothing else.
"""
from __future__ import annotations

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
