"""JSON (an array of records) and JSON Lines files."""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from facts.aliases import record_type_for
from facts.errors import Problem
from facts.records import Source

from .raw import ReadResult
from .shape import read_objects

# JSON: an array of records of values ([{"列名": 値}]); one level more is reported per value
# ("値は文字・数値にしてください"); anything deeper is refused before it is parsed.
MAX_JSON_DEPTH = 3
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]')


def read_json(path: Path, name: str, result: ReadResult) -> None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append(Problem(name, _CHARSET, message_en=_CHARSET_EN))
        return
    if (deep := _too_deep(text, MAX_JSON_DEPTH)) is not None:
        result.problems.append(Problem(str(Source(file=name, row=deep)), _DEEP, message_en=_DEEP_EN))
        return
    data = _loads(text, name, result)
    if data is _UNREADABLE:
        return
    if not isinstance(data, list):
        result.problems.append(Problem(name, "JSON は記録の配列 ([{...}, ...]) にしてください",
                                       message_en="make the JSON an array of records ([{...}, ...])"))
        return
    read_objects(name, record_type_for(path.stem), _characters(text, name, enumerate(data, start=1), result), result)


def read_jsonl(path: Path, name: str, result: ReadResult) -> None:
    try:
        text = path.read_text(encoding="utf-8-sig")
        lines = text.splitlines()
    except UnicodeDecodeError:
        result.problems.append(Problem(name, _CHARSET, message_en=_CHARSET_EN))
        return
    objects = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        if _too_deep(line, MAX_JSON_DEPTH - 1) is not None:
            result.problems.append(Problem(where, _DEEP, message_en=_DEEP_EN))
            continue
        item = _loads(line, where, result)
        if item is not _UNREADABLE:
            objects.append((number, item))
    read_objects(name, record_type_for(path.stem), _characters(text, name, objects, result), result)


def _characters(text: str, name: str, items: Iterable[tuple[int, Any]], result: ReadResult) -> Iterable[tuple[int, Any]]:
    """The records, but those whose keys or values hold a lone surrogate (``"\\ud800"``: JSON
    allows the escape, but it is no character, and UTF-8 cannot store it): a problem each. Only a
    file that writes such an escape at all is looked through."""
    if not _SURROGATE_ESCAPE.search(text):
        return items
    kept = []
    for number, item in items:
        found = {key: _LONE.findall(key) + (_LONE.findall(value) if isinstance(value, str) else [])
                 for key, value in item.items()} if isinstance(item, dict) else {}
        bad = {key: chars for key, chars in found.items() if chars}
        if not bad:
            kept.append((number, item))
        for key, chars in bad.items():
            codes = ", ".join(f"\\u{ord(c):04x}" for c in chars)
            result.problems.append(Problem(f"{name}:{number}", f"文字ではないもの（対になっていないサロゲート {codes}）が"
                                           "あります。UTF-8 の文字で書いてください", column=_LONE.sub("?", key),
                                           message_en=f"something that is no character (a lone surrogate {codes}): "
                                                      "write characters of UTF-8"))
    return kept


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE = re.compile("[\ud800-\udfff]")
_UNREADABLE = object()
_DEEP = "JSON の入れ子が深すぎます (記録は {\"列名\": 値, ...} の形にし、値は文字か数値にしてください)"
_DEEP_EN = "JSON nested too deep (write each record as {\"column\": value, ...}, each value text or a number)"
_CHARSET = "文字コードを読めません (UTF-8 で保存してください)"
_CHARSET_EN = "cannot read its characters (save it as UTF-8)"


class WrittenNumber(float):
    """A JSON number too large for a float (``1e400``: inf), told as the file writes it: the
    row's problem says ``'1e400'``, not ``'inf'``."""

    text: str

    def __new__(cls, text: str) -> WrittenNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple:  # pickled back from a worker as written
        return WrittenNumber, (self.text,)


def _number(text: str) -> float:
    number = float(text)
    return number if math.isfinite(number) else WrittenNumber(text)


class Repeated(dict):
    """A JSON object that writes a key more than once (``{"staff_id": "A1", "staff_id": "A2"}``):
    json keeps the last value without a word; this keeps which keys, and how often, to refuse it."""

    repeated: dict[str, int]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) < len(pairs):
        record = Repeated(record)
        record.repeated = {key: n for key, n in Counter(key for key, _ in pairs).items() if n > 1}
    return record


# One decoder for every line: json.loads with arguments builds a new one per call (half its time).
_DECODER = json.JSONDecoder(parse_float=_number, object_pairs_hook=_object)


def _loads(text: str, where: str, result: ReadResult) -> Any:
    """``json.loads``; what it cannot read becomes a problem at ``where`` (never an exception)."""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        result.problems.append(Problem(where, f"JSON として読めません ({exc.msg}: {exc.lineno}行 {exc.colno}文字目)",
                                       message_en=f"cannot read it as JSON ({exc.msg}: line {exc.lineno}, "
                                                  f"character {exc.colno})"))
    except ValueError:  # an integer of more than 4300 digits
        result.problems.append(Problem(where, "JSON として読めません (桁の多すぎる数があります)",
                                       message_en="cannot read it as JSON (a number of too many digits)"))
    except RecursionError:  # _too_deep prevents it; a guard all the same
        result.problems.append(Problem(where, _DEEP, message_en=_DEEP_EN))
    return _UNREADABLE


def _too_deep(text: str, max_depth: int) -> int | None:
    """None when no array or object in ``text`` nests deeper than ``max_depth``; else the
    element of the top-level array (from 1) where it does. Strings are skipped, not parsed."""
    if text.count("{") + text.count("[") <= max_depth:  # a JSON Lines record: no deeper than its brackets
        return None
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
