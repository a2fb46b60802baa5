"""The review summary (engine/summary.py): the real gaps of the bundled Moka samples, with their
figures, records missing kept apart from not met, alternatives marked as such; and a --db that
cannot be opened."""
import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine import render
from engine.model import Decision, ExplanationNode, Observation

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "facts" / "samples" / "moka"


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('summary')}/n.db"
    r = CliRunner().invoke(main, ["--db", url, "import", str(SAMPLES)])
    assert r.exit_code == 0, r.output
    return url


@pytest.fixture(scope="module")
def csv_rows(db_url):
    """(staff_id, certification) -> summary, from `review --format csv` (ja and en)."""
    out = {}
    for lang in ("ja", "en"):
        r = CliRunner().invoke(main, ["--db", db_url, "review", "--policy", "moka", "--fiscal-year", "2025",
                                      "--format", "csv", "--lang", lang])
        assert r.exit_code == 0, r.output
        text = r.stdout.lstrip("\ufeff")
        sid, cert, summary = ("職員番号", "認定区分ID", "未充足の条件") if lang == "ja" else (
            "staff_id", "certification", "summary")
        out[lang] = {(row[sid], row[cert]): row[summary] for row in csv.DictReader(io.StringIO(text))}
    return out


@pytest.fixture(scope="module")
def table(db_url):
    r = CliRunner().invoke(main, ["--db", db_url, "review", "--policy", "moka", "--fiscal-year", "2025",
                                  "--format", "table"])
    assert r.exit_code == 0, r.output
    return r.stdout.splitlines()


def _row(table, staff, label):
    (line,) = [line for line in table if line.startswith(staff + " ") and f" {label} " in line]
    return line


def test_the_gap_is_the_members_score_with_its_figure(csv_rows):
    # 11006 led P24-03 and P25-04 with report scores above 3.50; the members gave 3.33 and 3.40
    s = csv_rows["ja"][("11006", "dx_expert")]
    assert "メンバー評価 3.33 < 3.50（0.17 不足）" in s
    assert "メンバー評価 3.40 < 3.50（0.10 不足）" in s
    assert "2024年度 P24-03" in s and "2025年度 P25-04" in s
    # not the advisor conditions, which 11006 meets
    assert "DXアドバイザーに認定されている" not in s and "アドバイザー要件" not in s


def test_the_two_led_years_are_alternatives(csv_rows):
    s = csv_rows["ja"][("11006", "dx_expert")]
    assert s.startswith("いずれか: ")
    first, second = s.removeprefix("いずれか: ").split(" ／ ")
    assert first.startswith("2024年度 P24-03") and "3.33 < 3.50" in first
    assert second.startswith("2025年度 P25-04") and "3.40 < 3.50" in second
    assert "; " not in s  # alternatives are not joined like requirements


def test_never_led_a_project_is_not_met_with_the_no_record_wording(csv_rows):
    # 11010 joined only P26-01 (after the review year): no project-year as leader at all
    s = csv_rows["ja"][("11010", "dx_expert")]
    assert s == "プロジェクト年度の評価: 該当する記録なし（役割 = リーダー）"
    assert "記録不足" not in s  # no such record is not met, not records missing
    assert csv_rows["ja"][("11010", "dx_advisor")] == "プロジェクト年度の評価: 該当する記録なし"


def test_records_missing_is_said_apart_and_names_what_is_missing(csv_rows):
    # 11012: P23-04 has no technical-perspective score, so no report score can be computed
    assert csv_rows["ja"][("11012", "dx_advisor")] == (
        "記録不足: 2023年度 P23-04 窓口キャッシュレス決済の導入検討（メンバー）: 技術的観点の評価なし")
    # 11019: P24-05 has no post-project score from its members
    assert csv_rows["ja"][("11019", "dx_expert")] == (
        "記録不足: 2024年度 P24-05 庁内データ連携基盤の検討（リーダー）: メンバーからの評価なし")


def test_records_missing_beside_a_low_score_as_alternatives(csv_rows):
    # 11013: P23-04 (records missing) or P25-05 (3.40, 0.10 short) could each have made an advisor
    s = csv_rows["ja"][("11013", "dx_advisor")]
    assert s.startswith("いずれか: 記録不足: 2023年度 P23-04")
    assert " ／ 2025年度 P25-05 介護認定事務のペーパーレス化（メンバー）: 報告会評価 3.40 < 3.50（0.10 不足）" in s


def test_advisor_standing_missing_only_through_an_incomplete_record(csv_rows):
    # 11007 led P24-04 with good scores; only P23-04 (no technical score) could have come first
    s = csv_rows["ja"][("11007", "dx_expert")]
    assert s.startswith("2024年度 P24-04 RPAによる税務事務の効率化（リーダー）: いずれか（")
    assert "記録不足: 2023年度 P23-04 窓口キャッシュレス決済の導入検討（メンバー）: 技術的観点の評価なし" in s
    assert "報告会評価 3.67" not in s and "メンバー評価 3.80" not in s  # met, not gaps


def test_consecutive_years_show_the_count(csv_rows):
    # 11005 met the leader requirement in 2023 and 2025 only
    assert csv_rows["ja"][("11005", "dx_specialist")] == "2023年度、2025年度: 連続年数 1 < 2（1 不足）"


def test_held_alternative_is_left_out_and_certified_or_held_say_nothing(csv_rows):
    for (staff, cert), s in csv_rows["ja"].items():
        assert "2025年度より前の年度にDX" not in s, (staff, cert, s)
    assert csv_rows["ja"][("11001", "dx_specialist")] == ""  # held
    assert csv_rows["ja"][("11003", "dx_specialist")] == ""  # certified
    # 11010 never led: the gap is that, not the noise of the inner conditions
    assert csv_rows["ja"][("11010", "dx_specialist")] == "連続年数 0 < 2（2 不足）"


def test_english(csv_rows):
    en = csv_rows["en"]
    s = en[("11006", "dx_expert")]
    assert s.startswith("any of: FY2024 P24-03")
    assert "members' score 3.33 < 3.50 (short by 0.17)" in s and " / FY2025 P25-04" in s
    assert en[("11012", "dx_advisor")] == (
        "records missing: FY2023 P23-04 窓口キャッシュレス決済の導入検討 (member): no technical scores")
    assert en[("11010", "dx_expert")] == "project-year scores: no such record (role = leader)"


def test_the_table_shows_the_same_summary(table, csv_rows):
    line = _row(table, "11006", "DXエキスパート")
    assert "非認定" in line and line.endswith(csv_rows["ja"][("11006", "dx_expert")])
    assert "記録不足: 2024年度 P24-05" in _row(table, "11019", "DXエキスパート")


# --- the shape of the summary, on small trees -----------------------------------------------------


def _leaf(i: str, met: bool, **kw) -> ExplanationNode:
    return ExplanationNode(id=i, kind="exists", description=f"条件{i}", met=met, **kw)


def _decision(root: ExplanationNode) -> Decision:
    return Decision(policy="p", fiscal_year=2025, staff_id="S1", certification="c", label="L",
                    outcome="not_certified", explanation=root)


def test_requirements_are_capped():
    root = ExplanationNode(id="r", kind="every", description="全部", met=False,
                           conditions=[_leaf(str(i), False) for i in range(7)])
    assert render.decision_summary(_decision(root)) == "条件0; 条件1; 条件2; 条件3; ほか 3 件"
    assert render.decision_summary(_decision(root), "en").endswith("; and 3 more")


def test_inapplicable_cases_are_left_out_and_records_missing_without_figures_is_marked():
    case_a = ExplanationNode(id="a", kind="not_applicable", description="A として（該当しない）", met=False,
                             conditions=[_leaf("A", False)])
    case_b = ExplanationNode(id="b", kind="all", description="B として", met=False,
                             conditions=[_leaf("B", False, missing_records=True)])
    root = ExplanationNode(id="r", kind="any", description="いずれかの役割", met=False, conditions=[case_a, case_b])
    assert render.decision_summary(_decision(root)) == "記録不足: 条件B"


def test_render_uses_the_summary_for_table_and_csv():
    obs = Observation(label="報告会評価", value=3.2, op=">=", threshold=3.5, met=False, shortfall=0.3,
                      subject="2025年度 P25-02")
    root = ExplanationNode(id="r", kind="all", description="基準", met=False,
                           conditions=[_leaf("1", False, observations=[obs])])
    d = _decision(root)
    expected = "2025年度 P25-02: 報告会評価 3.20 < 3.50（0.30 不足）"
    assert render.decisions_table([d])[0][-1] == expected
    from engine.results import decisions_csv

    text = "".join(decisions_csv([d])).removeprefix("\ufeff")
    assert list(csv.DictReader(io.StringIO(text)))[0]["未充足の条件"] == expected


# --- a database that cannot be opened -------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["review", "--policy", "moka", "--fiscal-year", "2025"],
    ["explain", "11006", "--policy", "moka", "--fiscal-year", "2025"],
    ["import", str(SAMPLES)],
])
def test_a_db_that_cannot_be_opened_exits_1_naming_the_url(args):
    url = "sqlite:////no/such/dir/x.db"
    for argv in (["--db", url, *args], [*args, "--db", url]):
        r = CliRunner().invoke(main, argv)
        assert r.exit_code == 1, r.output
        assert r.exception is None or isinstance(r.exception, SystemExit)
        assert "Traceback" not in r.output
        assert f"データベース {url} を開けません" in r.stderr
        assert "/no/such/dir" in r.stderr


def test_a_file_that_is_not_a_database_and_a_bad_url(tmp_path):
    not_db = tmp_path / "x.db"
    not_db.write_text("これはデータベースではありません\n" * 100, encoding="utf-8")
    r = CliRunner().invoke(main, ["--db", f"sqlite:///{not_db}", "review", "-p", "moka", "-y", "2025"])
    assert r.exit_code == 1 and f"データベース sqlite:///{not_db} を開けません" in r.stderr
    r = CliRunner().invoke(main, ["--db", "nosuch://user:secret@host/db", "review", "-p", "moka", "-y", "2025"])
    assert r.exit_code == 1 and "nosuch://user:***@host/db" in r.stderr and "secret" not in r.stderr
