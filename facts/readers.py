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
    for path, name in _expand(paths, result.problems):
        result.files.append(name)
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            result.problems.append(Problem(name, (
                f"この種類のファイルは読めません (使える形式: {', '.join(SUFFIXES)})")))
            continue
        reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json, "jsonl": _read_jsonl}[kind]
        reader(path, name, result)
    return result


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


def _too_big(value: Any) -> bool:
    return isinstance(value, str) and len(value) > MAX_CELL_BYTES // 4 and len(
        value.encode("utf-8", "surrogatepass")) > MAX_CELL_BYTES


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
    rows = []
    for number, cells in numbered:
        big = [i for i, v in enumerate(cells) if _too_big(v)]
        if big:  # reported, and the row left out: nothing of the file is stored
            where = str(Source(file=file, sheet=sheet, row=number))
            result.problems.extend(_too_big_problem(where, str(headers[i]) if i < len(headers) and
                                                    headers[i] is not None else f"{i + 1}列目") for i in big)
            continue
        values = [_value(v) for v in cells]
        if all(v is None for v in values):
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
        lookup = lookups[record_type]
        values: dict[str, Any] = {}
        for header, value in raw.items():
            if header == type_column:
                continue
            name = lookup.get(header) or lookup.get(norm(header))
            if name is None and not _looks_like(header, lookup):  # 備考, 生年月日...: not a field, ignored
                if (record_type, header) not in reported:
                    reported.add((record_type, header))
                    result.ignored.append(f"{where_file}: {header}")
                continue
            if name is None or table.headers.setdefault(name, header) != header:
                if (record_type, header) not in reported:
                    reported.add((record_type, header))
                    result.problems.append(_column_problem(
                        Source(file=file, sheet=sheet, row=header_row or number), header, name, table))
                continue
            values[name] = value
        table.rows.append((number, values))
    result.tables.extend(tables.values())


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
