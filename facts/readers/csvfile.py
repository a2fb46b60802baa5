"""Delimited text: CSV and tab-separated text (``.tsv``, ``.txt``: what Excel saves as
「テキスト (タブ区切り)」 and 「Unicode テキスト」), in the encodings of facts/readers/encoding.py."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from facts.aliases import record_type_for
from facts.errors import Problem

from .encoding import UNREADABLE, UNREADABLE_EN, decode
from .raw import ReadResult
from .shape import read_grid

TAB_SUFFIXES = {".tsv", ".txt", ".tab"}


def read_csv(path: Path, name: str, result: ReadResult) -> None:
    grid = load_csv(path, name, result.problems)
    if grid is not None:
        read_grid(name, None, record_type_for(path.stem), grid[0] if grid else [], enumerate(grid[1:], start=2),
                  result)


def load_csv(path: Path, name: str, problems: list[Problem]) -> list[list[str]] | None:
    """The file's rows of cells (row 1 first), or None with what makes it unreadable told."""
    return parse_text(path.read_bytes(), path.suffix, name, problems)


def parse_text(raw: bytes, suffix: str, name: str, problems: list[Problem]) -> list[list[str]] | None:
    text = decode(raw)
    if text is None:
        problems.append(Problem(name, UNREADABLE, message_en=UNREADABLE_EN))
        return None
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # cells over 1 MiB are reported per row below
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text, suffix)))
    except csv.Error as exc:
        problems.append(Problem(name, f"CSV として読めません ({exc})", message_en=f"cannot read it as CSV ({exc})"))
        return None
    finally:
        csv.field_size_limit(limit)


def delimiter(text: str, suffix: str) -> str:
    """A tab for tab-separated text: a ``.tsv``/``.txt`` file whose header has a tab, or any file
    whose header has tabs and no comma; else a comma."""
    header = text[:1 << 16].split("\n", 1)[0]
    if "\t" in header and (suffix.lower() in TAB_SUFFIXES or "," not in header):
        return "\t"
    return ","
