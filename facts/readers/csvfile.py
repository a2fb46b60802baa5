"""CSV files: UTF-8 (with or without BOM), else CP932/Shift_JIS."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from facts.aliases import record_type_for
from facts.errors import Problem

from .raw import ReadResult
from .shape import read_grid


def read_csv(path: Path, name: str, result: ReadResult) -> None:
    grid = load_csv(path, name, result.problems)
    if grid is not None:
        read_grid(name, None, record_type_for(path.stem), grid[0] if grid else [], enumerate(grid[1:], start=2),
                  result)


def load_csv(path: Path, name: str, problems: list[Problem]) -> list[list[str]] | None:
    """The file's rows of cells (row 1 first), or None with what makes it unreadable told."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.append(Problem(name, "文字コードを読めません (UTF-8 か Shift_JIS/CP932 で保存してください)"))
        return None
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # cells over 1 MiB are reported per row below
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problems.append(Problem(name, f"CSV として読めません ({exc})"))
        return None
    finally:
        csv.field_size_limit(limit)
