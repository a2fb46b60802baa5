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
    message_en: str | None = None  # the message in English (``--lang en``), where it has been worded

    def __str__(self) -> str:
        return self.text()

    def text(self, lang: str = "ja") -> str:
        """``file:row: column: message``, the message in ``lang`` (Japanese where no English was
        given); the location and the column as the file has them, in either language."""
        message = self.message_en if lang == "en" and self.message_en else self.message
        where = self.location
        if self.column:
            return f"{where}: {self.column}: {message}" if where else f"{self.column}: {message}"
        return f"{where}: {message}" if where else message


class Worded(ValueError):
    """A ``ValueError`` for users in both languages: ``str()`` is the Japanese, ``en`` the English.
    The parsers of facts raise it; the importer puts both into the row's Problem."""

    def __init__(self, ja: str, en: str):
        super().__init__(ja)
        self.en = en


def english(err: BaseException) -> str | None:
    """The English of an error raised as ``Worded`` (None for any other)."""
    return getattr(err, "en", None)


class NinteiError(Exception):
    exit_code = 1

    def __init__(self, problems: list[Problem | str] | str, summary: str | None = None, *, en: str | None = None,
                 summary_en: str | None = None):
        """``en``: the English of a one-message error; ``summary_en``: of the summary."""
        if isinstance(problems, str):
            problems = [Problem("", problems, message_en=en)]
        self.problems: list[Problem] = [Problem("", p) if isinstance(p, str) else p for p in problems]
        self.summary = summary
        self.summary_en = summary_en
        super().__init__(summary or "\n".join(str(p) for p in self.problems))

    def heading(self, lang: str = "ja") -> list[str]:
        summary = self.summary_en if lang == "en" and self.summary_en else self.summary
        return [summary] if summary else []

    def lines(self, lang: str = "ja") -> list[str]:
        return self.heading(lang) + [p.text(lang) for p in self.problems]


class FactError(NinteiError):
    """Fact files failed validation; nothing of the import was stored. ``lines()``: the first
    problems of each file and a sum of the rest, control characters written out (facts/shown.py)."""

    def lines(self, lang: str = "ja") -> list[str]:
        from facts.shown import fact_error_lines

        return fact_error_lines(self, lang)


class ReviewError(NinteiError):
    """A review could not be run (unknown policy or staff member, empty roster...)."""
