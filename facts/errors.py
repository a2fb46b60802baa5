"""The base of nintei's error tree, and the errors facts raise (the tree: engine/errors.py).

They live here, not in the engine, so that the facts package never imports the engine:
engine/errors.py re-exports every name and adds ``RuleError``.
"""
from __future__ import annotations

import re
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
            text = f"{where}: {self.column}: {self.message}" if where else f"{self.column}: {self.message}"
        else:
            text = f"{where}: {self.message}" if where else self.message
        return visible(text)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Control characters (an escape sequence a terminal would obey, a NUL) written as ``\\x1b``:
    a value quoted in a message is shown, never acted on."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


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
    """Fact files failed validation; nothing of the import was stored.

    ``problems`` holds every problem; ``lines()``, what the command line prints, shows the first
    ``SHOWN_PER_FILE`` of each file and sums up the rest by column, so that a file with 100,000
    bad rows prints a screenful, not 100,000 lines."""

    SHOWN_PER_FILE = 20

    def lines(self) -> list[str]:
        out = [self.summary] if self.summary else []
        shown: dict[str, int] = {}
        rest: dict[str, dict[str, int]] = {}  # file -> column -> problems not shown
        for problem in self.problems:
            file = problem.location.split(":", 1)[0]
            if shown.get(file, 0) < self.SHOWN_PER_FILE:
                shown[file] = shown.get(file, 0) + 1
                out.append(str(problem))
            else:
                columns = rest.setdefault(file, {})
                columns[problem.column or "-"] = columns.get(problem.column or "-", 0) + 1
        for file, columns in rest.items():
            total = sum(columns.values())
            by_column = "、".join(f"{column} {n:,} 件" for column, n in
                                  sorted(columns.items(), key=lambda item: -item[1]))
            out.append(f"{file or '(ファイル外)'}: ほかに {total:,} 件の問題があります（最初の {self.SHOWN_PER_FILE} 件だけを"
                       f"表示しました。列ごとの件数: {by_column}）")
        return out


class ReviewError(NinteiError):
    """A review could not be run (unknown policy or staff member, empty roster...)."""
