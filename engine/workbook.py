"""The review as an Excel workbook (``review --format xlsx``, ``--out 結果.xlsx``), with openpyxl.

Sheet 「審査結果」: one row per staff member on the year's roster: 職員番号, 氏名, 所属, 職級, the
fiscal year (西暦, a number) and in 和暦, then for each certification of the policy its outcome in
Japanese and what is unmet with its figures (engine/summary.py: 「メンバー評価 3.33 < 3.50（0.17
不足）」, alternatives 「いずれか」), a column saying whether records are missing, and the people's
actions in their own columns (上書き, 取消). The header row is frozen and filtered; it is printed
on every page (A4 landscape). Sheet 「集計」: the counts per certification, numbers as numbers.

Every cell that holds text is written as a string cell, whatever it begins with: a name
``=HYPERLINK(...)`` shows as that text and is never a formula (openpyxl would otherwise store a
text beginning with ``=`` as one). A control character that XML cannot hold (an escape sequence
in a name: ``\\x1b``) is written out as such (facts/shown.py); the rest of the text is kept. Rows
are streamed (openpyxl's write-only mode): a review of 100,000 staff is written without holding
its decisions in memory.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from engine import render
from engine.errors import NinteiError
from engine.model import OUTCOMES, Decision
from engine.results import grade_word, override_text, records_missing, revoked_text
from facts.dates import wareki_year
from facts.shown import in_xml

WORDS = {
    "ja": {"results": "審査結果", "counts": "集計", "staff_id": "職員番号", "name": "氏名", "department": "所属",
           "grade": "職級", "year": "年度", "wareki": "年度（和暦）", "unmet": "{} 未充足の条件",
           "missing": "記録不足", "override": "上書き", "revoked": "取消", "certification": "認定区分",
           "missing_count": "うち記録不足", "total": "計", "yes": "あり"},
    "en": {"results": "Results", "counts": "Counts", "staff_id": "Staff ID", "name": "Name",
           "department": "Department", "grade": "Grade", "year": "Fiscal year", "wareki": "Fiscal year (和暦)",
           "unmet": "{}: unmet", "missing": "Records missing", "override": "Override", "revoked": "Revoked",
           "certification": "Certification", "missing_count": "of which records missing", "total": "Total",
           "yes": "yes"},
}


def by_staff(decisions: Iterable[Decision]) -> Iterator[list[Decision]]:
    """The decisions of one staff member at a time (they are stored together, roster order)."""
    group: list[Decision] = []
    for d in decisions:
        if group and d.staff_id != group[0].staff_id:
            yield group
            group = []
        group.append(d)
    if group:
        yield group


def _outcome(d: Decision, lang: str) -> str:
    return render.outcome_word(d.outcome, lang)


def results_headers(certifications: Sequence[tuple[str, str]], lang: str = "ja") -> list[str]:
    w = WORDS[lang]
    head = [w["staff_id"], w["name"], w["department"], w["grade"], w["year"], w["wareki"]]
    for _cid, label in certifications:
        head += [label, w["unmet"].format(label)]
    return head + [w["missing"], w["override"], w["revoked"]]


def results_row(group: list[Decision], certifications: Sequence[tuple[str, str]], grades: dict[str, str],
                lang: str = "ja") -> list:
    """One staff member's row under results_headers()."""
    w = WORDS[lang]
    first = group[0]
    by_cert = {d.certification: d for d in group}
    row: list = [first.staff_id, first.staff_name, first.department,
                 grade_word(grades.get(first.staff_id), lang), first.fiscal_year, wareki_year(first.fiscal_year)]
    for cid, _label in certifications:
        d = by_cert.get(cid)
        row += [_outcome(d, lang), render.decision_summary(d, lang)] if d else ["", ""]
    sep = "\n"
    label = lambda d: render.decision_label(d, lang)  # noqa: E731
    row.append(sep.join(label(d) for d in group if records_missing(d)))
    row.append(sep.join(f"{label(d)}: {override_text(d, lang)}" for d in group if d.override))
    row.append(sep.join(f"{label(d)}: {revoked_text(d, lang)}" for d in group if d.revoked))
    return row


def counts_rows(tally: dict[str, dict[str, int]], labels: dict[str, str], fiscal_year: int,
                lang: str = "ja") -> tuple[list[str], list[list]]:
    """The 集計 sheet: per certification, the count of each outcome, records missing, the total."""
    w = WORDS[lang]
    head = [w["year"], w["wareki"], w["certification"], *(render.outcome_word(o, lang) for o in OUTCOMES),
            w["missing_count"], w["total"]]
    rows = [[fiscal_year, wareki_year(fiscal_year), labels[c], *(t[o] for o in OUTCOMES), t["missing"],
             sum(t[o] for o in OUTCOMES)] for c, t in tally.items()]
    return head, rows


# --- writing ------------------------------------------------------------------------------------

def new_workbook():
    from openpyxl import Workbook

    return Workbook(write_only=True)


def add_sheet(wb, title: str, headers: list[str], rows: Iterable[list], widths: Sequence[int] = (),
              wrap: Sequence[int] = ()):
    """A sheet with a bold, frozen, filtered header row printed on every page; ``wrap``: the
    0-based columns whose text wraps."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    header = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=in_xml(h))
        cell.font, cell.fill = bold, fill
        header.append(cell)
    ws.append(header)
    wrapped = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    count = 1
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cell = WriteOnlyCell(ws, value=in_xml(value) if isinstance(value, str) else value)
            cell.alignment = wrapped if i in wrap else top
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it begins with "="
            elif isinstance(value, int) and not isinstance(value, bool):
                cell.number_format = "0"
            cells.append(cell)
        ws.append(cells)
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(headers)))}{count}"
    return ws


def save(wb, out: Path) -> None:
    """Saved beside ``out`` and moved into place: a failure never leaves half a workbook."""
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=".nintei-", suffix=".xlsx", dir=out.parent or ".")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    except OSError as err:
        raise NinteiError(f"{out} に書き出せません: {err.strerror or err}")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def review_workbook(decisions: Iterable[Decision], certifications: Sequence[tuple[str, str]],
                    grades: dict[str, str], fiscal_year: int, out: Path, lang: str = "ja") -> dict[str, dict[str, int]]:
    """Writes the review's workbook to ``out``; returns the tally per certification (outcome
    counts and ``missing``) it wrote on 「集計」."""
    w = WORDS[lang]
    labels = dict(certifications)
    tally: dict[str, dict[str, int]] = {c: {**{o: 0 for o in OUTCOMES}, "missing": 0} for c in labels}

    def rows():
        for group in by_staff(decisions):
            for d in group:
                t = tally.setdefault(d.certification, {**{o: 0 for o in OUTCOMES}, "missing": 0})
                labels.setdefault(d.certification, render.decision_label(d, lang))
                t[d.outcome] += 1
                t["missing"] += records_missing(d)
            yield results_row(group, certifications, grades, lang)

    wb = new_workbook()
    n = len(certifications)
    widths = [10, 14, 24, 10, 8, 12] + [14, 40] * n + [16, 30, 30]
    wrap = [6 + 2 * i + 1 for i in range(n)] + [6 + 2 * n, 7 + 2 * n, 8 + 2 * n]
    add_sheet(wb, w["results"], results_headers(certifications, lang), rows(), widths, wrap)
    head, counted = counts_rows(tally, labels, fiscal_year, lang)
    add_sheet(wb, w["counts"], head, counted, [8, 12, 34, 10, 14, 10, 14, 8])
    save(wb, out)
    return tally
