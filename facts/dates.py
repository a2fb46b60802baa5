"""Dates and fiscal years as Japanese municipal records write them.

A fiscal year (年度) runs from April 1 to March 31 and is named by the calendar year it starts in:
FY 2025 is 2025-04-01..2026-03-31. Years may be given as 和暦 (令和7年度, R7, 平成31年度); 平成31年度
and 令和元年度 are the same fiscal year, 2019.

Every parser raises ``ValueError`` with a one-line Japanese message; the importer turns it into a
located problem.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime

# era name -> (first calendar year, first day)
ERAS: dict[str, tuple[int, date]] = {
    "昭和": (1926, date(1926, 12, 25)),
    "平成": (1989, date(1989, 1, 8)),
    "令和": (2019, date(2019, 5, 1)),
}
_ERA_LETTERS = {"S": "昭和", "H": "平成", "R": "令和"}
_ERA = r"(昭和|平成|令和|[SHRshr])"
_NUM = r"(元|\d{1,2})"

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_KANJI = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_WAREKI = re.compile(rf"^{_ERA}\s*{_NUM}\s*(?:年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日|[-/.](\d{{1,2}})[-/.](\d{{1,2}}))$")
_FY_WESTERN = re.compile(r"^(\d{4})(?:年度|年)?$")
_FY_WAREKI = re.compile(rf"^{_ERA}\s*{_NUM}\s*(?:年度|年)?$")

DATE_EXAMPLES = "2025-06-30, 2025/6/30, 令和7年6月30日, R7.6.30"
YEAR_EXAMPLES = "2025, R7, 令和7, 令和7年度"


def check_finite(value: object) -> None:
    """A number must be finite: ``nan``, ``inf`` (JSON ``NaN``/``Infinity``, a float cell) never are."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"'{value}' は有限の数値ではありません (nan や inf は使えません)")


def _text(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _era(name: str) -> tuple[str, int, date]:
    era = _ERA_LETTERS.get(name.upper(), name)
    first_year, first_day = ERAS[era]
    return era, first_year, first_day


def _era_year(era_name: str, number: str) -> tuple[str, int, date]:
    era, first_year, first_day = _era(era_name)
    n = 1 if number == "元" else int(number)
    if n < 1:
        raise ValueError(f"{era}{number}年はありません")
    return era, first_year + n - 1, first_day


def _make_date(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' はありえない日付です") from None


def parse_date(value: object) -> date:
    """A date from ISO, ``2025/6/30``, ``2025年6月30日``, 和暦 or an Excel date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    check_finite(value)
    text = _text(value)
    if m := _ISO.match(text) or _KANJI.match(text):
        return _make_date(text, int(m[1]), int(m[2]), int(m[3]))
    if m := _WAREKI.match(text):
        era, year, first_day = _era_year(m[1], m[2])
        month, day = (m[3], m[4]) if m[3] else (m[5], m[6])
        result = _make_date(text, year, int(month), int(day))
        if result < first_day:
            raise ValueError(f"'{text}' は{era}の始まり ({first_day.isoformat()}) より前です")
        return result
    raise ValueError(f"'{text}' は日付として読めません (例: {DATE_EXAMPLES})")


def parse_fiscal_year(value: object) -> int:
    """A fiscal year from ``2025``, ``"2025"``, ``R7``, ``令和7``, ``令和7年度``, ``平成31年度``..."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' は年度として読めません (例: {YEAR_EXAMPLES})")
    check_finite(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        year = value
    else:
        text = _text(value)
        if m := _FY_WESTERN.match(text):
            year = int(m[1])
        elif m := _FY_WAREKI.match(text):
            year = _era_year(m[1], m[2])[1]
        else:
            raise ValueError(f"'{text}' は年度として読めません (例: {YEAR_EXAMPLES})")
    if not 1900 <= year <= 2200:
        raise ValueError(f"{year} は年度としてありえません")
    return year


def fiscal_year_of(day: date) -> int:
    """The fiscal year a date falls in: April–March, named by the April's year."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_end(year: int) -> date:
    """The last day of fiscal year ``year`` (March 31 of the next calendar year)."""
    return date(year + 1, 3, 31)


def wareki_year(year: int) -> str:
    """``2025`` -> ``"令和7年度"``; ``2019`` -> ``"令和元年度"``; ``2018`` -> ``"平成30年度"``."""
    if year >= 2019:
        era, first = "令和", 2019
    elif year >= 1989:
        era, first = "平成", 1989
    else:
        era, first = "昭和", 1926
    n = year - first + 1
    return f"{era}{'元' if n == 1 else n}年度"


wareki = wareki_year  # the name docs/architecture.md uses
