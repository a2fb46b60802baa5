"""Rule files: load line-numbered YAML, validate everything, build the policy model.

Every problem is collected (not just the first) as ``file:line:col: message``, with a
did-you-mean for misspelt names, and raised together as one RuleError. The format is documented
in docs/rules.md.

The package is split by concept (it was one 1.2k-line module with one 900-line loader):

    vocabulary.py    the words of the format, one table: condition kinds and their keys, the
                     operators (name, symbol, comparison), parameter types, limits
    model.py         the policy model (Policy, Node, Test, ParamRef, Parameter, ...): dataclasses only
    yamlio.py        line-numbered YAML: parsing, positions, collecting problems, did-you-mean
    declarations.py  scales, catalogues and derived-fact declarations
    params.py        parameters, their changes by fiscal year, tables and mappings; unused ones
    conditions.py    certifications, named conditions and the condition nodes
    every.py         ``every``: a template expanded per item and per parameter variant
    where.py         ``where`` tests, operands and literals, type-checked against the fact types
    references.py    ``ref`` / ``certified`` references and prerequisite cycles
    certificate.py   ``certificate:``: the issuer and number of a 認定証
    loader.py        the loader that combines the parts, and ``load_rule_file``

Importers use ``engine.rulefile`` (this module re-exports the names they need), not the parts.
"""
from .declarations import DERIVED_OPTIONS
from .loader import RuleFileLoader, load_rule_file
from .model import (
    BindingRef,
    CatalogueEntry,
    CertificateDef,
    CertificationDef,
    Derived,
    Every,
    Loc,
    Node,
    Parameter,
    ParamRef,
    Policy,
    ReviewYear,
    Scale,
    Test,
    Text,
)
from .vocabulary import (
    BLANK_CELLS,
    COMMON_KEYS,
    COMPARE,
    MAX_COMBINATIONS,
    MAX_JOIN,
    MEMBERSHIP,
    NODE_KEYS,
    NODE_KINDS,
    OPERATORS,
    OPS,
    ORDER_OPS,
    PARAM_TYPES,
    REVIEW_YEAR,
    SELECTING,
    SYMBOLS,
    VALIDITIES,
    Operator,
)

__all__ = [
    "BLANK_CELLS", "COMMON_KEYS", "COMPARE", "DERIVED_OPTIONS", "MAX_COMBINATIONS", "MAX_JOIN", "MEMBERSHIP",
    "NODE_KEYS", "NODE_KINDS", "OPERATORS", "OPS", "ORDER_OPS", "PARAM_TYPES", "REVIEW_YEAR", "SELECTING",
    "SYMBOLS", "VALIDITIES", "BindingRef", "CatalogueEntry", "CertificateDef",
    "CertificationDef", "Derived", "Every", "Loc", "Node", "Operator", "ParamRef", "Parameter", "Policy", "ReviewYear",
    "RuleFileLoader", "Scale", "Test", "Text", "load_rule_file",
]
