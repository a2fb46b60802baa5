"""`nintei check`: runs the Gherkin examples and says which examples of which rules fail."""
from pathlib import Path

from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent

WRONG = """# language: ja
機能: 真岡市 DX人材認定（誤った例を含む）

  背景:
    前提 方針 "moka"

  ルール: dx_advisor 「プロジェクトにメンバーとして参加し、報告会において一定以上の評価を得る。」

    シナリオ: 3.4では認定されないはずが認定と書いてしまった例
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 20001    | 2025 | 真岡 一郎 | 総務課 | 主事 |
      かつ プロジェクト参加:
        | 職員番号 | 年度 | プロジェクト番号 | プロジェクト名 | 役割     |
        | 20001    | 2025 | P25-01           | 受付の見直し   | メンバー |
      かつ 評価:
        | 年度 | プロジェクト番号 | 評価区分 | 観点           | 評価者 | 評価者区分 | 被評価者 | 評価点 |
        | 2025 | P25-01           | 報告会   | 政策的観点     | EXE01  | 幹部職員   |          | 3.4    |
        | 2025 | P25-01           | 報告会   | リーダーシップ | ST01   | 職員       |          | 3.4    |
        | 2025 | P25-01           | 報告会   | 技術的観点     | EXT01  | 専門家     |          | 3.4    |
      もし 令和7年度の審査を行う
      ならば 職員 "20001" の "dx_advisor" は "認定" である

    シナリオ: 名簿にいない職員の例は手順の文が違う
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 20001    | 2025 | 真岡 一郎 | 総務課 | 主事 |
      もし 令和7年度の審査をする
      ならば 職員 "20001" の "dx_advisor" は "非認定" である

  ルール: dx_expert 「DXアドバイザーに認定された上で…」

    シナリオ: 何の記録もない職員はエキスパートに認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 20003    | 2025 | 真岡 三郎 | 総務課 | 主事 |
      もし 令和7年度の審査を行う
      ならば 職員 "20003" の "dx_expert" は "非認定" である
"""


def test_check_passes_the_bundled_examples_of_a_policy():
    r = CliRunner().invoke(main, ["check", str(ROOT / "features" / "oyama.feature")])
    assert r.exit_code == 0, r.output
    assert "合計: 38 例中 38 例が合格" in r.output
    assert "ルール skill_standard" in r.output and "例すべて合格" in r.output


def test_check_names_the_failing_example_its_rule_line_and_what_went_wrong(tmp_path):
    feature = tmp_path / "wrong.feature"
    feature.write_text(WRONG, encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert r.exit_code == 1, r.output
    out = r.output
    assert "ルール dx_advisor" in out and "2 例中 2 例が不合格" in out
    assert "シナリオ「3.4では認定されないはずが認定と書いてしまった例」" in out
    assert "wrong.feature:9)" in out and "wrong.feature:22)" in out  # the scenario's and the failing step's lines
    assert "職員 20001 の dx_advisor は「非認定」でした（例では「認定」）。満たさない条件: " in out
    assert "もし 令和7年度の審査をする" in out and "この文に合う手順（step）がありません" in out
    assert "ルール dx_expert" in out and "1 例すべて合格" in out
    assert "合計: 3 例中 1 例が合格（不合格あり）" in out


def test_check_in_english_and_without_feature_files(tmp_path):
    (tmp_path / "wrong.feature").write_text(WRONG, encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(tmp_path / "wrong.feature"), "--lang", "en"])
    assert r.exit_code == 1 and "total: 1 of 3 examples pass — FAILED" in r.output
    empty = tmp_path / "empty"
    empty.mkdir()
    r = CliRunner().invoke(main, ["check", str(empty)])
    assert r.exit_code == 1 and "仕様書（.feature）がありません" in r.output


OUTLINE = """# language: ja
機能: 真岡市 DX人材認定（アウトライン）

  背景:
    前提 方針 "moka"

  ルール: dx_advisor 「プロジェクトにメンバーとして参加し、報告会において一定以上の評価を得る。」

    シナリオアウトライン: 報告会評価 <点> のメンバー
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 20001    | 2025 | 真岡 一郎 | 総務課 | 主事 |
      かつ プロジェクト参加:
        | 職員番号 | 年度 | プロジェクト番号 | プロジェクト名 | 役割     |
        | 20001    | 2025 | P25-01           | 受付の見直し   | メンバー |
      かつ 評価:
        | 年度 | プロジェクト番号 | 評価区分 | 観点           | 評価者 | 評価者区分 | 被評価者 | 評価点 |
        | 2025 | P25-01           | 報告会   | 政策的観点     | EXE01  | 幹部職員   |          | <点>   |
        | 2025 | P25-01           | 報告会   | リーダーシップ | ST01   | 職員       |          | <点>   |
        | 2025 | P25-01           | 報告会   | 技術的観点     | EXT01  | 専門家     |          | <点>   |
      もし 令和7年度の審査を行う
      ならば 職員 "20001" の "dx_advisor" は "<結果>" である

      例:
        | 点  | 結果   |
        | 3.4 | 非認定 |
        | 3.6 | 非認定 |
        | 3.7 | 認定   |
"""


def test_each_row_of_a_scenario_outline_passes_or_fails_on_its_own(tmp_path):
    """The rows of an outline share the outline's line: a wrong row must not fail the rows after it."""
    feature = tmp_path / "outline.feature"
    feature.write_text(OUTLINE, encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(feature)])
    assert r.exit_code == 1, r.output
    assert "合計: 3 例中 2 例が合格（不合格あり）" in r.output, r.output
    assert "報告会評価 3.6 のメンバー" in r.output and "報告会評価 3.7 のメンバー" not in r.output


def test_a_control_character_in_a_scenario_name_is_written_out_not_sent_to_the_terminal(tmp_path):
    feature = tmp_path / "escape.feature"
    feature.write_text(OUTLINE.replace("シナリオアウトライン: 報告会評価 <点> のメンバー",
                                       "シナリオアウトライン: 報告会評価 <点> の\x1b[2Jメンバー\x07"), encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(feature)], color=True)
    assert r.exit_code == 1, r.output
    assert "報告会評価 3.6 の\\x1b[2Jメンバー\\x07" in r.output, r.output
    assert "\x1b" not in r.output and "\x07" not in r.output
