"""The review's results as a clerk files them: the CSV of ``review --format csv`` and what the
workbook (engine/workbook.py) and the report (engine/report/) share: the people's actions in
words, the 職級 of the year's roster, whether a decision lacks records, and the guard that keeps a
spreadsheet from reading a cell as a formula.

CSV (../shared/spec/cli.md): UTF-8 with a BOM (Excel opens it as Japanese), Japanese headers and
values by default (``lang="en"``: the English column names and the outcome ids of before), one row
per decision, the reviewer's override and the revocation in their own columns at the end. A cell
that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheets
strip before reading it) is written with a leading ``'``: text, never a formula.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Iterator

from engine import render, summary
from engine.model import Decision

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_HEADERS: dict[str, tuple[str, ...]] = {
    "ja": ("職員番号", "氏名", "所属", "認定区分ID", "認定区分", "結果", "未充足の条件", "上書き", "取消"),
    "en": ("staff_id", "staff_name", "department", "certification", "label", "outcome", "summary", "override",
           "revoked"),
}

GRADE_WORDS = {
    "ja": {"staff": "一般職員", "supervisor": "係長級", "manager": "課長級", "executive": "部長級"},
    "en": {"staff": "staff", "supervisor": "supervisor", "manager": "manager", "executive": "executive"},
}


def as_text(value: Any) -> str:
    """A value written where a spreadsheet may read it: never as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def override_text(decision: Decision, lang: str = "ja") -> str:
    """「認定（佐藤、2025-06-01 10:00；理由: …）」: the reviewer's decision beside the engine's."""
    o = decision.override
    if not o:
        return ""
    at = str(o.get("at", ""))[:16].replace("T", " ")
    word = render.outcome_word(o.get("outcome", ""), lang)
    if lang == "en":
        return f"{word} ({o.get('by', '')}, {at}; reason: {o.get('reason', '')})"
    return f"{word}（{o.get('by', '')}、{at}；理由: {o.get('reason', '')}）"


def revoked_text(decision: Decision, lang: str = "ja") -> str:
    """「2025-10-01 付け（佐藤；根拠: …）」: when and why a granted certification was ended."""
    r = decision.revoked
    if not r:
        return ""
    if lang == "en":
        return f"from {r.get('date', '')} ({r.get('by', '')}; grounds: {r.get('reason', '')})"
    return f"{r.get('date', '')} 付け（{r.get('by', '')}；根拠: {r.get('reason', '')}）"


def records_missing(decision: Decision) -> bool:
    """Not certified, and some way to qualify lacks records rather than merit (engine/summary.py
    keeps the two apart): complete records might change the outcome."""
    if decision.outcome != "not_certified":
        return False
    return any(_missing(item) for item in summary.summary_items(decision, "ja"))


def _missing(item: summary.Item) -> bool:
    if isinstance(item, summary.Gap):
        return item.missing
    if isinstance(item, summary.Group):
        return any(map(_missing, item.items))
    return any(_missing(i) for option in item.options for i in option)


def grade_word(grade: str | None, lang: str = "ja") -> str:
    return GRADE_WORDS[lang].get(grade or "", grade or "")


def staff_grades(db, fiscal_year: int) -> dict[str, str]:
    """職級 (canonical id) of each staff member on the year's roster, read from the stored facts."""
    import orjson
    from sqlmodel import Session, select

    from facts.tables import FactRow

    out: dict[str, str] = {}
    with Session(db) as session:
        rows = session.exec(select(FactRow.staff_id, FactRow.data).where(
            FactRow.record_type == "staff", FactRow.fiscal_year == fiscal_year))
        for staff_id, data in rows:
            try:
                out[staff_id] = orjson.loads(data).get("grade") or ""
            except orjson.JSONDecodeError:  # a stored row no review could read: no grade shown
                out[staff_id] = ""
    return out


def csv_row(decision: Decision, lang: str = "ja") -> tuple[str, ...]:
    outcome = render.outcome_word(decision.outcome, lang) if lang == "ja" else decision.outcome
    return tuple(as_text(v) for v in (
        decision.staff_id, decision.staff_name, decision.department, decision.certification,
        render.decision_label(decision, lang), outcome, render.decision_summary(decision, lang),
        override_text(decision, lang), revoked_text(decision, lang)))


def decisions_csv(decisions: Iterable[Decision], lang: str = "ja") -> Iterator[str]:
    """The review's CSV piece by piece (a large review is written as it is rendered): the BOM and
    the header first, then a line per decision."""
    if lang not in CSV_HEADERS:
        raise ValueError(f"unknown language {lang!r} (ja or en)")
    return csv_lines(CSV_HEADERS[lang], (csv_row(d, lang) for d in decisions))


def csv_lines(headers: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """A CSV as a clerk opens it, piece by piece: the BOM and the header, then a line per row
    (its cells already guarded with ``as_text``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    yield BOM + buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow(row)
        yield buf.getvalue()
