"""The report as one self-contained HTML page (inline CSS and SVG, nothing fetched): the plan's
targets against what the reviews granted, with a chart per certification; the counts by year and
per 所属; the views of the plan. It prints on A4 (``@page``) and reads on a phone (the tables
scroll sideways inside their box; the charts shrink to the screen). Text from records and rule
files is escaped."""
from __future__ import annotations

from html import escape
from typing import Any

from engine.page import html_text
from engine.report.data import Report
from engine.report.rows import count_rows, department_rows, target_rows
from engine.report.svg import progress_chart
from engine.report.views import View
from engine.report.words import w, year_short, year_text
from facts.dates import wareki_year

CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 190mm; padding: 3mm; font-family: "Yu Gothic", "Meiryo", "Hiragino Sans",
       "Noto Sans CJK JP", "IPAexGothic", "IPAGothic", sans-serif; font-size: 10pt; line-height: 1.4; color: #111; }
h1 { font-size: 15pt; margin: 0 0 1mm; border-bottom: 0.6mm solid #333; }
h2 { font-size: 12pt; margin: 5mm 0 1.5mm; border-left: 1.2mm solid #555; padding-left: 1.5mm; break-after: avoid; }
p.note { margin: 0 0 1.5mm; color: #333; font-size: 9pt; }
.meta { font-size: 9pt; color: #333; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { border: 0.2mm solid #999; padding: 0.6mm 1.2mm; text-align: left; vertical-align: top; }
th { background: #eee; white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; }
.charts { display: flex; flex-wrap: wrap; gap: 2mm; }
.charts figure { margin: 0; flex: 1 1 60mm; max-width: 92mm; break-inside: avoid; }
svg.chart { width: 100%; height: auto; }
svg .target { fill: none; stroke: #555; stroke-width: 1.2; stroke-dasharray: 3 2; }
svg .actual { fill: #2a6fb0; }
svg .axis { stroke: #333; }
svg text { font-size: 9px; fill: #222; }
svg .ct { font-size: 11px; font-weight: bold; }
.legend { font-size: 8.5pt; }
.legend span { display: inline-block; width: 3mm; height: 3mm; vertical-align: middle; margin: 0 1mm 0 3mm; }
@media (max-width: 600px) { body { font-size: 11pt; padding: 2mm; } table { font-size: 9pt; } }
@media print { .scroll { overflow: visible; } }
"""


def _cell(value: Any) -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<td class="n">{value}</td>'
    return f"<td>{html_text(value).replace(chr(10), '<br>')}</td>"


def table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _view(view: View) -> str:
    return (f"<section><h2>{escape(view.title)}</h2><p class=\"note\">{escape(view.note)}</p>"
            + table(view.headers, view.rows) + "</section>")


def render_page(report: Report) -> str:
    lang, year = report.lang, report.fiscal_year
    name = report.title if report.title.startswith(report.municipality) else f"{report.municipality} {report.title}"
    title = w(lang, "report_title").format(name=name, year=year_text(year, lang))
    charts = "".join(f"<figure>{progress_chart(report, c, label)}</figure>" for c, label in report.certifications)
    legend = (f'<p class="legend"><span style="background:#2a6fb0"></span>{w(lang, "legend_actual")}'
              f'<span style="border:1px dashed #555"></span>{w(lang, "legend_target")}</p>')
    note = escape(report.target_note) if report.target_note else w(lang, "no_targets")
    if lang == "ja":
        years = "、".join(f"{wareki_year(y)}（{y}）" for y in report.years)
    else:
        years = ", ".join(f"FY{y}" for y in report.years)
    meta = w(lang, "meta").format(policy=escape(report.policy), years=escape(years), run=report.run_id)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{meta}<code>{escape(report.rules_version[:16])}…</code></p>',
        f"<section><h2>{w(lang, 'targets_heading')}</h2><p class=\"note\">{note}</p>{legend}"
        f'<div class="charts">{charts}</div>', table(*target_rows(report)), "</section>",
        f"<section><h2>{w(lang, 'counts_heading')}</h2><p class=\"note\">{escape(w(lang, 'missing_note'))}</p>",
        table(*count_rows(report)), "</section>",
        f"<section><h2>{escape(w(lang, 'departments_heading').format(year_short(year, lang)))}</h2>",
        table(*department_rows(report)), "</section>",
        *(_view(v) for v in report.views),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
