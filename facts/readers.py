"""Reading fact files into raw tables: rows of canonical column names and raw values.

Accepted: CSV (UTF-8 with or without BOM, else CP932/Shift_JIS), XLSX (one record type per
sheet), JSON (an array of objects) and JSON Lines. A folder is read recursively in name order.
Text is NFKC-normalised and trimmed; blank cells become ``None``; dates in XLSX stay dates.
Values are not validated here (``facts.records`` does that); what is found wrong with the files
themselves (unknown column, unknown record type, unreadable file) is returned as problems.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import openpyxl

from facts.aliases import accepted_type_names, clean, column_lookup, norm, record_type_for
from facts.errors import Problem
from facts.records import RECORD_TYPES, Source, data_fields

SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json", ".jsonl": "jsonl",
            ".ndjson": "jsonl"}
RECORD_TYPE_COLUMNS = {"record_type", "記録種別"}
MAX_CELL_BYTES = 1 << 20  # a cell over 1 MiB (UTF-8) is never accepted
# JSON: an array of records of values ([{"列名": 値}]); one level more is reported per value
# ("値は文字・数値にしてください"); anything deeper is refused before it is parsed.
MAX_JSON_DEPTH = 3
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]')


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


def read_paths(paths: Iterable[str | Path]) -> ReadResult:
    """Read every fact file under ``paths`` (files or folders)."""
    result = ReadResult()
    for tables in read_files(paths, result):
        result.tables.extend(tables)
    return result


def read_files(paths: Iterable[str | Path], result: ReadResult) -> Iterator[list[RawTable]]:
    """Read the fact files under ``paths`` one by one: the tables of each file as it is read;
    its name, problems and ignored columns go to ``result`` (``result.tables`` is left alone)."""
    for path, name in _expand(paths, result.problems):
        result.files.append(name)
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            result.problems.append(Problem(name, (
                f"この種類のファイルは読めません (使える形式: {', '.join(SUFFIXES)})")))
            continue
        reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json, "jsonl": _read_jsonl}[kind]
        read = ReadResult(problems=result.problems, files=result.files, ignored=result.ignored)
        reader(path, name, read)
        yield read.tables


def _expand(paths: Iterable[str | Path], problems: list[Problem]) -> Iterator[tuple[Path, str]]:
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = [p for p in path.rglob("*") if p.is_file() and not _ignored(p.relative_to(path))]
            for p in sorted(files, key=lambda p: p.relative_to(path).as_posix()):
                yield p, p.relative_to(path).as_posix()
        elif path.is_file():
            yield path, path.name
        else:
            problems.append(Problem(str(given), "ファイルもフォルダもありません"))


def _ignored(relative: Path) -> bool:
    """Hidden files, Excel lock files, notes and database files (nintei's own SQLite file in the
    working directory: `nintei import .`) kept beside the data in a folder."""
    name = relative.name
    return (any(part.startswith(".") for part in relative.parts) or name.startswith("~$")
            or relative.suffix.lower() in {".md", ".txt", ".db", ".sqlite", ".sqlite3"}
            or name.endswith(("-journal", "-wal", "-shm")))


_MAX_CELL_CHARS = MAX_CELL_BYTES // 4  # a text of no more characters is no more bytes


def _too_big(value: Any) -> bool:
    return isinstance(value, str) and len(value) > _MAX_CELL_CHARS and len(
        value.encode("utf-8", "surrogatepass")) > MAX_CELL_BYTES


def _big_cells(cells: Iterable[Any]) -> list[int]:
    return [i for i, v in enumerate(cells) if isinstance(v, str) and len(v) > _MAX_CELL_CHARS and _too_big(v)]


def _too_big_problem(where: str, column: str | None) -> Problem:
    return Problem(where, "値が大きすぎます (1 つのセルは 1 MiB まで)", column=column)


def _value(value: Any) -> Any:
    if isinstance(value, str):
        value = clean(value)
        return value or None
    return value


# --- formats --------------------------------------------------------------------------------

def _read_csv(path: Path, name: str, result: ReadResult) -> None:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        result.problems.append(Problem(name, "文字コードを読めません (UTF-8 か Shift_JIS/CP932 で保存してください)"))
        return
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # cells over 1 MiB are reported per row below
    try:
        grid = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        result.problems.append(Problem(name, f"CSV として読めません ({exc})"))
        return
    finally:
        csv.field_size_limit(limit)
    _read_grid(name, None, record_type_for(path.stem), grid[0] if grid else [], enumerate(grid[1:], start=2),
               result)


def _read_xlsx(path: Path, name: str, result: ReadResult) -> None:
    fast = _FastBook.open(path)
    if fast is None:
        _read_xlsx_with_openpyxl(path, name, result)
        return
    read = ReadResult()  # kept apart: a file the fast reader gives up on is read again by openpyxl
    try:
        by_file = record_type_for(path.stem)
        for title, target in fast.sheets:
            default = record_type_for(title) or by_file
            rows = fast.rows(target)
            header = next(rows, None)
            if header is None or header[0] != 1:
                raise _Unsupported("no header row first")
            cells = header[1]
            while cells and _value(cells[-1]) is None:
                cells.pop()
            if cells:
                _read_grid(name, title, default, cells, fast.within(rows, len(cells)), read)
            elif next(rows, None) is not None:
                raise _Unsupported("values under a blank header")
    except _Unsupported:
        _read_xlsx_with_openpyxl(path, name, result)
        return
    finally:
        fast.close()
    result.tables.extend(read.tables)
    result.problems.extend(read.problems)
    result.ignored.extend(read.ignored)


def _read_xlsx_with_openpyxl(path: Path, name: str, result: ReadResult) -> None:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        result.problems.append(Problem(name, f"Excel ファイルとして読めません ({exc})"))
        return
    try:
        by_file = record_type_for(path.stem)
        for sheet in book.worksheets:
            default = record_type_for(sheet.title) or by_file
            header = _xlsx_header(name, sheet, result)
            if header is not None:
                _read_grid(name, sheet.title, default, header, _xlsx_rows(name, sheet, len(header), result), result)
    finally:
        book.close()


class _Unsupported(Exception):
    """Something in a sheet that the fast reader leaves to openpyxl."""


class _FastBook:
    """Reading a workbook's sheets straight from their XML, for the shape openpyxl and Excel
    write: ``<row r=..><c r=.. s=.. t=..><v>..</v></c>`` or inline strings, no formulas. It gives
    the values openpyxl's read-only, values-only reading gives (shared strings, numbers as
    int/float, date cells by their number format, booleans), and raises ``_Unsupported`` at
    anything else (then openpyxl reads the sheet). openpyxl opens the workbook (sheets, shared
    strings, number formats) but is spared parsing each sheet twice (once for its size)."""

    def __init__(self, reader: Any, sheets: list[tuple[str, str]]):
        self.reader, self.sheets = reader, sheets
        wb = reader.wb
        self.strings, self.epoch = reader.shared_strings, wb.epoch
        self.dates, self.timedeltas = wb._date_formats, wb._timedelta_formats
        self.memo: dict[tuple[bytes, ...], Any] = {}

    @classmethod
    def open(cls, path: Path) -> _FastBook | None:
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
            if start is None:
                raise _Unsupported("no sheetData")
            head = buf[:start.start()]
            if _FOREIGN_ENCODING.search(head, 0, 300):
                raise _Unsupported("encoding")
            max_col, max_row = self._dimension(head)
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
                        raise _Unsupported("end of sheetData")
                    cut = stop.start()
                else:
                    cut = buf.rfind(b"</row>")
                    if cut < 0:
                        continue
                    cut += 6
                body, buf = buf[:cut], buf[cut:]
                pos = 0
                for match in _ROW.finditer(body):
                    if match.start() != pos:
                        raise _Unsupported("row")
                    pos = match.end()
                    number = int(match[1])
                    if number <= last:
                        raise _Unsupported("row order")
                    last = number
                    if max_row is not None and number > max_row:
                        return
                    yield number, self._cells(match[2] or b"", max_col)
                if body[pos:].strip():
                    raise _Unsupported("row")

    @staticmethod
    def _dimension(head: bytes) -> tuple[int | None, int | None]:
        """The last column and row the sheet's ``<dimension>`` declares, if it has one."""
        if b"<dimension" not in head:
            return None, None
        found = _DIMENSION.search(head)
        if found is None:
            raise _Unsupported("dimension")
        from openpyxl.utils.cell import range_boundaries

        try:
            _, _, max_col, max_row = range_boundaries(found[1].decode())
        except Exception:
            raise _Unsupported("dimension") from None
        return max_col, max_row

    def _cells(self, body: bytes, max_col: int | None) -> list[Any]:
        if not _CELLS.fullmatch(body):
            raise _Unsupported("cell")
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
                    raise _Unsupported("inline string with a value")
                return _xml_text(text) if text is not None else None
            if text:
                raise _Unsupported("inline string in a cell of another type")
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
            raise _Unsupported("value") from None  # openpyxl says what is wrong with it
        raise _Unsupported(f"cell type {kind!r}")

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
        raise _Unsupported("carriage return or control character")
    text = raw.decode()
    if "&" in text:
        if "&" in _ENTITY.sub("", text):
            raise _Unsupported("entity")
        text = _ENTITY.sub(_entity, text)
    return text


def _entity(match: re.Match) -> str:
    if match[1]:
        return _ENTITIES[match[1]]
    code = int(match[2]) if match[2] else int(match[3], 16)
    if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF):
        raise _Unsupported("character reference")  # not a character XML allows
    return chr(code)


def _xlsx_header(name: str, sheet: Any, result: ReadResult) -> list[Any] | None:
    """Row 1 up to its last non-empty cell (None: nothing to read). Reading stops at the last
    header column, so a stray cell far to the right (or a dimension of A1:XFD1048576) cannot make
    every row 16,384 cells wide."""
    try:
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        header = list(first)
        while header and _value(header[-1]) is None:
            header.pop()
        if header:
            return header
        for number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            if any(_value(v) is not None for v in cells):
                result.problems.append(Problem(str(Source(file=name, sheet=sheet.title, row=1)), (
                    f"1行目に見出しがありません ({number}行目に値があります)")))
                break
    except Exception as exc:  # openpyxl raises ValueError & co. for a cell it cannot read
        result.problems.append(Problem(str(Source(file=name, sheet=sheet.title, row=1)), _cell_error(exc)))
    return None


def _xlsx_rows(name: str, sheet: Any, width: int, result: ReadResult) -> Iterator[tuple[int, tuple]]:
    """Rows 2.. as (row number, cells), streamed: blank rows cost nothing to keep."""
    number = 1
    try:
        for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2):
            yield number, cells
    except Exception as exc:  # openpyxl fails on a number cell it cannot read (<v>NaN</v>, <v>INF</v>)
        result.problems.append(Problem(str(Source(file=name, sheet=sheet.title, row=number + 1)), _cell_error(exc)))


def _cell_error(exc: Exception) -> str:
    literal = re.search(r"'([^']*)'$", str(exc))
    what = f"'{literal[1]}'" if literal else str(exc)
    return f"数値のセルの値 {what} を読めません (有限の数値にしてください: nan や inf は使えません)"


def _read_json(path: Path, name: str, result: ReadResult) -> None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append(Problem(name, "文字コードを読めません (UTF-8 で保存してください)"))
        return
    if (deep := _too_deep(text, MAX_JSON_DEPTH)) is not None:
        result.problems.append(Problem(str(Source(file=name, row=deep)), _DEEP))
        return
    data = _loads(text, name, result)
    if data is _UNREADABLE:
        return
    if not isinstance(data, list):
        result.problems.append(Problem(name, "JSON は記録の配列 ([{...}, ...]) にしてください"))
        return
    _read_objects(name, record_type_for(path.stem), enumerate(data, start=1), result)


def _read_jsonl(path: Path, name: str, result: ReadResult) -> None:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        result.problems.append(Problem(name, "文字コードを読めません (UTF-8 で保存してください)"))
        return
    objects = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        if _too_deep(line, MAX_JSON_DEPTH - 1) is not None:
            result.problems.append(Problem(where, _DEEP))
            continue
        item = _loads(line, where, result)
        if item is not _UNREADABLE:
            objects.append((number, item))
    _read_objects(name, record_type_for(path.stem), objects, result)


_UNREADABLE = object()
_DEEP = "JSON の入れ子が深すぎます (記録は {\"列名\": 値, ...} の形にし、値は文字か数値にしてください)"


def _loads(text: str, where: str, result: ReadResult) -> Any:
    """``json.loads``; what it cannot read becomes a problem at ``where`` (never an exception)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        result.problems.append(Problem(where, f"JSON として読めません ({exc.msg}: {exc.lineno}行 {exc.colno}文字目)"))
    except ValueError:  # an integer of more than 4300 digits
        result.problems.append(Problem(where, "JSON として読めません (桁の多すぎる数があります)"))
    except RecursionError:  # _too_deep prevents it; a guard all the same
        result.problems.append(Problem(where, _DEEP))
    return _UNREADABLE


def _too_deep(text: str, max_depth: int) -> int | None:
    """None when no array or object in ``text`` nests deeper than ``max_depth``; else the
    element of the top-level array (from 1) where it does. Strings are skipped, not parsed."""
    depth = 0
    element = 1
    for token in _JSON_TOKEN.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > max_depth:
                return element
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 1:
            element += 1
    return None


# --- shaping rows ---------------------------------------------------------------------------

def _read_grid(file: str, sheet: str | None, default_type: str | None, header: list[Any],
               numbered: Iterable[tuple[int, Any]], result: ReadResult) -> None:
    """A sheet or CSV: row 1 is the ``header``, records from row 2 (``numbered``: (row, cells));
    blank rows are skipped."""
    if any(_too_big(h) for h in header):
        result.problems.append(_too_big_problem(str(Source(file=file, sheet=sheet, row=1)), None))
        return
    headers = [_value(h) for h in header]
    names = [str(h) for h in headers]
    plain = None not in headers  # every column has a header: a row is zipped with them
    rows = []
    normalize = unicodedata.normalize
    for number, cells in numbered:
        try:
            big = max(map(len, cells), default=0) > _MAX_CELL_CHARS and _big_cells(cells)
        except TypeError:  # numbers, dates: XLSX
            big = _big_cells(cells)
        if big:  # reported, and the row left out: nothing of the file is stored
            where = str(Source(file=file, sheet=sheet, row=number))
            result.problems.extend(_too_big_problem(where, str(headers[i]) if i < len(headers) and
                                                    headers[i] is not None else f"{i + 1}列目") for i in big)
            continue
        values = [(normalize("NFKC", v).strip() or None) if isinstance(v, str) else v
                  for v in cells]  # _value, inline
        if values.count(None) == len(values):
            continue
        if plain and len(values) <= len(names):
            rows.append((number, dict(zip(names, values))))
            continue
        record: dict[str, Any] = {}
        for index, value in enumerate(values):
            header = headers[index] if index < len(headers) else None
            if header is None:
                if value is not None:
                    result.problems.append(Problem(str(Source(file=file, sheet=sheet, row=number)),
                                                   f"見出しのない列に値 '{value}' があります",
                                                   column=f"{index + 1}列目"))
                continue
            record[str(header)] = value
        rows.append((number, record))
    if not rows and all(h is None for h in headers):
        return  # an empty file or sheet holds no records
    _shape(file, sheet, default_type, rows, result, header_row=1,
           header_names=[str(h) for h in headers if h is not None])


def _read_objects(file: str, default_type: str | None, items: Iterable[tuple[int, Any]],
                  result: ReadResult) -> None:
    rows = []
    for number, item in items:
        where = str(Source(file=file, row=number))
        if not isinstance(item, dict):
            result.problems.append(Problem(where, "記録はオブジェクト ({\"列名\": 値, ...}) にしてください"))
            continue
        record = {}
        if any(_too_big(k) for k in item):
            result.problems.append(_too_big_problem(where, None))
            continue
        big = [k for k, v in item.items() if _too_big(v)]
        if big:  # reported, and the record left out: nothing of the file is stored
            result.problems.extend(_too_big_problem(where, clean(k)) for k in big)
            continue
        for key, value in item.items():
            if isinstance(value, (dict, list)):
                result.problems.append(Problem(where, "値は文字・数値にしてください", column=clean(key)))
                continue
            record[clean(key)] = _value(value)
        if any(v is not None for v in record.values()):
            rows.append((number, record))
    _shape(file, None, default_type, rows, result, header_row=None,
           header_names=sorted({h for _, r in rows for h in r}))


def _shape(file: str, sheet: str | None, default_type: str | None, rows: list[tuple[int, dict]],
           result: ReadResult, header_row: int | None, header_names: list[str]) -> None:
    """Sort rows into tables by record type and rename their columns to field names."""
    type_column = next((h for h in header_names if norm(h) in RECORD_TYPE_COLUMNS), None)
    where_file = f"{file}:{sheet}" if sheet else file
    if type_column is None and default_type is None:
        result.problems.append(Problem(where_file, (
            "記録の種類がわかりません。ファイル名かシート名を記録の種類の名前にするか、record_type 列を"
            f"入れてください (使える名前: {accepted_type_names()})")))
        return
    tables: dict[str, RawTable] = {}
    reported: set[tuple[str, str]] = set()
    lookups: dict[str, dict[str, str]] = {}
    resolved: dict[str, dict[str, str | None]] = {}  # record type -> header -> field (None: left out)
    for number, raw in rows:
        record_type = default_type
        if type_column is not None and raw.get(type_column) is not None:
            named = str(raw[type_column])
            record_type = record_type_for(named)
            if record_type is None:
                result.problems.append(Problem(str(Source(file=file, sheet=sheet, row=number)), (
                    f"'{named}' は記録の種類として使えません (使える名前: {accepted_type_names()})"),
                    column=type_column))
                continue
        if record_type is None:
            result.problems.append(Problem(str(Source(file=file, sheet=sheet, row=number)),
                                           "記録の種類がありません", column=type_column))
            continue
        table = tables.get(record_type)
        if table is None:
            table = tables[record_type] = RawTable(record_type=record_type, file=file, sheet=sheet)
            lookups[record_type] = column_lookup(record_type, data_fields(RECORD_TYPES[record_type]))
            resolved[record_type] = {type_column: None} if type_column is not None else {}
        resolve = resolved[record_type]
        values: dict[str, Any] = {}
        for header, value in raw.items():
            name = resolve.get(header, _UNSEEN)
            if name is _UNSEEN:  # decided once per header: the same every row
                name = resolve[header] = _field_for(header, record_type, lookups[record_type], table,
                                                    Source(file=file, sheet=sheet, row=header_row or number),
                                                    reported, result)
            if name is not None:
                values[name] = value
        table.rows.append((number, values))
    result.tables.extend(tables.values())


_UNSEEN = object()


def _field_for(header: str, record_type: str, lookup: dict[str, str], table: RawTable, where: Source,
               reported: set[tuple[str, str]], result: ReadResult) -> str | None:
    """The field a column header names; None for a column left out: one that is no field
    (ignored, and listed) or one that is wrong (a likely typo, a field named twice: a problem)."""
    name = lookup.get(header) or lookup.get(norm(header))
    if name is None and not _looks_like(header, lookup):  # 備考, 生年月日...: not a field, ignored
        if (record_type, header) not in reported:
            reported.add((record_type, header))
            where_file = f"{table.file}:{table.sheet}" if table.sheet else table.file
            result.ignored.append(f"{where_file}: {header}")
        return None
    if name is None or table.headers.setdefault(name, header) != header:
        if (record_type, header) not in reported:
            reported.add((record_type, header))
            result.problems.append(_column_problem(where, header, name, table))
        return None
    return name


def _close(header: str, lookup: dict[str, str]) -> list[str]:
    return difflib.get_close_matches(norm(header), list(lookup), n=1, cutoff=0.7)


def _looks_like(header: str, lookup: dict[str, str]) -> bool:
    """A header close to a known name or alias (a likely typo: 被評価社 for 被評価者)."""
    return bool(_close(header, lookup))


def _column_problem(where: Source, header: str, name: str | None, table: RawTable) -> Problem:
    if name is None:
        lookup = column_lookup(table.record_type, data_fields(RECORD_TYPES[table.record_type]))
        close = _close(header, lookup)
        fields = ", ".join(data_fields(RECORD_TYPES[table.record_type]))
        message = (f"不明な列です（もしかして '{close[0]}'？ {close[0]} は {lookup[close[0]]} の別名です。"
                   f"綴りを直してください）" if close else
                   f"不明な列です ({table.record_type} で使える列: {fields} または別名)")
    else:
        message = f"列 '{table.headers[name]}' と同じ項目 ({name}) です"
    return Problem(str(where), message, column=header)
