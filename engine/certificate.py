"""認定証: one printable A4 certificate per certification a review granted (engine/grants.py),
as self-contained HTML (inline CSS, no fonts, images or scripts fetched) and as PDF printed by
headless Chromium (engine/chromium.py).

A certificate holds its number (the rule file's ``certificate.number``), the staff member's
所属 and 氏名, the certification, the sentence that grants it, the criterion quoted from the rule
file, how long it is valid (``yearly``: to March 31 of the fiscal year), the date of the grant in
和暦, and the issuer (``certificate.issuer``, e.g. 真岡市長) with a place for the seal. Its
foot cites the review run, the rules version, the ledger hashes and the ``explain`` command that
shows why. Everything from a record or a rule file is escaped.

``lang="en"``: the same certificate in English (the rule file's English title, label and issuer;
dates ISO, the year FY2025); the criterion stays the quoted Japanese sentence of the plan, and the
name and 所属 stay as the roster writes them.

Files (``write_certificates``), named so that a clerk finds them:

    認定証_<職員番号>_<認定区分>.html / .pdf    one certificate each
    認定証_<policy>_<year>_全件.html / .pdf    all of them, one A4 page each, to print at once
                                            (not when the certificates of one staff member are asked for)
    certificate_<staff id>_<certification id>.html / .pdf, certificates_<policy>_<year>_all.html / .pdf
                                            the same in English

The PDF of all is printed once and split into the single ones (one Chromium run, not hundreds).
The folder holds what the last run wrote: its manifest (engine/manifest.py) lets the next run
remove the files it does not write again, and nothing else.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from facts.dates import wareki_year

from . import chromium, manifest, render
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


# the certificate's words (``certificate --lang``); what comes from a record (氏名, 所属) or quotes
# the municipal document (the 認定基準) stays as written
WORDS = {
    "ja": {"number": "第 {} 号", "heading": "認定証", "honorific": "様",
           "grant": "あなたは{title}に定める認定基準を満たしたことを認め、{label}に認定します。",
           "certification": "認定区分", "criterion": "認定基準", "validity": "有効期間", "year": "審査年度",
           "until": "{date}まで（{year}）", "permanent": "無期限", "seal": "印",
           "run": "審査の実行番号 <code>{run}</code>（{date}完了）・規則バージョン（sha256） <code>{version}</code>",
           "ledger_hash": "台帳ハッシュ", "judgement_hash": "判定ハッシュ",
           "override": "審査者 {by} の判断による認定（{reason}）", "why": "認定の根拠: ",
           "title_all": "認定証 {municipality} {year}", "title_one": "認定証 {name} {label}"},
    "en": {"number": "No. {}", "heading": "Certificate", "honorific": "",
           "grant": "This is to certify that you have met the certification criteria of {title} and are hereby "
                    "certified as {label}.",
           "certification": "Certification", "criterion": "Criterion (quoted from the plan)", "validity": "Validity",
           "year": "Fiscal year reviewed", "until": "until {date} ({year})", "permanent": "no expiry", "seal": "Seal",
           "run": "Review run <code>{run}</code> (completed {date}) · rules version (sha256) <code>{version}</code>",
           "ledger_hash": "Ledger hash", "judgement_hash": "Judgement hash",
           "override": "Certified by the decision of reviewer {by} ({reason})", "why": "Why it was granted: ",
           "title_all": "Certificates {municipality} {year}", "title_one": "Certificate {name} {label}"},
}
# English: a Latin serif first (the Japanese fonts' Latin letters are monospaced), names and 所属
# still in the Japanese ones; letters not spaced out like 認 定 証
CSS_EN = """
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", "IPAexMincho", "IPAMincho", "Yu Mincho",
       "Hiragino Mincho ProN", "Noto Serif CJK JP", serif; }
footer { font-family: "Liberation Sans", "DejaVu Sans", "IPAexGothic", "Noto Sans CJK JP", sans-serif; }
h1 { letter-spacing: 0.12em; text-indent: 0.12em; }
.grant { text-indent: 0; }
"""


def _text(ja: str, en: str | None, lang: str) -> str:
    """A rule file's {ja, en} text in the language asked for (Japanese where it gives no English)."""
    return en if lang == "en" and en else ja


def _year(fiscal_year: int, lang: str) -> str:
    """「令和7年度」 / FY2025."""
    return wareki_year(fiscal_year) if lang == "ja" else f"FY{fiscal_year}"


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


def sheet(review: GrantedReview, grant: Grant, lang: str = "ja") -> str:
    """One certificate: a ``<section>`` that fills an A4 page."""
    d, policy, w = grant.decision, review.policy, WORDS[lang]
    issuer = _text(review.certificate.issuer.ja, review.certificate.issuer.en, lang)
    label = render.decision_label(d, lang)
    until = valid_until(d.validity, d.fiscal_year)
    validity = (w["until"].format(date=wareki_date(until, lang), year=_year(d.fiscal_year, lang)) if until
                else w["permanent"])
    reviewed = f"{wareki_year(d.fiscal_year)}（{d.fiscal_year}年度）" if lang == "ja" else f"FY{d.fiscal_year}"
    dept = f'<div class="dept">{_e(d.department)}</div>' if d.department else ""
    honorific = f'<span>{w["honorific"]}</span>' if w["honorific"] else ""
    grant_text = w["grant"].format(title=_e(_text(policy.title.ja, policy.title.en, lang)),
                                   label=f'<span class="label">{_e(label)}</span>')
    out = [
        f'<section class="cert" lang="{lang}"><div class="frame">',
        f'<div class="number">{w["number"].format(_e(certificate_number(review, grant)))}</div>',
        f'<h1>{w["heading"]}</h1>',
        f'<div class="who">{dept}<div class="name">{_e(d.staff_name or d.staff_id)}{honorific}</div></div>',
        f'<p class="grant">{grant_text}</p>',
        '<table class="facts">',
        f'<tr><th>{w["certification"]}</th><td>{_e(label)}</td></tr>',
        f'<tr><th>{w["criterion"]}</th><td><blockquote>「{_e(d.explanation.criterion or "")}」</blockquote></td></tr>',
        f'<tr><th>{w["validity"]}</th><td>{_e(validity)}</td></tr>',
        f'<tr><th>{w["year"]}</th><td>{_e(reviewed)}</td></tr>',
        '</table>',
        '<div class="spacer"></div>',
        f'<p class="date">{_e(wareki_date(grant.granted_at, lang))}</p>',
        f'<div class="issuer"><span>{_e(issuer)}</span><span class="seal">{w["seal"]}</span></div>',
        _footer(review, grant, lang),
        '</div></section>',
    ]
    return "\n".join(out)


def _footer(review: GrantedReview, grant: Grant, lang: str = "ja") -> str:
    d, w = grant.decision, WORDS[lang]
    lines = [w["run"].format(run=review.run_id, date=_e(wareki_date(review.finished_at, lang)),
                             version=_e(review.rules_version))]
    if review.ledger_hash:
        lines.append(f"{w['ledger_hash']} <code>{_e(review.ledger_hash)}</code>")
    if grant.judgement_hash:
        lines.append(f"{w['judgement_hash']} <code>{_e(grant.judgement_hash)}</code>")
    if grant.by_override:
        o = d.override or {}
        lines.append(w["override"].format(by=_e(o.get("by", "")), reason=_e(o.get("reason", ""))))
    en = " --lang en" if lang == "en" else ""
    lines.append(f"{w['why']}<code>nintei explain {_e(d.staff_id)} --policy {_e(d.policy)} --fiscal-year "
                 f"{d.fiscal_year} --certification {_e(d.certification)}{en}</code>")
    return "<footer>" + "<br>".join(lines) + "</footer>"


def render_html(review: GrantedReview, grants: list[Grant] | None = None, lang: str = "ja") -> str:
    """The document: one A4 page per grant (all of the review's when ``grants`` is None)."""
    grants = review.grants if grants is None else grants
    w = WORDS[lang]
    municipality = _text(review.policy.municipality.ja, review.policy.municipality.en, lang)
    title = w["title_all"].format(municipality=municipality, year=_year(review.fiscal_year, lang))
    if len(grants) == 1:
        d = grants[0].decision
        title = w["title_one"].format(name=d.staff_name, label=render.decision_label(d, lang))
    sheets = [sheet(review, g, lang) for g in grants]
    css = CSS + (CSS_EN if lang == "en" else "")
    return ("<!DOCTYPE html>\n"
            f'<html lang="{lang}"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{css}</style></head><body>\n" + "\n".join(sheets)
            + f"\n<script>{SCRIPT}</script></body></html>\n")


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_name(text: str) -> str:
    """A piece of a file name that every file system takes (Windows' reserved characters too)."""
    cleaned = _UNSAFE.sub("_", text).strip(" .")
    return cleaned[:80] or "_"


def file_stems(grants: list[Grant], prefix: str, lang: str = "ja") -> list[str]:
    """``<prefix>_<職員番号>_<認定区分>`` per grant, the label in Japanese; by the certification's
    id instead when two labels clean to the same name, and always in English (an id reads better
    in a file name than a label with spaces)."""
    stems = [f"{prefix}_{safe_name(g.decision.staff_id)}_{safe_name(g.decision.label or g.decision.certification)}"
             for g in grants]
    if lang == "en" or len(set(stems)) != len(stems):
        stems = [f"{prefix}_{safe_name(g.decision.staff_id)}_{safe_name(g.decision.certification)}" for g in grants]
    return stems


# the files' names: one certificate each, and all of them (not with --staff)
PREFIX = {"ja": "認定証", "en": "certificate"}
ALL = {"ja": "認定証_{policy}_{year}_全件", "en": "certificates_{policy}_{year}_all"}
# every name certificate writes, in either language: what a later run may remove (engine/manifest.py)
OURS = re.compile(r"(認定証|certificates?)_.+\.(html|pdf)")
MANIFEST = ".nintei-certificates.json"


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
    removed: list[Path] = field(default_factory=list)  # an earlier run's files this run did not write again


def write_certificates(review: GrantedReview, out_dir: Path, pdf: bool = True, lang: str = "ja") -> Written:
    """The certificates of ``review`` into ``out_dir``: an HTML file each and one of all, then (when
    ``pdf``) their PDFs. Chromium missing: the HTML is written and ``no_pdf_reason`` says why
    there is no PDF. Files of the same names are replaced, and the files an earlier run wrote
    there that this one does not write again are removed (engine/manifest.py); a folder holding a
    file of nintei's name that nintei cannot show it wrote is refused (NinteiError) before
    anything is written."""
    written = Written()
    if not review.grants:
        if (out_dir / MANIFEST).exists():  # nothing granted now: what an earlier run wrote goes
            written.removed = manifest.finish(manifest.claim(out_dir, MANIFEST, OURS), [])
        return written
    review.certificate  # a rule file without a certificate section: say so before writing
    stems = file_stems(review.grants, PREFIX[lang], lang)
    all_stem = ALL[lang].format(policy=safe_name(review.policy.id), year=review.fiscal_year)
    planned = [*stems, *([all_stem] if review.staff_id is None else [])]
    record = manifest.claim(out_dir, MANIFEST, OURS)
    manifest.begin(record, [f"{stem}.{ext}" for stem in planned for ext in ("html", "pdf")])
    _write_files(review, out_dir, stems, all_stem, pdf, lang, written)
    written.removed = manifest.finish(record, written.html + written.pdf)
    return written


def _write_files(review: GrantedReview, out_dir: Path, stems: list[str], all_stem: str, pdf: bool, lang: str,
                 written: Written) -> None:
    for stem, grant in zip(stems, review.grants):
        path = out_dir / f"{stem}.html"
        write_text(path, render_html(review, [grant], lang))
        written.html.append(path)
    with tempfile.TemporaryDirectory(prefix="nintei-certificate-") as scratch:
        # one staff member's certificates: printed together all the same, but the file of all is not kept
        folder = out_dir if review.staff_id is None else Path(scratch)
        everything = folder / f"{all_stem}.html"
        write_text(everything, render_html(review, lang=lang))
        if review.staff_id is None:
            written.html.append(everything)
        if not pdf:
            return
        try:
            chromium.find()
        except chromium.ChromiumMissing as err:
            written.no_pdf_reason = "; ".join(err.lines())
            return
        all_pdf = everything.with_suffix(".pdf")
        chromium.print_pdf(everything, all_pdf)
        singles = [out_dir / f"{stem}.pdf" for stem in stems]
        chromium.split_pages(all_pdf, singles)
        written.pdf = singles + ([all_pdf] if review.staff_id is None else [])
