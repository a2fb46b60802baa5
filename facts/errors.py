"""The base of nintei's error tree, and the errors facts raise (the tree: engine/errors.py).

They live here, not in the engine, so that the facts package never imports the engine:
engine/errors.py re-exports every name and adds ``RuleError``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One located problem. ``location`` is ``file:line:col`` or ``file:row`` (may be empty)."""

    location: str
    message: str
    column: str | None = None  # fact column name, for fact problems

    def __str__(self) -> str:
        where = self.location
        if self.column:
            return f"{where}: {self.column}: {self.message}" if where else f"{self.column}: {self.message}"
        return f"{where}: {self.message}" if where else self.message


class NinteiError(Exception):
    exit_code = 1

    def __init__(self, problems: list[Problem] | str, summary: str | None = None):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: list[Problem] = list(problems)
        self.summary = summary
        super().__init__(summary or "\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        out = [self.summary] if self.summary else []
        return out + [str(p) for p in self.problems]


class FactError(NinteiError):
    """Fact files failed validation; nothing of the import was stored. ``lines()``: the first
    problems of each file and a sum of the rest, control characters written out (facts/shown.py)."""

    def lines(self) -> list[str]:
        from facts.shown import fact_error_lines

        return fact_error_lines(self)


class ReviewError(NinteiError):
    """A review could not be run (unknown policy or staff member, empty roster...)."""
