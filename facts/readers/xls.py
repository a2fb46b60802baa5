"""The old Excel format (``.xls``, BIFF), read by xlrd: one record type per sheet (or the file's),
as XLSX. Row 1 is the header; reading stops at the last header column and the sheet's last row.
Rows are read as long as their own last cell (xlrd's ``ragged_rows``): one cell at IV65536 does
not make every row 256 cells wide (170 MiB for a file of 25 KB).

HR systems also write other things under the name ``.xls``: an XLSX (read as one) or
tab-separated text (read as text, facts/readers/csvfile.py); only a real BIFF file goes to xlrd.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import xlrd

from facts.aliases import record_type_for
from facts.errors import Problem

from .csvfile import read_csv
from .encoding import decode
from .raw import ReadResult, cell_value
from .shape import read_grid

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound document every BIFF workbook is in
_ZIP = b"PK\x03\x04"


def read_xls(path: Path, name: str, result: ReadResult) -> None:
    with path.open("rb") as file:
        magic = file.read(8)
    if magic.startswith(_ZIP):
        from .xlsx import read_xlsx  # an XLSX saved under the old name

        read_xlsx(path, name, result)
        return
    if magic != _OLE2:
        if decode(path.read_bytes()) is None:
            result.problems.append(Problem(name, "Excel (.xls) ファイルとしても、テキストとしても読めません",
                                           message_en="cannot read it as an Excel (.xls) file, nor as text"))
        else:
            read_csv(path, name, result)  # text under the name .xls, as some HR systems export
        return
    try:
        book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True)  # rows as long as their last cell
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError... for a broken file
        result.problems.append(Problem(name, f"Excel (.xls) ファイルとして読めません ({exc})",
                                       message_en=f"cannot read it as an Excel (.xls) file ({exc})"))
        return
    try:
        by_file = record_type_for(path.stem)
        for index in range(book.nsheets):
            try:
                sheet = book.get_sheet(index)
            except Exception as exc:
                result.problems.append(Problem(name, f"Excel (.xls) のシート {index + 1} を読めません ({exc})",
                                               message_en=f"cannot read sheet {index + 1} of the Excel (.xls) "
                                                          f"file ({exc})"))
                continue
            header = [_value(book, cell) for cell in sheet.row_slice(0)] if sheet.nrows else []
            while header and cell_value(header[-1]) is None:
                header.pop()
            if header:
                read_grid(name, sheet.name, record_type_for(sheet.name) or by_file, header,
                          _rows(book, sheet, len(header)), result)
    finally:
        book.release_resources()


def _rows(book: Any, sheet: Any, width: int) -> Iterator[tuple[int, list[Any]]]:
    for row in range(1, sheet.nrows):
        cells = sheet.row_slice(row, 0, min(width, sheet.row_len(row)))
        yield row + 1, [_value(book, cell) for cell in cells]


def _value(book: Any, cell: Any) -> Any:
    """A cell as openpyxl gives one: text, a whole number as int, a date cell as a datetime,
    TRUE/FALSE as bool, an error cell as its text (#N/A)."""
    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if value.is_integer() else value
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(value, book.datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return value
