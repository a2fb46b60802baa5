"""Rows to raw tables: a grid (CSV, a sheet) or objects (JSON) sorted by record type, each column
header resolved to a field once (an alias, an ignored column, a likely typo, the same field twice).
"""
from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from typing import Any, Iterable

from facts.aliases import accepted_type_names, clean, column_lookup, norm, record_type_for
from facts.errors import Problem
from facts.records import RECORD_TYPES, Source, data_fields

from .raw import MAX_CELL_CHARS, RawTable, ReadResult, big_cells, cell_value, too_big, too_big_problem

RECORD_TYPE_COLUMNS = {"record_type", "記録種別"}


def read_grid(file: str, sheet: str | None, default_type: str | None, header: list[Any],
              numbered: Iterable[tuple[int, Any]], result: ReadResult, shaped: ReadResult | None = None) -> None:
    """A sheet or CSV: row 1 is the ``header``, records from row 2 (``numbered``: (row, cells));
    blank rows are skipped. The tables, and what is said of the headers and record types, go to
    ``shaped`` when given (a part of a grid: the same for every part), else to ``result``."""
    if any(too_big(h) for h in header):
        result.problems.append(too_big_problem(str(Source(file=file, sheet=sheet, row=1)), None))
        return
    headers = [cell_value(h) for h in header]
    names = [str(h) for h in headers]
    if len(set(names)) < len(names):  # the same header twice: which column holds the value?
        _same_header_twice(file, sheet, headers, result if shaped is None else shaped)
    plain = None not in headers  # every column has a header: a row is zipped with them
    rows = []
    normalize = unicodedata.normalize
    for number, cells in numbered:
        try:
            big = max(map(len, cells), default=0) > MAX_CELL_CHARS and big_cells(cells)
        except TypeError:  # numbers, dates: XLSX
            big = big_cells(cells)
        if big:  # reported, and the row left out: nothing of the file is stored
            where = str(Source(file=file, sheet=sheet, row=number))
            result.problems.extend(too_big_problem(where, str(headers[i]) if i < len(headers) and
                                                    headers[i] is not None else f"{i + 1}列目") for i in big)
            continue
        values = [((v.strip() if v.isascii() else normalize("NFKC", v).strip()) or None)
                  if isinstance(v, str) else v for v in cells]  # cell_value, inline (ASCII: NFKC changes nothing)
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
                                                   column=f"{index + 1}列目",
                                                   message_en=f"a value '{value}' in a column with no heading"))
                continue
            record[str(header)] = value
        rows.append((number, record))
    if not rows and all(h is None for h in headers):
        return  # an empty file or sheet holds no records
    _shape(file, sheet, default_type, rows, result if shaped is None else shaped, header_row=1,
           header_names=[str(h) for h in headers if h is not None])


def _same_header_twice(file: str, sheet: str | None, headers: list[Any], result: ReadResult) -> None:
    counts: dict[str, int] = {}
    for h in headers:
        if h is not None:
            counts[str(h)] = counts.get(str(h), 0) + 1
    where = str(Source(file=file, sheet=sheet, row=1))
    result.problems.extend(_twice_problem(where, h, n, ("同じ見出しは 1 つにしてください", "keep one heading of a name"))
                           for h, n in counts.items() if n > 1)


def _twice_problem(where: str, name: str, times: int, fix: tuple[str, str]) -> Problem:
    return Problem(where, f"列 '{name}' が {times} 回あります ({fix[0]})", column=name,
                   message_en=f"column '{name}' is there {times} times ({fix[1]})")


def _keys_twice(item: dict, names: list[str]) -> dict[str, int]:
    """The column names a JSON object writes more than once, with how often: a key written twice
    (which json reads as the last value; ``jsonfile.Repeated`` keeps it), or two keys that are
    the same once trimmed and normalised (``"staff_id"`` and ``"ｓｔａｆｆ_id "``)."""
    repeated = getattr(item, "repeated", None)
    if repeated is None and len(set(names)) == len(names):
        return {}
    counts = Counter(names)
    for key, n in (repeated or {}).items():
        counts[clean(key)] += n - 1
    return {name: n for name, n in counts.items() if n > 1}


def read_objects(file: str, default_type: str | None, items: Iterable[tuple[int, Any]],
                  result: ReadResult) -> None:
    rows = []
    for number, item in items:
        where = str(Source(file=file, row=number))
        if not isinstance(item, dict):
            result.problems.append(Problem(where, "記録はオブジェクト ({\"列名\": 値, ...}) にしてください",
                                           message_en="make each record an object ({\"column\": value, ...})"))
            continue
        record = {}
        if any(too_big(k) for k in item):
            result.problems.append(too_big_problem(where, None))
            continue
        names = [clean(k) for k in item]
        twice = _keys_twice(item, names)
        if twice:  # which of the values is meant? reported, and the record left out
            result.problems.extend(_twice_problem(where, name, n, ("同じ列名は 1 つにしてください", "keep one column of a name"))
                                   for name, n in twice.items())
            continue
        big = [name for name, v in zip(names, item.values()) if too_big(v)]
        if big:  # reported, and the record left out: nothing of the file is stored
            result.problems.extend(too_big_problem(where, name) for name in big)
            continue
        for name, value in zip(names, item.values()):
            if isinstance(value, (dict, list)):
                result.problems.append(Problem(where, "値は文字・数値にしてください", column=name,
                                               message_en="make the value text or a number"))
                continue
            record[name] = cell_value(value)
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
            f"入れてください (使える名前: {accepted_type_names()})"), message_en=(
            "which kind of record is this? Name the file or the sheet after the record type, or add a column "
            f"record_type (names: {accepted_type_names()})")))
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
                    column=type_column,
                    message_en=f"'{named}' is no record type (names: {accepted_type_names()})"))
                continue
        if record_type is None:
            result.problems.append(Problem(str(Source(file=file, sheet=sheet, row=number)),
                                           "記録の種類がありません", column=type_column,
                                           message_en="no record type"))
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
        message_en = (f"unknown column (did you mean '{close[0]}'? '{close[0]}' is a name of {lookup[close[0]]}: "
                      "correct the spelling)" if close else
                      f"unknown column (the columns of {table.record_type}: {fields}, or their other names)")
    else:
        message = f"列 '{table.headers[name]}' と同じ項目 ({name}) です"
        message_en = f"the same field ({name}) as column '{table.headers[name]}'"
    return Problem(str(where), message, column=header, message_en=message_en)
