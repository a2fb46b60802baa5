"""The error tree. Every error nintei reports to a user is one of these.

    NinteiError            base; ``exit_code`` 1, ``problems`` a list of one-line messages
    ├── RuleError          a rule file is wrong: ``file:line:col: message`` per problem
    ├── FactError          fact files are wrong: ``file:row: column: problem`` per problem
    └── ReviewError        a review cannot run (unknown policy, no roster for the year, ...)

The CLI turns any of them into exit status 1 and prints ``problems`` one per line. Anything
else escaping is a bug and is allowed to crash with a traceback.
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


class RuleError(NinteiError):
    """A rule file failed to load or validate."""


class FactError(NinteiError):
    """Fact files failed validation; nothing of the import was stored."""


class ReviewError(NinteiError):
    """A review could not be run (unknown policy or staff member, empty roster...)."""
