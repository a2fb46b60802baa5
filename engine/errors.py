"""The error tree. Every error nintei reports to a user is one of these.

    NinteiError            base; ``exit_code`` 1, ``problems`` a list of one-line messages
    ├── RuleError          a rule file is wrong: ``file:line:col: message`` per problem
    ├── FactError          fact files are wrong: ``file:row: column: problem`` per problem
    └── ReviewError        a review cannot run (unknown policy, no roster for the year, ...)

The CLI turns any of them into exit status 1 and prints ``problems`` one per line. Anything
else escaping is a bug and is allowed to crash with a traceback.

``Problem``, ``NinteiError``, ``FactError`` and ``ReviewError`` are defined in facts/errors.py
(the facts package raises them and must not import the engine) and re-exported here.
"""
from __future__ import annotations

from facts.errors import FactError, NinteiError, Problem, ReviewError

__all__ = ["FactError", "NinteiError", "Problem", "ReviewError", "RuleError"]


class RuleError(NinteiError):
    """A rule file failed to load or validate."""
