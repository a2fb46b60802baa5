"""What a derived-fact kind is: its fact type, the options a rule file gives it, their checks and
the function that derives the facts. One module of this package declares each kind."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol

from ..fact import Fact
from ..facttypes import FactType


class Declaration(Protocol):
    """A derived fact as a rule file declares it (``derived: name: {kind: ..., options}``), as the
    rule-file loader hands it to its kind's check (engine/rulefile/declarations.py)."""

    name: str
    options: dict[str, Any]  # literal values, or references to parameters
    scales: Mapping[str, Any]  # the policy's scales by name

    def problem(self, message: str, option: str | None = None) -> None:
        """Report a problem at the option's value (when the rule file gives it), else at the declaration."""

    def parameter_type(self, option: str) -> str | None:
        """The type of the parameter an option refers to; None when the option is a literal."""

    def suggest(self, name: Any, choices: Any) -> str:
        """The did-you-mean for a misspelt name ("" when nothing is close)."""


def no_check(declaration: Declaration) -> tuple[str, ...]:
    return ()


# derive(derived, options, staff_facts, year_facts, base) -> facts: ``derived`` is the declaration
# (engine.rulefile.Derived: name, fact_type), ``options`` its options with the parameter values in
# force for the review year, ``base`` the staff member's base facts (engine/derive.py).
Derive = Callable[[Any, dict[str, Any], Any, Any, list[Fact]], list[Fact]]


@dataclass(frozen=True)
class DerivedKind:
    fact_type: FactType  # named after the kind; a declaration takes its own name (Derived.fact_type)
    options: tuple[str, ...]  # the options a rule file may give
    derive: Derive
    check: Callable[[Declaration], tuple[str, ...]] = no_check
    """Reports what is wrong with a declaration's options; returns the levels (lowest first) of the
    kind's ``rank`` field, read from the policy's scales (``()`` when it has none)."""

    @property
    def name(self) -> str:
        return self.fact_type.name
