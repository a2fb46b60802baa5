"""認定証: one printable A4 certificate per certification a review granted (engine/grants.py),
as self-contained HTML (inline CSS, no fonts, images or scripts fetched) and as PDF printed by
headless Chromium (engine/chromium.py).

A certificate holds its number (the rule file's ``certificate.number``), the staff member's
所属 and 氏名, the certification, the sentence that grants it, the criterion quoted from the rule
file, how long it is valid (``yearly``: to March 31 of the fiscal year), the date of the grant in
和暦, and the issuer (``certificate.issuer``, e.g. 真岡市長) with a place for the seal. Its
foot cites the review run, the rules version, the ledger hashes and the ``explain`` command that
shows why. Everything from a record or a rule file is escaped.

Files (``write_certificates``), named so that a clerk finds them:

    認定証_<職員番号>_<認定区分>.html / .pdf    one certificate each
    認定証_<policy>_<year>_全件.html / .pdf    all of them, one A4 page each, to print at once
                                            (not when the certificates of one staff member are asked for)

The PDF of all is printed once and split into the single ones (one Chromium run, not hundreds).
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from facts.dates import wareki_year

from . import chromium
from .errors import NinteiError
from .grants import Grant, GrantedReview
from .page import html_text as _e, wareki_date

CSS = """
@page { size: A4; margin: 0; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #111; font-family: "IPAexMincho", "IPAMincho", "Yu Mincho", "YuMincho",
       "Hiragino Mincho ProN", "Noto Serif CJK JP", serif; }
.cert { width: 210mm; height: 296mm; padding: 14mm; break-after: page; page-break-after: always;
        overflow: hidden; position: relative; }
.cert:last-child { break-after: auto; page-break-after: auto; }
.frame { height: 100%; border: 2.2mm double #6b5a2e; padding: 12mm 16mm 8mm; display: flex;
         flex-direction: column; }
.number { text-align: right; font-size: 10.5pt; }
h1 { text-align: center; font-size: 34pt; letter-spacing: 0.6em; text-indent: 0.6em; margin: 10mm 0 12mm;
     font-weight: bold; }
.who { font-size: 14pt; margin: 0 0 8mm 0; }
.who .dept { font-size: 12pt; margin-bottom: 2mm; }
.who .name { font-size: 22pt; border-bottom: 0.3mm solid #333; display: inline-block; min-width: 90mm;
             padding: 0 2mm 1mm; }
.who .name span { font-size: 14pt; margin-left: 4mm; }
.grant { font-size: 14pt; line-height: 1.9; margin: 0 0 6mm; text-indent: 1em; }
.label { font-weight: bold; }
table.facts { border-collapse: collapse; width: 100%; font-size: 11pt; margin-bottom: 4mm; }
table.facts th { text-align: left; white-space: nowrap; vertical-align: top; padding: 1mm 4mm 1mm 0; width: 28mm;
                 font-weight: normal; color: #333; }
table.facts td { padding: 1mm 0; vertical-align: top; }
blockquote { margin: 0; }
.spacer { flex: 1 1 auto; }
.date { font-size: 14pt; margin: 0 0 6mm 10mm; }
.issuer { display: flex; justify-content: flex-end; align-items: center; gap: 6mm; font-size: 18pt;
          margin-bottom: 8mm; }
.seal { width: 22mm; height: 22mm; border: 0.3mm dashed #999; color: #999; font-size: 9pt;
        display: flex; align-items: center; justify-content: center; }
footer { font-family: "IPAexGothic", "IPAGothic", "Yu Gothic", "Meiryo", "Noto Sans CJK JP", sans-serif;
         font-size: 6.5pt; color: #555; border-top: 0.2mm solid #bbb; padding-top: 1.5mm; line-height: 1.45; }
footer code { font-family: monospace; word-break: break-all; }
"""

# A certificate whose text is longer than its page (a very long quoted criterion) is shrunk to fit:
# one certificate, one A4 page, always.
SCRIPT = """
(function () {
  var frames = document.querySelectorAll('.frame');
  for (var i = 0; i < frames.length; i++) {
    var f = frames[i], room = f.clientHeight, need = f.scrollHeight;
    if (need > room) { f.style.zoom = Math.max(0.5, room / need - 0.01); f.style.height = (100 / f.style.zoom) + '%'; }
  }
})();
"""


def certificate_number(review: GrantedReview, grant: Grant) -> str:
    """The number the rule file's template gives this grant (stable: the same every time)."""
    d = grant.decision
    return review.certificate.number.format(
        policy=review.policy.id, fiscal_year=review.fiscal_year, wareki_year=wareki_year(review.fiscal_year),
        certification=d.certification, staff_id=d.staff_id)


def valid_until(validity: str, fiscal_year: int) -> date | None:
    """The last day of a yearly certification: March 31 at the end of its fiscal year (None:
    a permanent one)."""
    return date(fiscal_year + 1, 3, 31) if validity == "yearly" else None


def sheet(review: GrantedReview, grant: Grant) -> str:
    """One certificate: a ``<section>`` that fills an A4 page."""
    d, policy = grant.decision, review.policy
    issuer = review.certificate.issuer.ja
    until = valid_until(d.validity, d.fiscal_year)
    validity = f"{wareki_date(until)}まで（{wareki_year(d.fiscal_year)}）" if until else "無期限"
    dept = f'<div class="dept">{_e(d.department)}</div>' if d.department else ""
    out = [
        '<section class="cert" lang="ja"><div class="frame">',
        f'<div class="number">第 {_e(certificate_number(review, grant))} 号</div>',
        '<h1>認定証</h1>',
        f'<div class="who">{dept}<div class="name">{_e(d.staff_name or d.staff_id)}<span>様</span></div></div>',
        f'<p class="grant">あなたは{_e(policy.title.ja)}に定める認定基準を満たしたことを認め、'
        f'<span class="label">{_e(d.label)}</span>に認定します。</p>',
        '<table class="facts">',
        f'<tr><th>認定区分</th><td>{_e(d.label)}</td></tr>',
        f'<tr><th>認定基準</th><td><blockquote>「{_e(d.explanation.criterion or "")}」</blockquote></td></tr>',
        f'<tr><th>有効期間</th><td>{_e(validity)}</td></tr>',
        f'<tr><th>審査年度</th><td>{_e(wareki_year(d.fiscal_year))}（{d.fiscal_year}年度）</td></tr>',
        '</table>',
        '<div class="spacer"></div>',
        f'<p class="date">{_e(wareki_date(grant.granted_at))}</p>',
        f'<div class="issuer"><span>{_e(issuer)}</span><span class="seal">印</span></div>',
        _footer(review, grant),
        '</div></section>',
    ]
    return "\n".join(out)


def _footer(review: GrantedReview, grant: Grant) -> str:
    d = grant.decision
    lines = [f"審査の実行番号 <code>{review.run_id}</code>（{_e(wareki_date(review.finished_at))}完了）・"
             f"規則バージョン（sha256） <code>{_e(review.rules_version)}</code>"]
    if review.ledger_hash:
        lines.append(f"台帳ハッシュ <code>{_e(review.ledger_hash)}</code>")
    if grant.judgement_hash:
        lines.append(f"判定ハッシュ <code>{_e(grant.judgement_hash)}</code>")
    if grant.by_override:
        o = d.override or {}
        lines.append(f"審査者 {_e(o.get('by', ''))} の判断による認定（{_e(o.get('reason', ''))}）")
    lines.append(f"認定の根拠: <code>nintei explain {_e(d.staff_id)} --policy {_e(d.policy)} --fiscal-year "
                 f"{d.fiscal_year} --certification {_e(d.certification)}</code>")
    return "<footer>" + "<br>".join(lines) + "</footer>"


def render_html(review: GrantedReview, grants: list[Grant] | None = None) -> str:
    """The document: one A4 page per grant (all of the review's when ``grants`` is None)."""
    grants = review.grants if grants is None else grants
    municipality = review.policy.municipality.ja
    title = f"認定証 {municipality} {wareki_year(review.fiscal_year)}"
    if len(grants) == 1:
        d = grants[0].decision
        title = f"認定証 {d.staff_name} {d.label}"
    sheets = [sheet(review, g) for g in grants]
    return ("<!DOCTYPE html>\n"
            f'<html lang="ja"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{CSS}</style></head><body>\n" + "\n".join(sheets)
            + f"\n<script>{SCRIPT}</script></body></html>\n")


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_name(text: str) -> str:
    """A piece of a file name that every file system takes (Windows' reserved characters too)."""
    cleaned = _UNSAFE.sub("_", text).strip(" .")
    return cleaned[:80] or "_"


def file_stems(grants: list[Grant], prefix: str) -> list[str]:
    """``<prefix>_<職員番号>_<認定区分>`` per grant, the label in Japanese; by the certification's
    id instead when two labels clean to the same name."""
    stems = [f"{prefix}_{safe_name(g.decision.staff_id)}_{safe_name(g.decision.label or g.decision.certification)}"
             for g in grants]
    if len(set(stems)) != len(stems):
        stems = [f"{prefix}_{safe_name(g.decision.staff_id)}_{safe_name(g.decision.certification)}" for g in grants]
    return stems


def write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise NinteiError(f"{path} に書き出せません: {err.strerror or err}")


@dataclass
class Written:
    html: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    no_pdf_reason: str | None = None  # why no PDF was made (Chromium missing), None when made or not asked


def write_certificates(review: GrantedReview, out_dir: Path, pdf: bool = True) -> Written:
    """The certificates of ``review`` into ``out_dir``: an HTML file each and one of all, then (when
    ``pdf``) their PDFs. Chromium missing: the HTML is written and ``no_pdf_reason`` says why
    there is no PDF. Files of the same names are replaced."""
    written = Written()
    if not review.grants:
        return written
    review.certificate  # a rule file without a certificate section: say so before writing
    stems = file_stems(review.grants, "認定証")
    for stem, grant in zip(stems, review.grants):
        path = out_dir / f"{stem}.html"
        write_text(path, render_html(review, [grant]))
        written.html.append(path)
    with tempfile.TemporaryDirectory(prefix="nintei-certificate-") as scratch:
        # one staff member's certificates: printed together all the same, but the file of all is not kept
        folder = out_dir if review.staff_id is None else Path(scratch)
        everything = folder / f"認定証_{safe_name(review.policy.id)}_{review.fiscal_year}_全件.html"
        write_text(everything, render_html(review))
        if review.staff_id is None:
            written.html.append(everything)
        if not pdf:
            return written
        try:
            chromium.find()
        except chromium.ChromiumMissing as err:
            written.no_pdf_reason = "; ".join(err.lines())
            return written
        all_pdf = everything.with_suffix(".pdf")
        chromium.print_pdf(everything, all_pdf)
        singles = [out_dir / f"{stem}.pdf" for stem in stems]
        chromium.split_pages(all_pdf, singles)
        written.pdf = singles + ([all_pdf] if review.staff_id is None else [])
    return written
