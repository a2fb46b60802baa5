"""`nintei report`: the counts against the plan's targets, per 所属 and by year, and each plan's
views, as a workbook (read back, and converted by LibreOffice) and as a page (printed and
screenshotted by headless Chromium; kept in test-artifacts/). Expected counts come from
tests/data/<policy>_samples_expected.csv, targets from ../shared/policies.md, by hand."""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.browser import png_pixels as _png_pixels, run as _run
from tests.test_review_outputs import MOKA_RECORDS_MISSING, SAMPLES, convert, expected

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
POLICIES = ["moka", "goka", "oyama", "tarumizu", "kakamigahara"]


def review_and_report(tmp_path_factory, name: str, *options: str) -> dict[str, tuple[str, Path, Path]]:
    """Each policy's samples reviewed for 令和7年度, and its report in both formats (``name``.xlsx,
    ``name``.html, with ``options``): per policy the database, the workbook and the page."""
    out = {}
    for policy in POLICIES:
        folder = tmp_path_factory.mktemp(policy)
        db = f"sqlite:///{folder / 'n.db'}"
        r = CliRunner().invoke(main, ["--db", db, "review", "-p", policy, "-y", "R7", "--facts",
                                      str(SAMPLES / policy), "--format", "json"])
        assert r.exit_code == 0, r.output
        for suffix in ("xlsx", "html"):
            r = CliRunner().invoke(main, ["--db", db, "report", "-p", policy, "-y", "令和7年度", *options,
                                          "--out", str(folder / f"{name}.{suffix}")])
            assert r.exit_code == 0, r.output
        out[policy] = (db, folder / f"{name}.xlsx", folder / f"{name}.html")
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return review_and_report(tmp_path_factory, "報告書")


def sheet(path: Path, title: str) -> list[dict]:
    from openpyxl import load_workbook

    rows = list(load_workbook(path)[title].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def labels(policy: str) -> dict[str, str]:
    from engine.rulebook import load_rulebook

    return {c.label.ja: c.id for c in load_rulebook().policy(policy).certifications}


@pytest.mark.parametrize("policy", POLICIES)
def test_the_counts_are_the_expected_outcomes(reports, policy):
    tally = Counter((e["certification"], e["outcome"]) for e in expected(policy))
    rows = sheet(reports[policy][1], "年度別の集計")
    assert {r["年度"] for r in rows} == {2025} and {r["年度（和暦）"] for r in rows} == {"令和7年度"}
    for r in rows:
        cert = labels(policy)[r["認定区分"]]
        assert (r["新たに認定"], r["認定済（保持）"], r["非認定"]) == (
            tally[cert, "certified"], tally[cert, "held"], tally[cert, "not_certified"]), cert
        if policy == "moka":
            assert r["うち記録不足"] == len(MOKA_RECORDS_MISSING[cert])
    by_department = sheet(reports[policy][1], "所属別")
    for cert_label, cert in labels(policy).items():
        assert sum(r["新たに認定"] for r in by_department if r["認定区分"] == cert_label) == tally[cert, "certified"]


def test_moka_targets_are_cumulative_holders(reports):
    tally = Counter((e["certification"], e["outcome"]) for e in expected("moka"))
    rows = {(r["年度"], r["認定区分"]): r for r in sheet(reports["moka"][1], "目標と実績")}
    # policies.md: R5 advisor 20; R6 expert 10, advisor 30; R7 specialist 3, expert 20, advisor 40
    assert rows[2023, "DXアドバイザー"]["目標"] == 20 and rows[2023, "DXアドバイザー"]["実績"] is None  # not reviewed
    for label, cert, target in (("DXアドバイザー", "dx_advisor", 40), ("DXエキスパート", "dx_expert", 20),
                                ("DXスペシャリスト", "dx_specialist", 3)):
        r = rows[2025, label]
        holders = tally[cert, "certified"] + tally[cert, "held"]
        assert (r["目標"], r["実績"], r["数え方"]) == (target, holders, "年度末の累計保有者数")
        assert r["達成率(%)"] == round(100 * holders / target, 1)


def test_tarumizu_targets_are_new_per_year_and_the_training_compliance(reports):
    tally = Counter((e["certification"], e["outcome"]) for e in expected("tarumizu"))
    rows = {(r["年度"], r["認定区分"]): r for r in sheet(reports["tarumizu"][1], "目標と実績")}
    for label, cert, target in (("DX推進アドバイザー（認定）", "dx_advisor", 3), ("DX推進リーダー推薦候補", "dx_leader_candidate", 3),
                                ("DX推進員推薦候補", "dx_promoter_candidate", 10)):
        # the certifications part of the actual; the leader and promoter targets count new appointments
        # too (tests/test_report_appointments.py)
        assert (rows[2025, label]["目標"], rows[2025, label]["認定"]) == (target, tally[cert, "certified"])
    assert rows[2025, "DX推進アドバイザー（認定）"]["実績"] == tally["dx_advisor", "certified"]
    assert rows[2025, "DX推進アドバイザー（認定）"]["数え方"] == "その年度の新たな認定数"
    assert rows[2028, "DX推進アドバイザー（認定）"]["目標"] == 1  # the plan's later years, not yet reviewed
    compliance = {r["職員番号"]: r for r in sheet(reports["tarumizu"][1], "研修の受講状況（役割ごとの必須●研修）")}
    # expected: 31002 holds dx_advisor "although cyder_a, jlis_cloud, data_literacy were never completed"
    r = compliance["31002"]
    assert "アドバイザー" in r["役割"] and r["未修了数"] == 3
    assert set(r["未修了の●研修"].split("、")) == {"実践的サイバー防御演習 集合演習Aコース", "クラウドサービス基礎セミナー",
                                                 "データリテラシー"}


def test_oyama_skill_gaps(reports):
    gaps = sheet(reports["oyama"][1], "スキルの不足（職員ごと）")
    # expected: 12002 "一般職員; IT assessed c (理解) in FY2025 but b required"
    mine = [g for g in gaps if g["職員番号"] == "12002"]
    assert [(g["役割"], g["スキル"], g["現在のレベル"], g["求めるレベル"]) for g in mine] == [
        ("一般職員", "IT", "c（理解）", "b（活用）")]
    certified = {e["staff_id"] for e in expected("oyama") if e["certification"] == "skill_standard"
                 and e["outcome"] == "certified"}
    assert not certified & {g["職員番号"] for g in gaps}  # who met the standard lacks nothing
    per_skill = {r["スキル"]: r for r in sheet(reports["oyama"][1], "スキルの不足（スキルごと）")}
    assert sum(r["レベル不足"] + r["評価なし"] for r in per_skill.values()) == len(gaps)


def test_goka_track_levels(reports):
    best: dict[tuple[str, str], int] = {}
    for e in expected("goka"):
        track, level = re.fullmatch(r"(.+)_l(\d)", e["certification"]).groups()
        if e["outcome"] in ("certified", "held"):
            best[e["staff_id"], track] = max(best.get((e["staff_id"], track), 0), int(level))
    rows = {r["職員番号"]: r for r in sheet(reports["goka"][1], "トラックごとのレベル（職員ごと）")}
    heads = {"manager": "職員（管理職）", "dx_office": "DX推進主担当（デジタル推進室）",
             "dx_leader": "DX推進リーダー（各課職員）", "staff": "職員（各課職員）※管理職除く"}
    for (staff, track), level in best.items():
        assert rows[staff][heads[track]] == level, (staff, track)
    assert sum(1 for r in rows.values() for h in heads.values() if r[h]) == len(best)


# fact-records.md's grade titles, policies.md's goka tracks: read from the fact files by hand
GRADES = {**dict.fromkeys(["係員", "主事", "主任", "主任主事", "技師", "一般職員", "staff"], "staff"),
          **dict.fromkeys(["係長", "係長級", "主査", "主幹", "課長補佐", "監督職", "supervisor"], "supervisor"),
          **dict.fromkeys(["課長", "課長級", "室長", "参事", "次長", "管理職", "manager"], "manager"),
          **dict.fromkeys(["部長", "部長級", "局長", "理事", "executive"], "executive")}


def fiscal_year(text: str) -> int:
    text = unicodedata.normalize("NFKC", text).strip()
    if m := re.fullmatch(r"(?:令和|R)(\d+)(?:年度)?", text):
        return 2018 + int(m.group(1))
    return int(text)


def cp932_rows(path: Path) -> list[dict]:
    with path.open(encoding="cp932", newline="") as f:
        return list(csv.DictReader(f))


def goka_tracks_2025() -> dict[str, set[str]]:
    """Who is on each of goka's tracks in 2025, from the sample fact files (policies.md, goka):
    grade manager or executive; a department segment デジタル推進室; support team in two or more
    fiscal years since 2021; grade staff or supervisor."""
    roster = {r["職員番号"]: r for r in cp932_rows(SAMPLES / "goka" / "職員名簿.csv") if fiscal_year(r["年度"]) == 2025}
    terms: dict[str, set[int]] = {}
    for r in cp932_rows(SAMPLES / "goka" / "役割.csv"):
        if r["役割"] in ("情報化推進サポートチーム", "support_team") and fiscal_year(r["年度"]) >= 2021:
            terms.setdefault(r["職員番号"], set()).add(fiscal_year(r["年度"]))
    grade = {s: GRADES[r["職級"]] for s, r in roster.items()}
    department = {s: unicodedata.normalize("NFKC", r["所属"]).strip() for s, r in roster.items()}
    return {"manager": {s for s in roster if grade[s] in ("manager", "executive")},
            "dx_office": {s for s in roster if "デジタル推進室" in re.split(r"[\s/]+", department[s])},
            "dx_leader": {s for s in roster if len(terms.get(s, ())) >= 2},
            "staff": {s for s in roster if grade[s] in ("staff", "supervisor")}}


def test_goka_track_counts_only_the_staff_on_the_track(reports):
    tracks = goka_tracks_2025()
    roster = set().union(*tracks.values()) | {e["staff_id"] for e in expected("goka")}
    assert tracks["dx_office"] == {"51006", "51007", "51008", "51010"}  # 51009 left the office in 2025
    assert tracks["dx_leader"] == {"51011", "51014", "51015", "51016", "51028"}  # 51012, 51013: one term
    best = Counter()
    for e in expected("goka"):
        track, level = re.fullmatch(r"(.+)_l(\d)", e["certification"]).groups()
        if e["outcome"] in ("certified", "held"):
            best[e["staff_id"], track] = max(best[e["staff_id"], track], int(level))
    heads = {"manager": "職員（管理職）", "dx_office": "DX推進主担当（デジタル推進室）",
             "dx_leader": "DX推進リーダー（各課職員）", "staff": "職員（各課職員）※管理職除く"}
    counts = {r["トラック"]: r for r in sheet(reports["goka"][1], "トラックごとのレベル（人数）")}
    for track, on in tracks.items():
        r = counts[heads[track]]
        assert [r[f"レベル{n}"] for n in range(6)] == [sum(1 for s in on if best[s, track] == n) for n in range(6)], track
        assert r["対象外"] == len(roster) - len(on), track
    # 51027 is a 課長 holding 職員（各課職員） レベル2 from before: on the manager track only
    assert "51027" not in tracks["staff"] and best["51027", "staff"] == 2
    people = {r["職員番号"]: r for r in sheet(reports["goka"][1], "トラックごとのレベル（職員ごと）")}
    assert people["51027"][heads["staff"]] == 2 and people["51001"][heads["staff"]] is None
    html = reports["goka"][2].read_text(encoding="utf-8")
    assert "<th>対象外</th>" in html


def test_kakamigahara_training_plan(reports):
    plan = {r["研修"]: r for r in sheet(reports["kakamigahara"][1], "研修計画の実施状況")}
    staff = {e["staff_id"] for e in expected("kakamigahara")}
    r = plan["情報セキュリティ研修（基礎）"]
    assert r["対象"] == "全職員" and r["対象者数"] == len(staff) and r["修了"] + r["未修了"] == len(staff)
    assert plan["DXマインドアップ研修"]["対象"] == "課長級・部長級"
    assert plan["デジタルスキルアップ研修"]["対象"] == "デジタル推進員"


def test_report_errors_are_clean(reports, tmp_path):
    db = reports["moka"][0]
    runner = CliRunner()
    r = runner.invoke(main, ["--db", db, "report", "-p", "moka", "-y", "2019", "--out", str(tmp_path / "r.html")])
    assert r.exit_code == 1 and "nintei review" in r.output and "Traceback" not in r.output
    r = runner.invoke(main, ["--db", db, "report", "-p", "moka", "-y", "2025", "--out", str(tmp_path / "r.txt")])
    assert r.exit_code == 2 and "--format" in r.output
    r = runner.invoke(main, ["--db", db, "report", "-p", "moka", "-y", "2025", "--out", str(tmp_path / "無" / "r.xlsx")])
    assert r.exit_code == 2 and "フォルダ" in r.output
    r = runner.invoke(main, ["--db", db, "report", "-p", "nosuch", "-y", "2025", "--out", str(tmp_path / "r.xlsx")])
    assert r.exit_code == 1 and "Traceback" not in r.output


def test_libreoffice_reads_the_report(reports, tmp_path):
    made = convert(reports["moka"][1], "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false,false,-1",
                   tmp_path)
    sheets = {p.stem.split("-", 1)[1]: p.read_text(encoding="utf-8-sig") for p in made}
    assert '2025,"令和7年度","DXアドバイザー",40,' in sheets["目標と実績"]  # numbers as numbers
    assert sheets["年度別の集計"].startswith('"年度","年度（和暦）","認定区分","新たに認定"')


def test_the_page_is_self_contained_with_charts(reports):
    page = reports["moka"][2].read_text(encoding="utf-8")
    assert page.count('<svg class="chart"') == 3 and "目標と実績" in page and "令和7年度（2025年度）" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page) and "<link" not in page
    assert "@import" not in page and "<script" not in page
    assert '<meta name="viewport"' in page and "@page { size: A4" in page


def test_user_text_is_escaped(reports):
    from engine.report.html import render_page
    from engine.report.data import build
    from facts.db import get_engine

    report = build(get_engine(reports["moka"][0]), "moka", 2025)
    report.departments = {"<script>alert(1)</script>": {}}
    page = render_page(report)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("policy", ["moka", "tarumizu"])
def test_chromium_prints_the_report_on_a4_and_shows_it_on_a_phone(reports, policy):
    ARTIFACTS.mkdir(exist_ok=True)
    html = ARTIFACTS / f"report-{policy}.html"
    html.write_bytes(reports[policy][2].read_bytes())
    pdf, png, phone = (ARTIFACTS / f"report-{policy}{s}" for s in (".pdf", ".png", "-phone.png"))
    for f in (pdf, png, phone):
        f.unlink(missing_ok=True)
    r = _run("--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    assert pdf.exists(), r.stderr
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    assert boxes and all(abs(float(w) - 595) < 1.5 and abs(float(h) - 842) < 1.5 for w, h in boxes), boxes
    for path, size in ((png, "794,1123"), (phone, "390,844")):
        r = _run(f"--window-size={size}", f"--screenshot={path}", html.as_uri())
        assert path.exists(), r.stderr
        width, _height, raw = _png_pixels(path)
        assert width == int(size.split(",")[0])
        assert sum(1 for b in raw[::7] if b not in (0, 255)) > len(raw[::7]) // 200, "blank screenshot"
    dom = _run("--dump-dom", html.as_uri()).stdout
    assert dom.count("<svg") >= 3 and "<rect" in dom and "目標と実績" in dom
