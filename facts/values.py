"""The value types of fact fields: text, ids, fiscal years, dates, scores and canonical names, each
a pydantic ``BeforeValidator`` whose errors are one-line Japanese sentences."""
from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from facts.aliases import canonical, clean
from facts.dates import check_finite, parse_date, parse_fiscal_year
from facts.errors import Worded

SCORE_MIN = 1.0
SCORE_MAX = 5.0


# --- value types ----------------------------------------------------------------------------

def _text(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return value


text_value = _text  # a raw cell as the text fields store it (never raises: also for raw rows)


def _checked_text(value: Any) -> Any:
    """A text field's value: a number written in its place must be finite (JSON ``NaN``, an XLSX
    cell holding ``inf``...); ``true``/``false`` are not text."""
    if isinstance(value, bool):
        raise Worded(f"'{str(value).lower()}' は文字ではありません (真偽値は使えません)",
                     f"'{str(value).lower()}' is not text (true/false cannot be used)")
    check_finite(value)
    return _text(value)


def _id(value: Any) -> Any:
    """An id: text, or a whole number (``1001``, ``1001.0``); ``12.5`` is not an id."""
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        raise Worded(f"{value!r} は番号として使えません (整数ではない数値です。番号は文字か整数で書いてください)",
                     f"{value!r} cannot be used as an id (not a whole number: write ids as text or whole numbers)")
    return _checked_text(value)


def _score(value: Any) -> float:
    if isinstance(value, bool):
        raise Worded(f"'{value}' は数値ではありません", f"'{value}' is not a number")
    if isinstance(value, str):
        text = clean(value)
        try:
            value = float(text)
        except ValueError:
            raise Worded(f"'{text}' は数値ではありません", f"'{text}' is not a number") from None
        if not math.isfinite(value):  # 'nan', 'inf', 'Infinity', '1e999'
            raise Worded(f"'{text}' は有限の数値ではありません (nan や inf は使えません)",
                         f"'{text}' is not a finite number (nan and inf cannot be used)")
    if not isinstance(value, (int, float)):
        raise Worded(f"'{value}' は数値ではありません", f"'{value}' is not a number")
    check_finite(value)
    try:
        number = float(value)
    except OverflowError:  # a JSON integer of hundreds of digits
        digits = f"{'-' if value < 0 else ''}{len(str(abs(value)))}"
        raise Worded(f"{digits} 桁の数は評価点の範囲 {SCORE_MIN}-{SCORE_MAX} の外です",
                     f"a number of {digits} digits is outside the range of scores {SCORE_MIN}-{SCORE_MAX}") from None
    if number > SCORE_MAX:
        raise Worded(f"{number:g} は上限 {SCORE_MAX} を超えています", f"{number:g} is above the maximum {SCORE_MAX}")
    if number < SCORE_MIN:
        raise Worded(f"{number:g} は下限 {SCORE_MIN} を下回っています", f"{number:g} is below the minimum {SCORE_MIN}")
    return number


def _canonical(kind: str):
    def check(value: Any) -> Any:
        value = _checked_text(value)
        return canonical(kind, value) if isinstance(value, str) else value

    return BeforeValidator(check)


Text = Annotated[str, BeforeValidator(_checked_text)]
Id = Annotated[str, BeforeValidator(_id)]  # staff, project, evaluator, course... ids
FiscalYear = Annotated[int, BeforeValidator(parse_fiscal_year)]
Day = Annotated[date, BeforeValidator(parse_date)]
Score = Annotated[float, BeforeValidator(_score)]


def Canonical(kind: str) -> Any:  # noqa: N802 - a type factory
    return Annotated[str, _canonical(kind)]


def missing(column: str, why: str, why_en: str) -> PydanticCustomError:
    """A value a row needs (given its other values); ``why_en``: the reason in English."""
    return PydanticCustomError("nintei_missing", "値がありません ({why})", {"column": column, "why": why,
                                                                          "why_en": why_en})
