"""The report as a workbook: 目標と実績, 年度別の集計, 所属別, 審査結果 (a row per person, as
``review --format xlsx`` writes it) and a sheet per view of the plan (engine/report/views.py).
Numbers are numbers; every header row is frozen and filtered (engine/workbook.add_sheet)."""
from __future__ import annotations

import re
from pathlib import Path

from engine.report.data import Report
from engine.report.rows import count_rows, department_rows, target_rows
from engine.report.words import w
from engine.workbook import WORDS, add_sheet, by_staff, new_workbook, results_headers, results_row, save


def _title(text: str, used: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "・", text)[:31]
    name, n = base, 2
    while name in used:
        name = f"{base[:28]}({n})"
        n += 1
    used.add(name)
    return name


def write_xlsx(report: Report, grades: dict[str, str], out: Path) -> None:
    lang = report.lang
    wb = new_workbook()
    used: set[str] = set()
    head, rows = target_rows(report)
    add_sheet(wb, _title(w(lang, "targets_heading"), used), head, rows, _year_widths([8, 12, 30, 10, 10, 12, 22], lang))
    head, rows = count_rows(report)
    add_sheet(wb, _title(w(lang, "counts_heading"), used), head, rows, _year_widths([8, 12, 30, 10, 10, 10, 14, 8], lang))
    head, rows = department_rows(report)
    add_sheet(wb, _title(w(lang, "departments_sheet"), used), head, rows, [28, 30, 10, 10, 10, 14, 8])
    certs = report.certifications
    n = len(certs)
    head = results_headers(certs, lang)
    people = (results_row(g, certs, grades, lang) for g in by_staff(report.decisions))
    widths = [10, 14, 24, 10, 8, 12] + [14, 40] * n + [16, 30, 30]
    wrap = [6 + 2 * i + 1 for i in range(n)] + [6 + 2 * n, 7 + 2 * n, 8 + 2 * n]
    if lang == "en":  # the review's workbook keeps 和暦 beside the year; the English report does not
        wareki = head.index(WORDS[lang]["wareki"])
        head, widths = _without(head, wareki), _without(widths, wareki)
        people = (_without(row, wareki) for row in people)
        wrap = [i - 1 for i in wrap]
    add_sheet(wb, _title(w(lang, "results_sheet"), used), head, people, widths, wrap)
    for view in report.views:
        widths = [max(8, min(40, max([len(str(h)) * 2] + [len(str(r[i])) for r in view.rows[:200]])))
                  for i, h in enumerate(view.headers)]
        add_sheet(wb, _title(view.title, used), view.headers, view.rows, widths, list(range(len(view.headers))))
    save(wb, out)


def _without(items: list, index: int) -> list:
    return items[:index] + items[index + 1:]


def _year_widths(widths: list[int], lang: str) -> list[int]:
    """Widths of a sheet that begins with 年度, 年度（和暦）: English has no 和暦 column."""
    return widths if lang == "ja" else widths[:1] + widths[2:]
