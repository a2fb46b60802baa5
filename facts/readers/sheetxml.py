"""The fast XLSX sheet reader: the sheet XML Excel and openpyxl write, read with regular
expressions, giving the values openpyxl's read-only, values-only reading gives."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

_UNSEEN = object()  # a cell not read yet
WHOLE_SHEET_BYTES = 1 << 30  # a sheet's XML read whole to be read in parts: up to 1 GiB


class Unsupported(Exception):
    """Something in a sheet that the fast reader leaves to openpyxl."""


class FastBook:
    """Reading a workbook's sheets straight from their XML, for the shape openpyxl and Excel
    write: ``<row r=..><c r=.. s=.. t=..><v>..</v></c>`` or inline strings, no formulas. It gives
    the values openpyxl's read-only, values-only reading gives (shared strings, numbers as
    int/float, date cells by their number format, booleans), and raises ``Unsupported`` at
    anything else (then openpyxl reads the sheet). openpyxl opens the workbook (sheets, shared
    strings, number formats) but is spared parsing each sheet twice (once for its size)."""

    def __init__(self, reader: Any, sheets: list[tuple[str, str]]):
        self.reader, self.sheets = reader, sheets
        wb = reader.wb
        self.strings, self.epoch = reader.shared_strings, wb.epoch
        self.dates, self.timedeltas = wb._date_formats, wb._timedelta_formats
        self.memo: dict[tuple[bytes, ...], Any] = {}

    @classmethod
    def open(cls, path: Path) -> FastBook | None:
        """None when openpyxl is to open the file (it also says what is wrong with it)."""
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        reader = None
        try:
            reader = ExcelReader(path, read_only=True, data_only=True)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                      if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
            return cls(reader, sheets)
        except Exception:  # anything: openpyxl's own reading reports it
            if reader is not None:
                reader.archive.close()
            return None

    def close(self) -> None:
        self.reader.archive.close()

    def rows(self, target: str) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cell values by column from A) of every row in the sheet's XML, up to the
        last row and column its ``<dimension>`` declares (openpyxl reads no further)."""
        with self.reader.archive.open(target) as src:
            buf, end = b"", False
            while (start := _SHEET_DATA.search(buf)) is None and not end:
                block = src.read(1 << 20)
                end = not block
                buf += block
            max_col, max_row = self._head(buf, start)
            if start[1]:  # <sheetData/>
                return
            buf, last = buf[start.end():], 0
            while not end:
                block = src.read(1 << 22)
                end = not block
                buf += block
                if end:
                    stop = _SHEET_DATA_END.search(buf)
                    if stop is None:
                        raise Unsupported("end of sheetData")
                    cut = stop.start()
                else:
                    cut = buf.rfind(b"</row>")
                    if cut < 0:
                        continue
                    cut += 6
                body, buf = buf[:cut], buf[cut:]
                last, stopped = yield from self.between(body, 0, len(body), max_col, max_row, last)
                if stopped:
                    return

    def sheet(self, target: str) -> tuple[bytes, int, int, int | None, int | None] | None:
        """The sheet's XML read whole, to read its rows in parts: (the XML, where its rows begin
        and end, the last column and row its ``<dimension>`` declares); None for a sheet larger
        than ``WHOLE_SHEET_BYTES`` (``rows`` reads it as a stream)."""
        if self.reader.archive.getinfo(target).file_size > WHOLE_SHEET_BYTES:
            return None
        data = self.reader.archive.read(target)
        start = _SHEET_DATA.search(data)
        max_col, max_row = self._head(data, start)
        if start[1]:  # <sheetData/>
            return data, start.end(), start.end(), max_col, max_row
        stop = _SHEET_DATA_END.search(data, start.end())
        if stop is None:
            raise Unsupported("end of sheetData")
        return data, start.end(), stop.start(), max_col, max_row

    def first_row(self, data: bytes, pos: int, end: int, max_col: int | None,
                  max_row: int | None) -> tuple[int, list[Any], int] | None:
        """The first row of ``data[pos:end]``: (row number, cell values, where the next row
        begins); None when there is none (up to ``max_row``)."""
        match = _ROW.match(data, pos, end)
        if match is None:
            if data[pos:end].strip():
                raise Unsupported("row")
            return None
        number = int(match[1])
        if max_row is not None and number > max_row:
            return None
        return number, self._cells(match[2] or b"", max_col), match.end()

    def between(self, data: bytes, pos: int, end: int, max_col: int | None, max_row: int | None,
                last: int = 0) -> Iterator[tuple[int, list[Any]]]:
        """The rows of ``data[pos:end]`` (whole ``<row>`` elements after row ``last``) as (row number,
        cell values); returns (the last row number read, whether ``max_row`` stopped the reading)."""
        for match in _ROW.finditer(data, pos, end):
            if match.start() != pos:
                raise Unsupported("row")
            pos = match.end()
            number = int(match[1])
            if number <= last:
                raise Unsupported("row order")
            last = number
            if max_row is not None and number > max_row:
                return last, True
            yield number, self._cells(match[2] or b"", max_col)
        if data[pos:end].strip():
            raise Unsupported("row")
        return last, False

    @classmethod
    def _head(cls, data: bytes, start: re.Match | None) -> tuple[int | None, int | None]:
        """What the sheet XML before ``<sheetData>`` says: the last column and row of its
        ``<dimension>`` (an encoding other than UTF-8, or no sheetData: left to openpyxl)."""
        if start is None:
            raise Unsupported("no sheetData")
        if _FOREIGN_ENCODING.search(data, 0, min(300, start.start())):
            raise Unsupported("encoding")
        return cls._dimension(data[:start.start()])

    @staticmethod
    def _dimension(head: bytes) -> tuple[int | None, int | None]:
        """The last column and row the sheet's ``<dimension>`` declares, if it has one."""
        if b"<dimension" not in head:
            return None, None
        found = _DIMENSION.search(head)
        if found is None:
            raise Unsupported("dimension")
        from openpyxl.utils.cell import range_boundaries

        try:
            _, _, max_col, max_row = range_boundaries(found[1].decode())
        except Exception:
            raise Unsupported("dimension") from None
        return max_col, max_row

    def _cells(self, body: bytes, max_col: int | None) -> list[Any]:
        if not _CELLS.fullmatch(body):
            raise Unsupported("cell")
        values: list[Any] = []
        memo = self.memo
        for column, *cell in _CELL.findall(body):
            index = _COLUMNS.get(column)
            if index is None:
                index = _column_index(column)
            if max_col is not None and index >= max_col:
                continue
            if index >= len(values):
                values.extend([None] * (index + 1 - len(values)))
            cell = tuple(cell)  # style, type, <v>, inline text: values repeat (years, categories)
            value = memo.get(cell, _UNSEEN)
            if value is _UNSEEN:
                value = self._value(*cell)
                if len(memo) > 100_000:
                    memo.clear()
                memo[cell] = value
            values[index] = value
        return values

    def _value(self, style: bytes, kind: bytes, number: bytes, text: bytes) -> Any:
        try:
            if kind == b"inlineStr":
                if number:
                    raise Unsupported("inline string with a value")
                return _xml_text(text) if text is not None else None
            if text:
                raise Unsupported("inline string in a cell of another type")
            if not number:
                return None
            if kind in (b"", b"n"):
                value = number.decode()
                value = float(value) if "." in value or "E" in value or "e" in value else int(value)
                if style and int(style) in self.dates:
                    from openpyxl.utils.datetime import from_excel

                    value = from_excel(value, self.epoch, timedelta=int(style) in self.timedeltas)
                return value
            if kind == b"s":
                return self.strings[int(number)]
            if kind == b"b":
                return bool(int(number))
            if kind in (b"str", b"e"):
                return _xml_text(number)
        except (ValueError, IndexError, OverflowError, TypeError):
            raise Unsupported("value") from None  # openpyxl says what is wrong with it
        raise Unsupported(f"cell type {kind!r}")

    @staticmethod
    def within(rows: Iterator[tuple[int, list[Any]]], width: int) -> Iterator[tuple[int, tuple]]:
        """Rows 2.. cut or padded to the header's width, as openpyxl's ``max_col`` does."""
        for number, cells in rows:
            if len(cells) < width:
                cells.extend([None] * (width - len(cells)))
            yield number, tuple(cells[:width])


_SHEET_DATA = re.compile(rb"<sheetData\s*(/?)>")
_SHEET_DATA_END = re.compile(rb"\s*</sheetData>")
_FOREIGN_ENCODING = re.compile(rb"""<\?xml[^>]*encoding=["'](?!utf-?8["'])""", re.I)
_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"\s*/>')
_ROW = re.compile(rb'\s*<row r="(\d+)"(?:\s+[\w:]+="[^"]*")*\s*(?:/>|>(.*?)</row>)', re.S)
_CELL_PATTERN = (rb'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="([a-zA-Z]+)")?\s*'
                 rb'(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')
_CELL = re.compile(_CELL_PATTERN)
_CELLS = re.compile(rb"(?:\s*" + re.sub(rb"\((?!\?)", b"(?:", _CELL_PATTERN) + rb")*\s*")
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));")
_NOT_XML_TEXT = re.compile(rb"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index - 1


_COLUMNS = {bytes(letters): _column_index(bytes(letters)) for letters in
            [[a] for a in range(65, 91)] + [[a, b] for a in range(65, 91) for b in range(65, 91)]}


def _xml_text(raw: bytes) -> str:
    """Character data as an XML parser gives it (the five entities and character references);
    what needs more (a carriage return, which XML turns into a line feed) is left to openpyxl."""
    if _NOT_XML_TEXT.search(raw):
        raise Unsupported("carriage return or control character")
    text = raw.decode()
    if "&" in text:
        if "&" in _ENTITY.sub("", text):
            raise Unsupported("entity")
        text = _ENTITY.sub(_entity, text)
    return text


def _entity(match: re.Match) -> str:
    if match[1]:
        return _ENTITIES[match[1]]
    code = int(match[2]) if match[2] else int(match[3], 16)
    if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF):
        raise Unsupported("character reference")  # not a character XML allows
    return chr(code)
