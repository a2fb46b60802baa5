"""A fact file as parts that can be read apart (in other processes): the rows of a large CSV or
sheet in ranges, everything else in one piece. Read part by part and put together, a file gives
exactly what reading it in one go gives: the same tables' rows in the same order, the same
problems in the same order (each part's row problems in turn, then what is said of the headers,
once), the same ignored columns.

A grid is split only when every row of it is one record type known beforehand (from the file or
sheet name, no record-type column), so that every part holds rows of that one table. The parent
loads the file (decodes and parses a CSV, reads a sheet's XML) before the parts are read, so that
forked workers inherit it. A sheet part the fast XLSX reader gives up on, or parts whose row
numbers do not follow each other, make the whole file be read again in one piece (``FilePlan.whole``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from facts.aliases import norm, record_type_for
from facts.errors import Problem

from .csvfile import load_csv
from .packed import unpacked_problem
from .raw import RawTable, ReadResult, cell_value, too_big
from .shape import RECORD_TYPE_COLUMNS, read_grid
from .sheetxml import FastBook, Unsupported
from .xlsx import read_xlsx_with_openpyxl

MIN_PART_ROWS = 10_000  # a grid is split in parts of at least this many rows


@dataclass
class PartRead:
    """What reading one part gave."""

    tables: list[RawTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # of its rows
    shaped: list[Problem] = field(default_factory=list)  # of the headers: the same in every part of a grid
    ignored: list[str] = field(default_factory=list)
    span: tuple[int, int] | None = None  # the first and last row number read (sheet parts)
    unsupported: bool = False  # the fast XLSX reader gave up: the file is read whole

    @classmethod
    def of(cls, result: ReadResult) -> PartRead:
        return cls(tables=result.tables, problems=result.problems, ignored=result.ignored)


@dataclass
class FilePlan:
    """A file's parts; ``whole()`` reads it in one piece, the safe way, when the parts' reads
    cannot be put together."""

    name: str
    parts: list[Any]  # each has .sheet and .read() -> PartRead
    whole: Callable[[], PartRead]

    def combine(self, reads: list[PartRead]) -> PartRead | None:
        """The parts' reads as one read of the file; None when the file is to be read whole."""
        out = PartRead()
        previous: tuple[str | None, int] | None = None
        for part, read in zip(self.parts, reads):
            if read.unsupported:
                return None
            if read.span is not None:
                if previous is not None and previous[0] == part.sheet and read.span[0] <= previous[1]:
                    return None  # rows out of order across parts: the reader would have refused them
                previous = (part.sheet, read.span[1])
        for index, (part, read) in enumerate(zip(self.parts, reads)):
            out.tables += read.tables
            out.problems += read.problems
            last_of_sheet = index + 1 == len(self.parts) or self.parts[index + 1].sheet != part.sheet
            if last_of_sheet:  # what the sheet's headers gave, once, after its rows' problems
                said = [r.shaped for p, r in zip(self.parts, reads) if p.sheet == part.sheet]
                out.problems += _once(problem for shaped in said for problem in shaped)
        out.ignored = _once(name for read in reads for name in read.ignored)
        return out

    def read_here(self) -> PartRead:
        """Every part read in this process, put together (or the file read whole)."""
        return self.combine([part.read() for part in self.parts]) or self.whole()


def _once(items: Any) -> list:
    return list(dict.fromkeys(items))


class _Done:
    """A part already read (a file read in one piece, or one that could not be read)."""

    sheet = None

    def __init__(self, read: Callable[[], PartRead]):
        self._read = read

    def read(self) -> PartRead:
        return self._read()


def _whole(reader: Callable[[Path, str, ReadResult], None], path: Path, name: str) -> Callable[[], PartRead]:
    def read() -> PartRead:
        result = ReadResult()
        reader(path, name, result)
        return PartRead.of(result)
    return read


def plan_file(reader: Callable[[Path, str, ReadResult], None], kind: str, path: Path, name: str,
              parts: int) -> FilePlan:
    """The file in up to ``parts`` parts: CSV and XLSX grids in ranges of rows, else in one."""
    whole = _whole(reader if kind != "xlsx" else read_xlsx_with_openpyxl, path, name)
    if parts > 1 and kind == "csv":
        problems: list[Problem] = []
        grid = load_csv(path, name, problems)
        if grid is None:
            return FilePlan(name, [_Done(lambda: PartRead(problems=problems))], whole)
        header, default = grid[0] if grid else [], record_type_for(path.stem)
        ranges = _ranges(len(grid) - 1, parts) if _splittable(header, default) else [(0, len(grid) - 1)]
        return FilePlan(name, [_CsvPart(name, default, header, grid, a, b) for a, b in ranges], whole)
    if parts > 1 and kind == "xlsx":
        found = _sheet_parts(path, name, parts)
        if found is not None:
            return FilePlan(name, found, whole)
    return FilePlan(name, [_Done(_whole(reader, path, name))], whole)


def _splittable(header: list[Any], default_type: str | None) -> bool:
    """Every row is of the record type the file or sheet names (no record-type column), and the
    header is one every part reads alike (no cell too big: that is said once, for the file)."""
    return default_type is not None and not any(
        too_big(h) or (isinstance(h, str) and norm(h) in RECORD_TYPE_COLUMNS) for h in header)


def _ranges(rows: int, parts: int) -> list[tuple[int, int]]:
    """``rows`` in up to ``parts`` ranges of at least MIN_PART_ROWS rows (0-based, end excluded)."""
    count = max(1, min(parts, rows // MIN_PART_ROWS))
    bounds = [rows * i // count for i in range(count + 1)]
    return list(zip(bounds, bounds[1:]))


@dataclass
class _CsvPart:
    file: str
    default_type: str | None
    header: list[str]
    grid: list[list[str]]
    start: int  # 0-based record rows, end excluded
    end: int
    sheet = None

    def read(self) -> PartRead:
        result, shaped = ReadResult(), ReadResult()
        rows = enumerate(self.grid[1 + self.start:1 + self.end], start=2 + self.start)
        read_grid(self.file, None, self.default_type, self.header, rows, result, shaped)
        return PartRead(tables=shaped.tables, problems=result.problems, shaped=shaped.problems,
                        ignored=shaped.ignored)


def _sheet_parts(path: Path, name: str, parts: int) -> list[Any] | None:
    """The workbook's sheets in parts, read by the fast reader; None when it leaves the file to
    openpyxl (then the file is one part, whose reader also says what is too large)."""
    if unpacked_problem(path, name) is not None:
        return None
    book = FastBook.open(path)
    if book is None:
        return None
    try:
        by_file = record_type_for(path.stem)
        out: list[Any] = []
        for title, target in book.sheets:
            sheet = book.sheet(target)
            if sheet is None:
                return None
            data, begin, end, max_col, max_row = sheet
            header = book.first_row(data, begin, end, max_col, max_row)
            if header is None or header[0] != 1:
                raise Unsupported("no header row first")
            number, cells, after = header
            while cells and cell_value(cells[-1]) is None:
                cells.pop()
            if not cells:
                raise Unsupported("a blank header")  # openpyxl says whether values are under it
            default = record_type_for(title) or by_file
            starts = [after]
            if _splittable(cells, default):
                count = len(_ranges(_row_count(data, after, end), parts))
                for i in range(1, count):
                    cut = data.find(b"<row ", after + (end - after) * i // count, end)
                    if cut > starts[-1]:
                        starts.append(cut)
            bounds = starts + [end]
            out += [_SheetPart(book, name, title, default, cells, data, a, b, max_col, max_row, index == 0)
                    for index, (a, b) in enumerate(zip(bounds, bounds[1:]))]
        return out
    except Unsupported:
        return None
    finally:
        book.close()


def _row_count(data: bytes, begin: int, end: int) -> int:
    return data.count(b"<row ", begin, end)


@dataclass
class _SheetPart:
    book: FastBook
    file: str
    sheet: str
    default_type: str | None
    header: list[Any]
    data: bytes
    begin: int
    end: int
    max_col: int | None
    max_row: int | None
    first: bool  # the part right after the header row

    def read(self) -> PartRead:
        result, shaped = ReadResult(), ReadResult()
        span: list[int] = []
        try:
            rows = self.book.between(self.data, self.begin, self.end, self.max_col, self.max_row,
                                     last=1 if self.first else 0)
            read_grid(self.file, self.sheet, self.default_type, self.header,
                      FastBook.within(_spanned(rows, span), len(self.header)), result, shaped)
        except Unsupported:
            return PartRead(unsupported=True)
        return PartRead(tables=shaped.tables, problems=result.problems, shaped=shaped.problems,
                        ignored=shaped.ignored, span=(span[0], span[1]) if span else None)


def _spanned(rows: Iterator[tuple[int, Any]], span: list[int]) -> Iterator[tuple[int, Any]]:
    for number, cells in rows:
        if not span:
            span += [number, number]
        span[1] = number
        yield number, cells
