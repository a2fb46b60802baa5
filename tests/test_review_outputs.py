"""`review --format xlsx` / `--out 結果.xlsx` and the `--out` rules of spec/cli.md ("Output files"):
the workbook read back with openpyxl, and converted headless by LibreOffice (scripts/test.sh
installs it), whose CSV of the sheet must hold the Japanese headers and the numbers as numbers.
Expected counts come from tests/data/moka_samples_expected.csv; the decisions lacking records
were worked out by hand from the reasons written there."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SAMPLES = ROOT / "facts" / "samples"

# moka_samples_expected.csv: the not-certified decisions whose reason is a score that could not be
# computed (no technical rows, no post-project rows): records missing, not merit
MOKA_RECORDS_MISSING = {"dx_advisor": {"11012", "11013"}, "dx_expert": {"11007", "11013", "11019"},
                        "dx_specialist": {"11013", "11019"}}


def expected(policy: str) -> list[dict]:
    with (ROOT / "tests" / "data" / f"{policy}_samples_expected.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def moka(tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    db = f"sqlite:///{folder / 'n.db'}"
    out = folder / "結果.xlsx"
    r = CliRunner().invoke(main, ["--db", db, "review", "-p", "moka", "-y", "R7", "--facts", str(SAMPLES / "moka"),
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    return db, out


def _sheet(path: Path, title: str) -> list[tuple]:
    from openpyxl import load_workbook

    return list(load_workbook(path)[title].iter_rows(values_only=True))


def test_the_workbook_has_a_row_per_staff_member_in_japanese(moka):
    from openpyxl import load_workbook

    _db, out = moka
    wb = load_workbook(out)
    assert wb.sheetnames == ["審査結果", "集計"]
    ws = wb["審査結果"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    assert head[:6] == ("職員番号", "氏名", "所属", "職級", "年度", "年度（和暦）")
    assert {"DXアドバイザー", "DXエキスパート 未充足の条件", "記録不足", "上書き", "取消"} <= set(head)
    by_staff = {r[0]: dict(zip(head, r)) for r in rows[1:]}
    want = {(e["staff_id"], e["certification"]): e["outcome"] for e in expected("moka")}
    assert set(by_staff) == {s for s, _ in want}
    words = {"certified": "認定", "held": "認定済（保持）", "not_certified": "非認定"}
    labels = {"dx_advisor": "DXアドバイザー", "dx_expert": "DXエキスパート", "dx_specialist": "DXスペシャリスト"}
    for (staff, cert), outcome in want.items():
        assert by_staff[staff][labels[cert]] == words[outcome], (staff, cert)
    r = by_staff["11006"]
    assert r["年度"] == 2025 and r["年度（和暦）"] == "令和7年度"
    assert (r["職級"], by_staff["11016"]["職級"]) == ("係長級", "部長級")  # 主査, 部長 on the roster
    assert "メンバー評価 3.33 < 3.50（0.17 不足）" in r["DXエキスパート 未充足の条件"]
    assert by_staff["11013"]["記録不足"] and not by_staff["11006"]["記録不足"]
    assert by_staff["11003"]["DXスペシャリスト 未充足の条件"] is None  # certified: nothing unmet


def test_the_counts_sheet_matches_the_expected_file(moka):
    _db, out = moka
    rows = _sheet(out, "集計")
    assert rows[0] == ("年度", "年度（和暦）", "認定区分", "認定", "認定済（保持）", "非認定", "うち記録不足", "計")
    tally = Counter((e["certification"], e["outcome"]) for e in expected("moka"))
    labels = {"DXアドバイザー": "dx_advisor", "DXエキスパート": "dx_expert", "DXスペシャリスト": "dx_specialist"}
    for year, wareki, label, certified, held, not_certified, missing, total in rows[1:]:
        cert = labels[label]
        assert (year, wareki) == (2025, "令和7年度")
        assert (certified, held, not_certified) == (tally[cert, "certified"], tally[cert, "held"],
                                                    tally[cert, "not_certified"])
        assert missing == len(MOKA_RECORDS_MISSING[cert]) and total == 30


def test_override_and_revocation_have_their_own_columns(moka, tmp_path):
    db, _out = moka
    runner = CliRunner()
    r = runner.invoke(main, ["--db", db, "override", "11006", "-p", "moka", "-y", "R7", "-c", "dx_expert",
                             "--outcome", "certified", "--reason", "=再審査で確認", "--by", "審査担当"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--db", db, "revoke", "11003", "-p", "moka", "-c", "dx_specialist", "--reason", "退職",
                             "--by", "人事課", "--date", "令和7年10月1日"])
    assert r.exit_code == 0, r.output
    out = tmp_path / "再.xlsx"
    r = runner.invoke(main, ["--db", db, "review", "-p", "moka", "-y", "R7", "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = _sheet(out, "審査結果")
    by_staff = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert by_staff["11006"]["上書き"].startswith("DXエキスパート: 認定（審査担当、")
    assert "理由: =再審査で確認" in by_staff["11006"]["上書き"]
    assert by_staff["11003"]["取消"] == "DXスペシャリスト: 2025-10-01 付け（人事課；根拠: 退職）"
    assert by_staff["11006"]["DXエキスパート"] == "非認定"  # the engine's outcome stays
    r = runner.invoke(main, ["--db", db, "review", "-p", "moka", "-y", "R7", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout.removeprefix("\ufeff"))))
    row = next(x for x in rows if (x["職員番号"], x["認定区分ID"]) == ("11006", "dx_expert"))
    assert row["結果"] == "非認定" and row["上書き"].startswith("認定（審査担当、")
    row = next(x for x in rows if (x["職員番号"], x["認定区分ID"]) == ("11003", "dx_specialist"))
    assert row["取消"] == "2025-10-01 付け（人事課；根拠: 退職）"


def test_csv_file_has_a_bom_and_json_stays_json(moka, tmp_path):
    db, _out = moka
    out = tmp_path / "結果.csv"
    r = CliRunner().invoke(main, ["--db", db, "review", "-p", "moka", "-y", "2025", "--out", str(out)])
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").startswith("職員番号,氏名,所属,")
    out = tmp_path / "結果.json"
    r = CliRunner().invoke(main, ["--db", db, "review", "-p", "moka", "-y", "2025", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text(encoding="utf-8"))["policy"] == "moka"


def test_a_missing_folder_is_refused_before_the_review_runs(tmp_path):
    db = tmp_path / "never.db"
    r = CliRunner().invoke(main, ["--db", f"sqlite:///{db}", "review", "-p", "moka", "-y", "2025",
                                  "--facts", str(SAMPLES / "moka"), "--out", str(tmp_path / "無い" / "結果.xlsx")])
    assert r.exit_code == 2 and "フォルダ" in r.output and "Traceback" not in r.output
    assert not db.exists()  # nothing imported, nothing reviewed


def test_the_database_is_never_overwritten(moka):
    db, _out = moka
    path = Path(db.removeprefix("sqlite:///"))
    before = path.read_bytes()
    for args in (["--out", str(path)], ["--format", "xlsx", "--out", str(path)]):
        r = CliRunner().invoke(main, ["--db", db, "review", "-p", "moka", "-y", "2025", *args])
        assert r.exit_code == 2 and "データベース" in r.output and "Traceback" not in r.output
    assert path.read_bytes() == before


def test_html_out_points_at_the_report(moka, tmp_path):
    db, _out = moka
    r = CliRunner().invoke(main, ["--db", db, "review", "-p", "moka", "-y", "2025", "--out", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "nintei report" in r.output


# --- in LibreOffice --------------------------------------------------------------------------------

def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.fail("LibreOffice is not installed: scripts/test.sh installs it (libreoffice-calc-nogui)")
    return exe


def convert(path: Path, to: str, outdir: Path) -> list[Path]:
    """``soffice --headless --convert-to`` with a profile of its own (never the user's); the
    files it wrote (one per sheet for CSV)."""
    run = subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{outdir}/.lo",
                          "--convert-to", to, "--outdir", str(outdir), str(path)],
                         capture_output=True, text=True, timeout=300)
    made = sorted(outdir.glob(path.stem + "*." + to.split(":")[0]))
    assert run.returncode == 0 and made, run.stdout + run.stderr
    return made


def test_libreoffice_reads_the_workbook(moka, tmp_path):
    _db, out = moka
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(out, ARTIFACTS / "review-moka.xlsx")
    # every sheet as CSV, UTF-8, text cells quoted and numbers not (filter options: separator 44,
    # quote 34, encoding 76 = UTF-8, line 1, -, -, quote all text cells, ..., sheet -1 = each sheet)
    made = convert(out, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false,false,-1", tmp_path)
    sheets = {p.stem.split("-", 1)[1]: p.read_text(encoding="utf-8-sig").splitlines() for p in made}
    assert set(sheets) == {"審査結果", "集計"}
    results = sheets["審査結果"]
    assert results[0].startswith('"職員番号","氏名","所属","職級","年度","年度（和暦）","DXアドバイザー"')
    assert ',2025,"令和7年度",' in results[1]  # the year a number, its 和暦 text
    rows = list(csv.reader(io.StringIO("\n".join(results))))
    assert {r[0] for r in rows[1:]} == {e["staff_id"] for e in expected("moka")}
    tally = Counter((e["certification"], e["outcome"]) for e in expected("moka"))
    line = (f'2025,"令和7年度","DXエキスパート",{tally["dx_expert", "certified"]},{tally["dx_expert", "held"]},'
            f'{tally["dx_expert", "not_certified"]},{len(MOKA_RECORDS_MISSING["dx_expert"])},30')
    assert line in sheets["集計"]  # counts as numbers
    pdf = convert(out, "pdf", tmp_path)[0]
    assert pdf.read_bytes().startswith(b"%PDF")
    shutil.copy(pdf, ARTIFACTS / "review-moka.pdf")


def test_a_formula_like_name_is_text_in_the_workbook(moka, tmp_path):
    """A staff name ``=HYPERLINK(...)`` is a string cell holding that text: never a formula, in
    openpyxl or in LibreOffice."""
    from openpyxl import load_workbook

    from engine.review import stored_decisions
    from engine.workbook import review_workbook
    from facts.db import get_engine

    hostile = '=HYPERLINK("http://evil.example","x")'
    decisions = [d.model_copy(update={"staff_name": hostile, "department": "@SUM(1)"})
                 for d in stored_decisions(get_engine(moka[0]), "moka", 2025, staff_id="11006")]
    out = tmp_path / "hostile.xlsx"
    review_workbook(decisions, [("dx_advisor", "DXアドバイザー"), ("dx_expert", "DXエキスパート"),
                                ("dx_specialist", "DXスペシャリスト")], {}, 2025, out)
    cell = load_workbook(out)["審査結果"]["B2"]
    assert (cell.value, cell.data_type) == (hostile, "s")
    made = convert(out, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false,false,-1", tmp_path)
    text = next(p for p in made if p.stem.endswith("審査結果")).read_text(encoding="utf-8-sig")
    assert '"=HYPERLINK(""http://evil.example"",""x"")","@SUM(1)"' in text  # shown as written
