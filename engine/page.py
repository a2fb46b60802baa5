"""Decisions as a printable HTML page: one A4 sheet per decision, self-contained (inline CSS and
a few lines of inline script, no fonts, images or anything else fetched), for a clerk to print or
file as PDF.

A sheet holds the staff member (職員番号, 氏名, 所属), the certification and its outcome, the
fiscal year and the review date in 和暦, why it was granted (or not), the criterion quoted from the
rule file, the explanation tree with ✔/✘ and its figures, the parameter values in force, the
evidence table (file / sheet / row of every record the decision rests on, derived figures with the
records they came from) and, at its foot, the review run, the rules version (sha256) and, when the
caller has one, the ledger hash. Everything that came from a record or a rule file is escaped:
a name ``<script>`` or ``=HYPERLINK(...)`` shows as that text. The words come from engine/render.py,
so the page says what ``explain`` says.
"""
from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import Iterator

from engine import render
from engine.model import Decision, Evidence, ExplanationNode
from facts.dates import wareki_year, wareki_year_en
from facts.shown import visible

_WORDS = {
    "ja": {"title": "認定審査の説明", "staff_id": "職員番号", "name": "氏名", "department": "所属",
           "certification": "認定区分", "outcome": "結果", "year": "審査年度", "reviewed": "審査日",
           "criterion": "認定基準（規則ファイルからの引用）", "tree": "判定の内訳", "parameters": "基準値",
           "evidence": "根拠となった記録", "file": "ファイル", "sheet": "シート", "row": "行",
           "record": "記録", "content": "内容", "computed": "算出", "from": "元の記録",
           "run": "審査の実行番号", "rules_version": "規則バージョン（sha256）", "ledger_hash": "台帳ハッシュ",
           "none": "なし", "value": "値", "since": "適用"},
    "en": {"title": "Certification decision explained", "staff_id": "Staff ID", "name": "Name",
           "department": "Department", "certification": "Certification", "outcome": "Outcome",
           "year": "Fiscal year", "reviewed": "Reviewed on", "criterion": "Criterion (quoted from the rule file)",
           "tree": "How it was judged", "parameters": "Values in force", "evidence": "Records it rests on",
           "file": "File", "sheet": "Sheet", "row": "Row", "record": "Record", "content": "Content",
           "computed": "computed", "from": "from", "run": "Review run", "rules_version": "Rules version (sha256)",
           "ledger_hash": "Ledger hash", "none": "none", "value": "Value", "since": "In force"},
}

CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: "Yu Gothic", "YuGothic", "Meiryo", "Hiragino Sans", "Noto Sans CJK JP",
       "IPAexGothic", "IPAGothic", sans-serif; font-size: 9pt; line-height: 1.35; color: #111; }
.sheet { width: 186mm; min-height: 10mm; break-after: page; page-break-after: always; overflow: hidden; }
.sheet:last-child { break-after: auto; page-break-after: auto; }
h1 { font-size: 14pt; margin: 0 0 2mm; border-bottom: 0.6mm solid #333; padding-bottom: 1mm; }
h2 { font-size: 10pt; margin: 3mm 0 1mm; border-left: 1.2mm solid #555; padding-left: 1.5mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.2mm solid #999; padding: 0.6mm 1.2mm; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: bold; white-space: nowrap; }
.who td, .who th { font-size: 10pt; }
.outcome-certified, .outcome-held { color: #075e1c; font-weight: bold; }
.outcome-not_certified { color: #9b1111; font-weight: bold; }
.reason { margin: 2mm 0; padding: 1.5mm 2mm; background: #f4f4f4; border: 0.2mm solid #ccc; }
blockquote { margin: 1mm 0 0; padding: 1mm 2mm; border-left: 0.8mm solid #999; background: #fafafa; }
.loc { color: #555; font-size: 7.5pt; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 4mm; }
ul.tree { padding-left: 0; }
.met { color: #075e1c; } .unmet { color: #9b1111; }
.obs { color: #333; font-size: 8.5pt; padding-left: 4mm; }
.quote { color: #444; font-size: 8pt; padding-left: 4mm; }
.evidence td { font-size: 7.5pt; }
.evidence td.src { white-space: nowrap; }
.evidence tr.derived td { background: #f7f7f7; }
footer { margin-top: 3mm; font-size: 7.5pt; color: #333; border-top: 0.2mm solid #999; padding-top: 1mm; }
footer code { font-family: monospace; word-break: break-all; }
"""

# Shrink a sheet whose content is longer than an A4 page (down to 60 %): one sheet per decision.
# A longer explanation still prints whole, on the next pages.
SCRIPT = """
(function () {
  var pagePx = 273 * 96 / 25.4;
  var sheets = document.querySelectorAll('.sheet');
  for (var i = 0; i < sheets.length; i++) {
    var h = sheets[i].scrollHeight;
    if (h > pagePx) { sheets[i].style.zoom = Math.max(0.6, (pagePx - 4) / h); }
  }
})();
"""


def html_text(text: object) -> str:
    """Text from a record or a rule file in a page: markup escaped, control characters written
    out (facts/shown.py: a page printed to a terminal obeys none of them)."""
    return escape(visible(str(text)), quote=True)


_e = html_text


def wareki_date(day: date | datetime, lang: str = "ja") -> str:
    """``2025-06-01`` -> 「令和7年6月1日」 (English: 2025-06-01)."""
    if isinstance(day, datetime):
        day = day.date()
    if lang == "en":
        return day.isoformat()
    if day >= date(2019, 5, 1):
        era, first = "令和", 2019
    elif day >= date(1989, 1, 8):
        era, first = "平成", 1989
    else:
        era, first = "昭和", 1926
    n = day.year - first + 1
    return f"{era}{'元' if n == 1 else n}年{day.month}月{day.day}日"


def _fiscal_year(year: int, lang: str) -> str:
    return f"FY{year} ({wareki_year_en(year)})" if lang == "en" else f"{wareki_year(year)}（{year}年度）"


def _node(node: ExplanationNode, lang: str) -> Iterator[str]:
    cls = "met" if node.met else "unmet"
    text = render._description(node, lang)
    if node.missing_records:
        text += render._paren(render._w(lang, "records_missing"), lang)
    yield f'<li><span class="{cls}">{render._mark(node.met)}</span> {_e(text)}'
    if node.location:
        yield f' <span class="loc">[{_e(node.location)}]</span>'
    if node.criterion:
        yield f'<div class="quote">「{_e(node.criterion)}」</div>'
    for obs in node.observations:
        yield f'<div class="obs">{_e(render.observation_line(obs, lang))}</div>'
    kids = render.shown_order(node)
    if kids:
        yield '<ul>'
        for child in kids:
            yield from _node(child, lang)
        yield '</ul>'
    yield '</li>'


def _evidence_rows(root: ExplanationNode) -> list[Evidence]:
    """Every record the tree cites, once each, in the order first cited."""
    seen: dict[tuple[str, str], Evidence] = {}
    stack = [root]
    order: list[ExplanationNode] = []
    while stack:  # depth first, in the order shown
        node = stack.pop()
        order.append(node)
        stack.extend(reversed(render.shown_order(node)))
    for node in order:
        for ev in node.evidence:
            key = (ev.source, render.evidence_fields(ev))
            seen.setdefault(key, ev)
    return list(seen.values())


def _source_cells(ev: Evidence, lang: str) -> str:
    """File, sheet and row of a record's source (``file:row`` or ``file:sheet:row``)."""
    words = render.evidence_source(ev, lang)
    if words != ev.source or ev.source == "derived":
        return f'<td class="src" colspan="3">{_e(words)}</td>'
    parts = ev.source.rsplit(":", 2)
    if len(parts) == 3:
        file, sheet, row = parts
    else:
        (file, row), sheet = ev.source.rsplit(":", 1), ""
    return f'<td class="src">{_e(file)}</td><td class="src">{_e(sheet)}</td><td class="src">{_e(row)}</td>'


def _evidence_table(decision: Decision, lang: str) -> Iterator[str]:
    w = _WORDS[lang]
    rows = _evidence_rows(decision.explanation)
    yield f'<h2>{_e(w["evidence"])}</h2>'
    if not rows:
        yield f'<p>{_e(w["none"])}</p>'
        return
    yield (f'<table class="evidence"><tr><th>{_e(w["file"])}</th><th>{_e(w["sheet"])}</th><th>{_e(w["row"])}</th>'
           f'<th>{_e(w["record"])}</th><th>{_e(w["content"])}</th></tr>')
    for ev in rows:
        label = render._label(ev.label, ev.label_en, lang) or ev.record_type
        cls = ' class="derived"' if ev.source == "derived" else ""
        yield (f'<tr{cls}>{_source_cells(ev, lang)}<td>{_e(label)}</td>'
               f'<td>{_e(render.evidence_fields(ev, lang))}</td></tr>')
        for origin in ev.derived_from:
            olabel = render._label(origin.label, origin.label_en, lang) or origin.record_type
            yield (f'<tr>{_source_cells(origin, lang)}<td>↳ {_e(olabel)}</td>'
                   f'<td>{_e(render.evidence_fields(origin, lang))}</td></tr>')
    yield '</table>'


def sheet(decision: Decision, lang: str = "ja", *, run_id: int | None = None, rules_version: str | None = None,
          reviewed_on: date | datetime | None = None, ledger_hash: str | None = None) -> str:
    """One decision's A4 sheet (a ``<section>``)."""
    w = _WORDS[lang]
    root = decision.explanation
    out = [f'<section class="sheet" lang="{lang}">', f'<h1>{_e(w["title"])}</h1>', '<table class="who">']
    rows = [(w["staff_id"], decision.staff_id), (w["name"], decision.staff_name),
            (w["department"], decision.department), (w["certification"], render.decision_label(decision, lang))]
    for head, value in rows:
        out.append(f'<tr><th>{_e(head)}</th><td>{_e(value)}</td></tr>')
    out.append(f'<tr><th>{_e(w["outcome"])}</th><td class="outcome-{_e(decision.outcome)}">'
               f'{render._mark(decision.outcome != "not_certified")} '
               f'{_e(render.outcome_word(decision.outcome, lang))}</td></tr>')
    out.append(f'<tr><th>{_e(w["year"])}</th><td>{_e(_fiscal_year(decision.fiscal_year, lang))}</td></tr>')
    if reviewed_on is not None:
        out.append(f'<tr><th>{_e(w["reviewed"])}</th><td>{_e(wareki_date(reviewed_on, lang))}</td></tr>')
    out.append('</table>')
    for line in render.people_lines(decision, lang):  # the reviewer's override, a revocation
        out.append(f'<p class="people"><strong>{_e(line.strip())}</strong></p>')
    out.append(f'<p class="reason">{_e(render.reasons(decision, lang))}</p>')
    if root.criterion:
        out.append(f'<h2>{_e(w["criterion"])}</h2><blockquote>「{_e(root.criterion)}」</blockquote>')
        if root.location:
            out.append(f'<div class="loc">{_e(root.location)}</div>')
    out.append(f'<h2>{_e(w["tree"])}</h2><ul class="tree">')
    out.extend(_node(root.model_copy(update={"criterion": None}), lang))
    out.append('</ul>')
    if decision.parameters:
        out.append(f'<h2>{_e(w["parameters"])}</h2><p>')
        out.append(_e(render.parameters_line(decision, lang).split(": ", 1)[-1]))
        out.append('</p>')
    out.extend(_evidence_table(decision, lang))
    foot = [f'{_e(w[key])}: <code>{_e(value)}</code>' for key, value in render.run_fields(run_id, rules_version,
                                                                                         ledger_hash)]
    if foot:
        out.append('<footer>' + '<br>'.join(foot) + '</footer>')
    out.append('</section>')
    return "\n".join(out)


def render_html(decisions: list[Decision], lang: str = "ja", *, run_id: int | None = None,
                rules_version: str | None = None, reviewed_on: date | datetime | None = None,
                ledger_hash: str | None = None) -> str:
    """The whole document: one sheet per decision, page breaks between them."""
    lang = render._lang(lang)
    title = _WORDS[lang]["title"]
    if decisions:
        d = decisions[0]
        title += f" — {d.staff_id} {d.staff_name}"
    sheets = [sheet(d, lang, run_id=run_id, rules_version=rules_version, reviewed_on=reviewed_on,
                    ledger_hash=ledger_hash) for d in decisions]
    return ("<!DOCTYPE html>\n"
            f'<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width"><title>{_e(title)}</title>'
            f"<style>{CSS}</style></head><body>\n" + "\n".join(sheets)
            + f"\n<script>{SCRIPT}</script></body></html>\n")
