"""XLSX workbooks: one record type per sheet (or the file's). The sheets are read from their XML
by ``FastBook`` (facts/readers/sheetxml.py) when it knows their shape, else by openpyxl; a
workbook too large once unpacked (a zip bomb) is refused first (facts/readers/packed.py)."""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import ParseError
from typing import Any, Iterator

import openpyxl

from facts.aliases import record_type_for
from facts.errors import Problem
from facts.records import Source

from .packed import unpacked_problem
from .raw import ReadResult, cell_value
from .shape import read_grid
from .sheetxml import FastBook, Unsupported


def read_xlsx(path: Path, name: str, result: ReadResult) -> None:
    if (too_large := unpacked_problem(path, name)) is not None:  # a zip bomb: nothing of it is unpacked
        result.problems.append(too_large)
        return
    fast = FastBook.open(path)
    if fast is None:
        read_xlsx_with_openpyxl(path, name, result)
        return
    read = ReadResult()  # kept apart: a file the fast reader gives up on is read again by openpyxl
    try:
        by_file = record_type_for(path.stem)
        for title, target in fast.sheets:
            default = record_type_for(title) or by_file
            rows = fast.rows(target)
            header = next(rows, None)
            if header is None or header[0] != 1:
                raise Unsupported("no header row first")
            cells = header[1]
            while cells and cell_value(cells[-1]) is None:
                cells.pop()
            if cells:
                read_grid(name, title, default, cells, fast.within(rows, len(cells)), read)
            elif next(rows, None) is not None:
                raise Unsupported("values under a blank header")
    except Unsupported:
        read_xlsx_with_openpyxl(path, name, result)
        return
    finally:
        fast.close()
    result.tables.extend(read.tables)
    result.problems.extend(read.problems)
    result.ignored.extend(read.ignored)


def read_xlsx_with_openpyxl(path: Path, name: str, result: ReadResult) -> None:
    if (too_large := unpacked_problem(path, name)) is not None:
        result.problems.append(too_large)
        return
    stream = path.open("rb")  # a file, not its name: openpyxl refuses a name ending in .xls
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        stream.close()
        result.problems.append(Problem(name, f"Excel ファイルとして読めません ({exc})",
                                       message_en=f"cannot read it as an Excel file ({exc})"))
        return
    try:
        by_file = record_type_for(path.stem)
        for sheet in book.worksheets:
            default = record_type_for(sheet.title) or by_file
            header = _xlsx_header(name, sheet, result)
            if header is not None:
                read_grid(name, sheet.title, default, header, _xlsx_rows(name, sheet, len(header), result), result)
    finally:
        book.close()
        stream.close()


def _xlsx_header(name: str, sheet: Any, result: ReadResult) -> list[Any] | None:
    """Row 1 up to its last non-empty cell (None: nothing to read). Reading stops at the last
    header column, so a stray cell far to the right (or a dimension of A1:XFD1048576) cannot make
    every row 16,384 cells wide."""
    try:
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        header = list(first)
        while header and cell_value(header[-1]) is None:
            header.pop()
        if header:
            return header
        sheet.reset_dimensions()  # the rows the sheet holds, not every row its dimension claims (A1:XFD1048576)
        for number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            if any(cell_value(v) is not None for v in cells):
                result.problems.append(Problem(str(Source(file=name, sheet=sheet.title, row=1)), (
                    f"1行目に見出しがありません ({number}行目に値があります)"),
                    message_en=f"no headings in row 1 (row {number} holds values)"))
                break
    except Exception as exc:  # openpyxl raises ValueError & co. for a cell it cannot read
        result.problems.append(_cell_problem(str(Source(file=name, sheet=sheet.title, row=1)), exc))
    return None


def _xlsx_rows(name: str, sheet: Any, width: int, result: ReadResult) -> Iterator[tuple[int, tuple]]:
    """Rows 2.. as (row number, cells), streamed: blank rows cost nothing to keep."""
    number = 1
    try:
        for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2):
            yield number, cells
    except Exception as exc:  # openpyxl fails on a number cell it cannot read (<v>NaN</v>, <v>INF</v>)
        result.problems.append(_cell_problem(str(Source(file=name, sheet=sheet.title, row=number + 1)), exc))


def _cell_problem(where: str, exc: Exception) -> Problem:
    """What openpyxl's failure on a sheet says to the clerk at ``where``: a number cell it cannot
    read (NaN, INF), XML it refuses (entities that expand a billion times: expat's limit), no
    memory left."""
    if isinstance(exc, ParseError):
        return Problem(where, f"シートの XML を読めません ({exc})。Excel で開いて、保存し直してください",
                       message_en=f"cannot read the sheet's XML ({exc}): open it in Excel and save it again")
    if isinstance(exc, MemoryError):
        return Problem(where, "シートが大きすぎて、メモリが足りません。行を年度や所属ごとに分けて、複数のファイルにしてください",
                       message_en="the sheet is too large for the memory: split its rows by year or department "
                                  "into several files")
    literal = re.search(r"'([^']+)'$", str(exc))
    if literal is None:
        return Problem(where, f"セルを読めません ({exc or type(exc).__name__})",
                       message_en=f"cannot read a cell ({exc or type(exc).__name__})")
    return Problem(where, f"数値のセルの値 '{literal[1]}' を読めません (有限の数値にしてください: nan や inf は使えません)",
                   message_en=f"cannot read the number cell's value '{literal[1]}' (make it a finite number: nan "
                              "and inf cannot be used)")
