"""Reading fact files into raw tables: rows of canonical column names and raw values.

Accepted: CSV and tab-separated text (``.tsv``, ``.txt``) in UTF-8 (with or without BOM), UTF-16
with BOM or CP932/Shift_JIS (facts/readers/encoding.py), XLSX and the old Excel ``.xls`` (one
record type per sheet), JSON (an array of objects) and JSON Lines. A folder is read recursively
in name order.
Text is NFKC-normalised and trimmed; blank cells become ``None``; dates in XLSX stay dates.
Values are not validated here (``facts.records`` does that); what is found wrong with the files
themselves (unknown column, unknown record type, unreadable file) is returned as problems.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from facts.aliases import record_type_for
from facts.errors import Problem

from .csvfile import read_csv
from .parts import FilePlan, PartRead, plan_file
from .jsonfile import MAX_JSON_DEPTH, read_json, read_jsonl
from .raw import MAX_CELL_BYTES, RawTable, ReadResult
from .shape import RECORD_TYPE_COLUMNS
from .xls import read_xls
from .xlsx import read_xlsx

__all__ = ["MAX_CELL_BYTES", "MAX_JSON_DEPTH", "RECORD_TYPE_COLUMNS", "SUFFIXES", "FilePlan", "PartRead",
           "RawTable", "ReadResult", "file_plans", "read_files", "read_paths"]

SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls",
            ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def read_paths(paths: Iterable[str | Path]) -> ReadResult:
    """Read every fact file under ``paths`` (files or folders)."""
    result = ReadResult()
    for tables in read_files(paths, result):
        result.tables.extend(tables)
    return result


def read_files(paths: Iterable[str | Path], result: ReadResult) -> Iterator[list[RawTable]]:
    """Read the fact files under ``paths`` one by one: the tables of each file as it is read;
    its name, problems and ignored columns go to ``result`` (``result.tables`` is left alone)."""
    for plan in file_plans(paths, result):
        read = plan.read_here()
        result.problems.extend(read.problems)
        result.ignored.extend(read.ignored)
        yield read.tables


def file_plans(paths: Iterable[str | Path], result: ReadResult, parts: int = 1) -> Iterator[FilePlan]:
    """The fact files under ``paths`` one by one, each as up to ``parts`` parts to read
    (facts/readers/parts.py); each file's name goes to ``result``, and so does what makes a file
    no fact file (a missing path, an unknown suffix)."""
    readers = {"csv": read_csv, "xlsx": read_xlsx, "xls": read_xls, "json": read_json, "jsonl": read_jsonl}
    for path, name in _expand(paths, result.problems):
        result.files.append(name)
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            result.problems.append(Problem(name, (
                f"この種類のファイルは読めません (使える形式: {', '.join(SUFFIXES)})"),
                message_en=f"cannot read this kind of file (the kinds: {', '.join(SUFFIXES)})"))
            continue
        yield plan_file(readers[kind], kind, path, name, parts)


def _expand(paths: Iterable[str | Path], problems: list[Problem]) -> Iterator[tuple[Path, str]]:
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = [p for p in path.rglob("*") if p.is_file() and not _ignored(p.relative_to(path))]
            found = iter(sorted(((p, p.relative_to(path).as_posix()) for p in files), key=lambda pair: pair[1]))
        elif path.is_file():
            found = iter([(path, path.name)])
        else:
            problems.append(Problem(str(given), "ファイルもフォルダもありません", message_en="no such file or folder"))
            continue
        for file, name in found:
            if name.isascii() or not _NOT_UTF8.search(name):
                yield file, name
            else:  # bytes of another encoding: no name a message, a record's source or the database can hold
                shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                problems.append(Problem(shown, "ファイル名が UTF-8 の文字ではありません。名前を付け直してください",
                                        message_en="the file name is not in characters of UTF-8: rename the file"))


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # a byte os.fsdecode could not decode, kept as a surrogate


def _ignored(relative: Path) -> bool:
    """Hidden files, Excel lock files, notes and database files (nintei's own SQLite file in the
    working directory: `nintei import .`) kept beside the data in a folder. A ``.txt`` file in a
    folder is a note unless its name names a record type (``職員名簿.txt``: tab-separated text)."""
    name = relative.name
    suffix = relative.suffix.lower()
    return (any(part.startswith(".") for part in relative.parts) or name.startswith("~$")
            or suffix in {".md", ".db", ".sqlite", ".sqlite3"}
            or (suffix == ".txt" and record_type_for(relative.stem) is None)
            or name.endswith(("-journal", "-wal", "-shm")))
