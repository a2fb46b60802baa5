"""How stored and given text is shown: a value is shown, never acted on.

Control characters in a value (a terminal's escape sequences ``\\x1b[2J``, ``\\x1b]8;;url\\x1b\\``,
a bell, C1 controls such as ``\\x9b``) and the marks that reorder text on screen (bidi
embeddings, overrides, isolates: ``\\u202e``) are written out as escapes: a name stays
recognisable and the clerk's terminal obeys nothing of it.

- ``one_line``: a line, a table cell, a value in a sentence: line breaks and tabs written out too
  (a name cannot start a line that looks like the tool's own);
- ``visible``: text whose line breaks and tabs are the layout's own (a whole table, a page);
- ``in_json``: JSON text, the same strings (JSON escapes C0 but leaves C1, DEL and bidi marks raw);
- ``in_xml``: a workbook cell: only what XML cannot hold at all (C0 but tab, newline, carriage
  return), so that the cell keeps every other character as it is.

And fact problems on the command line: a file with 100,000 bad rows prints a screenful, not
100,000 lines."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facts.errors import FactError

SHOWN_PER_FILE = 20
# C0 and C1 control characters but tab and newline; the bidi embeddings, overrides and isolates;
# lone surrogates (a file name or an argument that is not UTF-8)
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0))}
_REORDER = {c: f"\\u{c:04x}" for c in (*range(0x202a, 0x202f), *range(0x2066, 0x206a))}
_SURROGATE = {c: f"\\u{c:04x}" for c in range(0xd800, 0xe000)}  # no character: UTF-8 cannot even write it
_HIDDEN = {**_CONTROL, 0x0d: "\\r", **_REORDER, **_SURROGATE}
_ONE_LINE = {**_HIDDEN, 0x09: "\\t", 0x0a: "\\n"}
_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # a scan, not a translation: JSON is long
_IN_XML = {c: f"\\x{c:02x}" for c in (*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20))}


def visible(text: str) -> str:
    """``text`` with control characters written out, but its tabs and line breaks."""
    return text if text.isprintable() else text.translate(_HIDDEN)


def one_line(text: str) -> str:
    """``text`` as one line: every control character written out, tabs and line breaks too."""
    return text if text.isprintable() else text.translate(_ONE_LINE)


def in_json(text: str) -> str:
    """JSON text whose strings carry C1 controls, DEL or bidi marks, with those as ``\\u`` escapes
    (the same strings once parsed: such characters stand only inside JSON strings)."""
    return text if text.isascii() else _IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def in_xml(text: str) -> str:
    """A value for a workbook cell: the control characters XML 1.0 cannot hold written out."""
    return text if text.isprintable() else text.translate(_IN_XML)


def fact_error_lines(error: FactError, lang: str = "ja") -> list[str]:
    """The summary, the first ``SHOWN_PER_FILE`` problems of each file, then per file the number
    of the rest by column (``lang``: the words around them; the locations stay as they are)."""
    out = error.heading(lang)
    shown: dict[str, int] = {}
    rest: dict[str, dict[str, int]] = {}  # file -> column -> problems not shown
    for problem in error.problems:
        file = problem.location.split(":", 1)[0]
        if shown.get(file, 0) < SHOWN_PER_FILE:
            shown[file] = shown.get(file, 0) + 1
            out.append(one_line(problem.text(lang)))
        else:
            columns = rest.setdefault(file, {})
            columns[problem.column or "-"] = columns.get(problem.column or "-", 0) + 1
    for file, columns in rest.items():
        ordered = sorted(columns.items(), key=lambda item: -item[1])
        if lang == "en":
            by_column = ", ".join(f"{one_line(column)} {n:,}" for column, n in ordered)
            out.append(one_line(f"{file or '(no file)'}: {sum(columns.values()):,} more problems (only the first "
                                f"{SHOWN_PER_FILE} shown; by column: {by_column})"))
            continue
        by_column = "、".join(f"{one_line(column)} {n:,} 件" for column, n in ordered)
        out.append(one_line(f"{file or '(ファイル外)'}: ほかに {sum(columns.values()):,} 件の問題があります"
                           f"（最初の {SHOWN_PER_FILE} 件だけを表示しました。列ごとの件数: {by_column}）"))
    return out
