"""`explain --format html`: one printable A4 sheet per decision, checked in a real headless
Chromium (scripts/test.sh installs Debian's chromium). The PDF and the screenshot are kept in
test-artifacts/ (git-ignored) for a person to look at."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import a4_boxes, has_ink, pdf_pages, png_pixels, run as _run
from cli import main

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"  # tests/browser.py's
HOSTILE = "<script>document.title='pwned'</script>"
FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture(scope="module")
def moka(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('html') / 'h.db'}"
    r = CliRunner().invoke(main, ["--db", db, "review", "--policy", "moka", "--fiscal-year", "2025",
                                  "--facts", str(ROOT / "facts" / "samples" / "moka"), "--format", "json"])
    assert r.exit_code == 0, r.output
    return db


def _decisions(db, staff="11002"):
    from engine.review import stored_decisions
    from facts.db import get_engine

    return stored_decisions(get_engine(db), "moka", 2025, staff_id=staff)


def test_html_page_holds_what_an_auditor_needs(moka):
    r = CliRunner().invoke(main, ["--db", moka, "explain", "11002", "--policy", "moka", "--fiscal-year", "2025",
                                  "--format", "html"])
    assert r.exit_code == 0, r.output
    page = r.stdout
    assert page.count('<section class="sheet"') == 3  # one sheet per decision
    for text in ("職員番号", "11002", "鈴木 美咲", "所属", "DXエキスパート", "令和7年度", "認定の理由",
                 "「プロジェクトにメンバーとして参加し、報告会において一定以上の評価を得る。」",
                 "根拠となった記録", "評価.xlsx", "プロジェクト.csv", "審査の実行番号", "規則バージョン（sha256）",
                 "観点別平均: 政策 3.8、リーダーシップ 3.6、技術 3.7"):
        assert text in page, text
    assert re.search(r"[0-9a-f]{64}", page)  # the rules version in full
    # the hash of the run's ledger entry (facts.ledger), on every sheet
    from sqlalchemy import text
    from facts.db import get_engine
    with get_engine(moka).connect() as conn:
        entry = conn.execute(text("select hash from ledger_entry where kind = 'run'")).scalar_one()
    assert page.count(f"台帳ハッシュ: <code>{entry}</code>") == 3
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
    assert "@import" not in page and "<link" not in page


def test_html_in_english(moka):
    r = CliRunner().invoke(main, ["--db", moka, "explain", "11002", "-p", "moka", "-y", "R7", "--format", "html",
                                  "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "Staff ID" in r.stdout and "Records it rests on" in r.stdout and "FY2025 (Reiwa 7)" in r.stdout
    assert '<html lang="en">' in r.stdout


def test_user_text_is_escaped_and_ledger_hash_shown_when_given(moka):
    from engine.page import render_html

    d = _decisions(moka)[0].model_copy(update={"staff_name": HOSTILE, "department": FORMULA})
    page = render_html([d], ledger_hash="ab" * 32)
    assert HOSTILE not in page and "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)" in page
    assert "台帳ハッシュ" in page and "ab" * 32 in page


def test_out_picks_html_from_its_extension(moka, tmp_path):
    out = tmp_path / "11002.html"
    r = CliRunner().invoke(main, ["--db", moka, "explain", "11002", "-p", "moka", "-y", "2025", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out = tmp_path / "11002.json"
    r = CliRunner().invoke(main, ["--db", moka, "explain", "11002", "-p", "moka", "-y", "2025", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text(encoding="utf-8"))["decisions"]


def test_out_in_a_missing_folder_is_refused_before_any_work(tmp_path):
    db = tmp_path / "never.db"
    r = CliRunner().invoke(main, ["--db", f"sqlite:///{db}", "explain", "11002", "-p", "moka", "-y", "2025",
                                  "--out", str(tmp_path / "no" / "such" / "x.html")])
    assert r.exit_code == 2 and "フォルダ" in r.output and "Traceback" not in r.output
    assert not db.exists()  # refused before the database was even opened


def test_out_never_overwrites_the_database(moka):
    path = Path(moka.removeprefix("sqlite:///"))
    before = path.read_bytes()
    r = CliRunner().invoke(main, ["--db", moka, "explain", "11002", "-p", "moka", "-y", "2025",
                                  "--format", "html", "--out", str(path)])
    assert r.exit_code == 2 and "データベース" in r.output
    assert path.read_bytes() == before


# --- in a real browser (tests/browser.py) ---------------------------------------------------------

def test_chromium_prints_one_a4_page_per_decision(moka):
    from engine.page import render_html

    ARTIFACTS.mkdir(exist_ok=True)
    decisions = [d.model_copy(update={"staff_name": HOSTILE}) if i == 0 else d
                 for i, d in enumerate(_decisions(moka))]
    html = ARTIFACTS / "explain-11002.html"
    html.write_text(render_html(decisions, run_id=1, rules_version="0" * 64, ledger_hash="f" * 64), encoding="utf-8")
    pdf, png = ARTIFACTS / "explain-11002.pdf", ARTIFACTS / "explain-11002.png"
    for f in (pdf, png):
        f.unlink(missing_ok=True)

    r = _run("--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    assert pdf.exists(), r.stderr
    assert len(pdf_pages(pdf)) == len(decisions) == 3
    boxes = a4_boxes(pdf)
    assert boxes and all(abs(w - 595) < 1.5 and abs(h - 842) < 1.5 for w, h in boxes), boxes

    r = _run("--window-size=794,1123", f"--screenshot={png}", html.as_uri())
    assert png.exists(), r.stderr
    width, height, _ = png_pixels(png)
    assert (width, height) == (794, 1123)
    assert has_ink(png), "the screenshot is blank"

    r = _run("--dump-dom", html.as_uri())
    dom = r.stdout
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom  # shown as text
    assert "<title>pwned</title>" not in dom and "認定審査の説明" in dom
    (ARTIFACTS / "explain-11002.dom.html").write_text(dom, encoding="utf-8")
