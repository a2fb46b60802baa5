"""How fact problems are shown on the command line: a file with 100,000 bad rows prints a
screenful, not 100,000 lines; a value quoted in a message is shown, never acted on (control
characters, such as a terminal's escape sequences, are written out as ``\\x1b``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facts.errors import FactError

SHOWN_PER_FILE = 20
# C0 and C1 control characters but tab and newline
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0))}


def visible(text: str) -> str:
    return text if text.isprintable() else text.translate(_CONTROL)


def fact_error_lines(error: FactError) -> list[str]:
    """The summary, the first ``SHOWN_PER_FILE`` problems of each file, then per file the number
    of the rest by column."""
    out = [error.summary] if error.summary else []
    shown: dict[str, int] = {}
    rest: dict[str, dict[str, int]] = {}  # file -> column -> problems not shown
    for problem in error.problems:
        file = problem.location.split(":", 1)[0]
        if shown.get(file, 0) < SHOWN_PER_FILE:
            shown[file] = shown.get(file, 0) + 1
            out.append(visible(str(problem)))
        else:
            columns = rest.setdefault(file, {})
            columns[problem.column or "-"] = columns.get(problem.column or "-", 0) + 1
    for file, columns in rest.items():
        by_column = "、".join(f"{visible(column)} {n:,} 件" for column, n in
                              sorted(columns.items(), key=lambda item: -item[1]))
        out.append(visible(f"{file or '(ファイル外)'}: ほかに {sum(columns.values()):,} 件の問題があります"
                           f"（最初の {SHOWN_PER_FILE} 件だけを表示しました。列ごとの件数: {by_column}）"))
    return out
