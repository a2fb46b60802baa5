"""Dates and fiscal years as Japanese municipal records write them.

A fiscal year (年度) runs from April 1 to March 31 and is named by the calendar year it starts in:
FY 2025 is 2025-04-01..2026-03-31. Years may be given as 和暦 (令和7年度, R7, 平成31年度); 平成31年度
and 令和元年度 are the same fiscal year, 2019.

Every parser raises ``ValueError`` (``facts.errors.Worded``) with a one-line message in Japanese
and in English; the importer turns it into a located problem.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta

from japanera import ERA_DATA_GENERAL

from facts.errors import Worded

# The eras of modern Japan, with the day each began and the day after it ended, from japanera's
# table (a well-kept one: it knows that 平成 ended on 2019-04-30 and 昭和 on 1989-01-07).
_MODERN = ("明治", "大正", "昭和", "平成", "令和")
ERAS: dict[str, tuple[date, date | None]] = {
    era.kanji: (era.since, era.until) for era in ERA_DATA_GENERAL if era.kanji in _MODERN}
_ERA_LETTERS = {next(e.english for e in ERA_DATA_GENERAL if e.kanji == k)[0]: k for k in _MODERN}  # M T S H R
_ERA = rf"({'|'.join(_MODERN)}|[{''.join(_ERA_LETTERS)}{''.join(_ERA_LETTERS).lower()}])"
_NUM = r"(元|\d{1,2})"
ERA_EN = {e.kanji: e.english_vowel_shortened for e in ERA_DATA_GENERAL if e.kanji in _MODERN}  # Showa, Reiwa
_LETTER = {kanji: letter for letter, kanji in _ERA_LETTERS.items()}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_KANJI = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_WAREKI = re.compile(rf"^{_ERA}\s*{_NUM}\s*(?:年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日|[-/.](\d{{1,2}})[-/.](\d{{1,2}}))$")
_FY_WESTERN = re.compile(r"^(\d{4})(?:年度|年)?$")
_FY_WAREKI = re.compile(rf"^{_ERA}\s*{_NUM}\s*(?:年度|年)?$")

DATE_EXAMPLES = "2025-06-30, 2025/6/30, 令和7年6月30日, R7.6.30"
YEAR_EXAMPLES = "2025, R7, 令和7, 令和7年度"
DATE_EXAMPLES_EN = "2025-06-30, 2025/6/30, R7.6.30"
YEAR_EXAMPLES_EN = "2025, R7"


def check_finite(value: object) -> None:
    """A number must be finite: ``nan``, ``inf`` (JSON ``NaN``/``Infinity``, a float cell) never are."""
    if isinstance(value, float) and not math.isfinite(value):
        raise Worded(f"'{value}' は有限の数値ではありません (nan や inf は使えません)",
                     f"'{value}' is not a finite number (nan and inf cannot be used)")


def _text(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _era(name: str) -> str:
    return _ERA_LETTERS.get(name.upper(), name)


def _era_year(era_name: str, number: str) -> tuple[str, int]:
    """The era's name and the calendar year of its year ``number`` (元 is 1)."""
    era = _era(era_name)
    n = 1 if number == "元" else int(number)
    if n < 1:
        raise Worded(f"{era}{number}年はありません", f"there is no year {number} of the {ERA_EN[era]} era")
    return era, ERAS[era][0].year + n - 1


def _era_of(day: date) -> str:
    """The era in effect on ``day`` (the last one before it, for a day past every era's end)."""
    return next((era for era, (since, until) in reversed(ERAS.items()) if since <= day), _MODERN[0])


def _number(n: int) -> str:
    return "元" if n == 1 else str(n)


def wareki_date(day: date) -> str:
    """``date(2019, 5, 1)`` -> ``"令和元年5月1日"``: the 和暦 form of a date."""
    era = _era_of(day)
    return f"{era}{_number(day.year - ERAS[era][0].year + 1)}年{day.month}月{day.day}日"


def wareki_short(day: date) -> str:
    """``date(2020, 4, 1)`` -> ``"R2.4.1"``: the 和暦 form of a date in letters, as the files may write it."""
    era = _era_of(day)
    return f"{_LETTER[era]}{day.year - ERAS[era][0].year + 1}.{day.month}.{day.day}"


def _check_era(text: str, era: str, day: date) -> None:
    """A 和暦 date must fall within its era: 平成31年5月1日 and 昭和64年1月10日 were never written."""
    since, until = ERAS[era]
    meant = f"did you mean {wareki_short(day)}, i.e. {day.isoformat()}?"
    if day < since:
        raise Worded(f"'{text}' は{era}の始まり ({since.isoformat()}) より前の日付です"
                     f"（{wareki_date(day)} のことですか？）",
                     f"'{text}' is before the start of the {ERA_EN[era]} era ({since.isoformat()}) ({meant})")
    if until is not None and day >= until:
        last = until - timedelta(days=1)
        raise Worded(f"'{text}' は{era}の終わり ({last.isoformat()}) より後の日付です"
                     f"（{wareki_date(day)} のことですか？）",
                     f"'{text}' is after the end of the {ERA_EN[era]} era ({last.isoformat()}) ({meant})")


def _make_date(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Worded(f"'{text}' はありえない日付です", f"'{text}' is not a date that exists") from None


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
        era, year = _era_year(m[1], m[2])
        month, day = (m[3], m[4]) if m[3] else (m[5], m[6])
        result = _make_date(text, year, int(month), int(day))
        _check_era(text, era, result)
        return result
    raise Worded(f"'{text}' は日付として読めません (例: {DATE_EXAMPLES})",
                 f"'{text}' cannot be read as a date (e.g. {DATE_EXAMPLES_EN})")


def parse_fiscal_year(value: object) -> int:
    """A fiscal year from ``2025``, ``"2025"``, ``R7``, ``令和7``, ``令和7年度``, ``平成31年度``..."""
    if isinstance(value, bool):
        raise Worded(f"'{value}' は年度として読めません (例: {YEAR_EXAMPLES})",
                     f"'{value}' cannot be read as a fiscal year (e.g. {YEAR_EXAMPLES_EN})")
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
            era, year = _era_year(m[1], m[2])
            _check_era_year(text, era, year)
        else:
            raise Worded(f"'{text}' は年度として読めません (例: {YEAR_EXAMPLES})",
                         f"'{text}' cannot be read as a fiscal year (e.g. {YEAR_EXAMPLES_EN})")
    if not 1900 <= year <= 2200:
        raise Worded(f"{year} は年度としてありえません", f"{year} cannot be a fiscal year")
    return year


def _check_era_year(text: str, era: str, year: int) -> None:
    """A 和暦 fiscal year must share a day with its era: 平成31年度 (April 2019, still 平成) and
    令和元年度 are fiscal year 2019; 平成32年度 and 昭和64年度 never began."""
    since, until = ERAS[era]
    suggestion = f"（{wareki_year(year)} のことですか？）"
    start = date(year, 4, 1)
    named = _fiscal_year_era(year)
    meant = f" (did you mean {_LETTER[named]}{year - ERAS[named][0].year + 1}, i.e. FY{year}?)"
    if until is not None and until <= start:
        last = (until - timedelta(days=1)).isoformat()
        raise Worded(f"'{text}' はありません: {era}は {last} までです{suggestion}",
                     f"'{text}' does not exist: the {ERA_EN[era]} era ended on {last}{meant}")
    if since > fiscal_year_end(year):
        raise Worded(f"'{text}' はありません: {era}は {since.isoformat()} からです{suggestion}",
                     f"'{text}' does not exist: the {ERA_EN[era]} era began on {since.isoformat()}{meant}")


def fiscal_year_of(day: date) -> int:
    """The fiscal year a date falls in: April–March, named by the April's year."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_end(year: int) -> date:
    """The last day of fiscal year ``year`` (March 31 of the next calendar year)."""
    return date(year + 1, 3, 31)


def wareki_year(year: int) -> str:
    """``2025`` -> ``"令和7年度"``; ``2019`` -> ``"令和元年度"``; ``2018`` -> ``"平成30年度"``: the era
    that began in or before the fiscal year's calendar year."""
    era = _fiscal_year_era(year)
    return f"{era}{_number(year - ERAS[era][0].year + 1)}年度"


def wareki_year_en(year: int) -> str:
    """``2025`` -> ``"Reiwa 7"``; ``2019`` -> ``"Reiwa 1"``: the fiscal year's 和暦 in English."""
    era = _fiscal_year_era(year)
    return f"{ERA_EN[era]} {year - ERAS[era][0].year + 1}"


def _fiscal_year_era(year: int) -> str:
    """The era a fiscal year is named in: the one that began in or before its calendar year."""
    return next((e for e, (since, _) in reversed(ERAS.items()) if since.year <= year), _MODERN[0])


wareki = wareki_year  # the name docs/architecture.md uses
