"""Raw tables: the rows of one record type read from one file or sheet, before validation; and
the size limit of a cell (a cell over 1 MiB is never accepted)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from facts.aliases import clean
from facts.errors import Problem
from facts.records import Source

MAX_CELL_BYTES = 1 << 20  # a cell over 1 MiB (UTF-8) is never accepted


@dataclass
class RawTable:
    """The rows of one record type read from one file (or sheet)."""

    record_type: str
    file: str
    sheet: str | None
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # field -> header as written

    def source(self, row: int) -> Source:
        return Source(file=self.file, sheet=self.sheet, row=row)

    def header(self, name: str) -> str:
        """The column as the file calls it (the field name when the column is absent)."""
        return self.headers.get(name, name)


@dataclass
class ReadResult:
    tables: list[RawTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # "file: header" of columns that are no field


MAX_CELL_CHARS = MAX_CELL_BYTES // 4  # a text of no more characters is no more bytes


def too_big(value: Any) -> bool:
    return isinstance(value, str) and len(value) > MAX_CELL_CHARS and len(
        value.encode("utf-8", "surrogatepass")) > MAX_CELL_BYTES


def big_cells(cells: Iterable[Any]) -> list[int]:
    return [i for i, v in enumerate(cells) if isinstance(v, str) and len(v) > MAX_CELL_CHARS and too_big(v)]


def too_big_problem(where: str, column: str | None) -> Problem:
    return Problem(where, "値が大きすぎます (1 つのセルは 1 MiB まで)", column=column,
                   message_en="the value is too large (a cell holds at most 1 MiB)")


def cell_value(value: Any) -> Any:
    if isinstance(value, str):
        value = clean(value)
        return value or None
    return value
