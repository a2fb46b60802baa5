"""`nintei report --lang en`: every heading, column header, view and chart in English, the fiscal
year as FY2025 (no 和暦 column), the certifications by the rule files' English labels (as `review
--lang en` names them); what is Japanese is a record's own value (a name, a 所属, a project name).
Read back with openpyxl, converted by LibreOffice, and printed and screenshotted by headless
Chromium. Expected counts from tests/data/<policy>_samples_expected.csv, by hand."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.browser import ARTIFACTS, has_ink, png_pixels, run
from tests.test_report import POLICIES, review_and_report
from tests.test_review_outputs import convert, expected

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
VIEW_SHEETS = {  # the plans' views, by their English titles
    "tarumizu": ["Training compliance by role"], "kakamigahara": ["Training plan progress"],
    "oyama": ["Skill gaps (by staff member)", "Skill gaps (by skill)"],
    "goka": ["Track levels by staff member", "Track levels, staff per level"],
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return review_and_report(tmp_path_factory, "report", "--lang", "en")


def record_values(db: str) -> list[str]:
    """Every name, 所属 and project name the stored facts hold: the Japanese an English report may show."""
    from facts.db import get_engine
    from facts.store import load_year

    values = set()
    for facts in load_year(get_engine(db), 2025):
        values |= {s.name for s in facts.history} | {s.department for s in facts.history}
        values |= {p.project_name for p in facts.projects if p.project_name}
    return sorted((v for v in values if v), key=len, reverse=True)


def without_records(text: str, values: list[str]) -> str:
    for v in values:
        text = text.replace(v, "")
    return text


def english_labels(policy: str) -> dict[str, str]:
    from engine.rulebook import load_rulebook

    return {c.label.en: c.id for c in load_rulebook().policy(policy).certifications}


def sheet(path: Path, title: str) -> list[dict]:
    from openpyxl import load_workbook

    rows = list(load_workbook(path)[title].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


@pytest.mark.parametrize("policy", POLICIES)
def test_the_workbook_is_english_but_for_the_records(reports, policy):
    from openpyxl import load_workbook

    db, xlsx, _ = reports[policy]
    wb = load_workbook(xlsx)
    assert wb.sheetnames[:4] == ["Targets and actuals", "Counts by fiscal year", "By department", "Results"]
    assert wb.sheetnames[4:] == VIEW_SHEETS.get(policy, [])
    values = record_values(db)
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        assert not [h for h in rows[0] if CJK.search(str(h))], (ws.title, rows[0])  # headers: no Japanese at all
        assert not any("和暦" in str(h) or "令和" in str(h) for h in rows[0])
        for row in rows[1:]:
            for cell in row:
                if isinstance(cell, str):
                    assert not CJK.search(without_records(cell, values)), (ws.title, cell)


@pytest.mark.parametrize("policy", POLICIES)
def test_the_english_counts_are_the_expected_outcomes(reports, policy):
    tally = Counter((e["certification"], e["outcome"]) for e in expected(policy))
    rows = sheet(reports[policy][1], "Counts by fiscal year")
    labels = english_labels(policy)
    assert {r["Fiscal year"] for r in rows} == {2025} and len(rows) == len(labels)
    for r in rows:
        cert = labels[r["Certification"]]  # the rule file's English label, as review --lang en names it
        assert (r["Newly certified"], r["Held"], r["Not certified"]) == (
            tally[cert, "certified"], tally[cert, "held"], tally[cert, "not_certified"]), cert
        assert r["Total"] == sum(v for (c, _), v in tally.items() if c == cert)


def test_moka_targets_in_english(reports):
    tally = Counter((e["certification"], e["outcome"]) for e in expected("moka"))
    rows = {(r["Fiscal year"], r["Certification"]): r for r in sheet(reports["moka"][1], "Targets and actuals")}
    # policies.md: R7 specialist 3, expert 20, advisor 40; cumulative holders
    for label, cert, target in (("DX Advisor", "dx_advisor", 40), ("DX Expert", "dx_expert", 20),
                                ("DX Specialist", "dx_specialist", 3)):
        r = rows[2025, label]
        holders = tally[cert, "certified"] + tally[cert, "held"]
        assert (r["Target"], r["Actual"], r["Counted as"]) == (target, holders, "holders at the end of the year (cumulative)")
    assert rows[2023, "DX Advisor"]["Target"] == 20 and rows[2023, "DX Advisor"]["Actual"] is None


def test_libreoffice_reads_the_english_workbook(reports, tmp_path):
    made = convert(reports["oyama"][1], "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false,false,-1",
                   tmp_path)
    sheets = {p.stem.split("-", 1)[1]: p.read_text(encoding="utf-8-sig") for p in made}
    assert sheets["Counts by fiscal year"].startswith('"Fiscal year","Certification","Newly certified","Held"')
    assert '2025,"IT Passport literacy",' in sheets["Counts by fiscal year"]  # the year a number
    assert sheets["Skill gaps (by staff member)"].startswith('"Staff ID","Name","Department","Role","Skill"')
    # expected: 12002 "一般職員; IT assessed c (理解) in FY2025 but b required"
    assert re.search(r'"12002",[^\n]*,"general staff","IT","c","b"', sheets["Skill gaps (by staff member)"])


@pytest.mark.parametrize("policy", POLICIES)
def test_the_english_page_in_chromium(reports, policy):
    db, _, html = reports[policy]
    page = html.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<h1>" in page and "FY2025" in page
    assert "Targets and actuals" in page and "Counts by fiscal year" in page and "By department (FY2025)" in page
    ARTIFACTS.mkdir(exist_ok=True)
    copy = ARTIFACTS / f"report-{policy}-en.html"
    copy.write_text(page, encoding="utf-8")
    text = run("--dump-dom", copy.as_uri()).stdout
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", text)
    assert not CJK.search(without_records(visible, record_values(db))), \
        sorted(set(CJK.findall(without_records(visible, record_values(db)))))[:20]
    assert text.count('<svg class="chart"') == len(english_labels(policy))
    assert re.search(r'<svg class="chart"[^>]*aria-label="[^"]+ target and actual"', text)
    if policy == "moka":
        png = ARTIFACTS / "report-moka-en.png"
        png.unlink(missing_ok=True)
        r = run("--window-size=794,1123", f"--screenshot={png}", copy.as_uri())
        assert png.exists(), r.stderr
        assert png_pixels(png)[:2] == (794, 1123) and has_ink(png)


@pytest.mark.parametrize("command", ["report", "certificate"])
def test_an_unknown_language_is_a_usage_error(reports, tmp_path, command):
    out = str(tmp_path / ("r.html" if command == "report" else ""))
    r = CliRunner().invoke(main, ["--db", reports["moka"][0], command, "-p", "moka", "-y", "R7", "--lang", "fr",
                                  "--out", out])
    assert r.exit_code == 2 and "'fr'" in r.output and "--lang" in r.output and "Traceback" not in r.output
    assert not [p for p in tmp_path.iterdir()]
