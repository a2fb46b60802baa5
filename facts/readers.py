"""Reading fact files into raw tables: rows of canonical column names and raw values.

Accepted: CSV (UTF-8 with or without BOM, else CP932/Shift_JIS), XLSX (one record type per
sheet), JSON (an array of objects) and JSON Lines. A folder is read recursively in name order.
Text is NFKC-normalised and trimmed; blank cells become ``None``; dates in XLSX stay dates.
Values are not validated here (``facts.records`` does that); what is found wrong with the files
themselves (unknown column, unknown record type, unreadable file) is returned as problems.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import openpyxl

from engine.errors import Problem
from facts.aliases import accepted_type_names, clean, column_lookup, norm, record_type_for
from facts.records import RECORD_TYPES, Source, data_fields

SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json", ".jsonl": "jsonl",
            ".ndjson": "jsonl"}
RECORD_TYPE_COLUMNS = {"record_type", "記録種別"}


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
    """Hidden files, Excel lock files and notes kept beside the data in a folder."""
    name = relative.name
    return (any(part.startswith(".") for part in relative.parts) or name.startswith("~$")
            or relative.suffix.lower() in {".md", ".txt"})


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
    grid = list(csv.reader(io.StringIO(text, newline="")))
    _read_grid(name, None, record_type_for(path.stem), grid, result)


def _read_xlsx(path: Path, name: str, result: ReadResult) -> None:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        result.problems.append(Problem(name, f"Excel ファイルとして読めません ({exc})"))
        return
    try:
        sheets = book.worksheets
        by_file = record_type_for(path.stem)
        for sheet in sheets:
            grid = [list(row) for row in sheet.iter_rows(values_only=True)]
            default = record_type_for(sheet.title) or by_file
            _read_grid(name, sheet.title, default, grid, result)
    finally:
        book.close()


def _read_json(path: Path, name: str, result: ReadResult) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        result.problems.append(Problem(name, f"JSON として読めません ({exc})"))
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
        try:
            objects.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            result.problems.append(Problem(f"{name}:{number}", f"JSON として読めません ({exc.msg})"))
    _read_objects(name, record_type_for(path.stem), objects, result)


# --- shaping rows ---------------------------------------------------------------------------

def _read_grid(file: str, sheet: str | None, default_type: str | None, grid: list[list[Any]],
               result: ReadResult) -> None:
    """A sheet or CSV: row 1 is the header, records from row 2; blank rows are skipped."""
    if not grid or not any(_value(v) is not None for row in grid for v in row):
        return  # an empty file or sheet holds no records
    headers = [_value(h) for h in grid[0]]
    rows = []
    for number, cells in enumerate(grid[1:], start=2):
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
            if name is None or table.headers.setdefault(name, header) != header:
                if (record_type, header) not in reported:
                    reported.add((record_type, header))
                    result.problems.append(_column_problem(
                        Source(file=file, sheet=sheet, row=header_row or number), header, name, table))
                continue
            values[name] = value
        table.rows.append((number, values))
    result.tables.extend(tables.values())


def _column_problem(where: Source, header: str, name: str | None, table: RawTable) -> Problem:
    if name is None:
        fields = ", ".join(data_fields(RECORD_TYPES[table.record_type]))
        message = f"不明な列です ({table.record_type} で使える列: {fields} または別名)"
    else:
        message = f"列 '{table.headers[name]}' と同じ項目 ({name}) です"
    return Problem(str(where), message, column=header)
