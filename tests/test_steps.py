"""The shared Gherkin steps about explanations (engine/steps.py) can fail: `説明に "X" が含まれる`
looks only at what was NOT met (why not), `満たした条件に "X" が含まれる` at what was met (why), and
numbers compare as numbers (4.00 is 4.0)."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.model import Decision, ExplanationNode, Observation
from engine.steps import then_explanation_mentions, then_explanation_omits, then_met_conditions_mention


def _decision() -> Decision:
    """Not certified: the project participation and the report score were met, the member score
    (3.2 against 3.5) was not; the 'held' alternative was not met either."""
    participation = ExplanationNode(
        id="participation", kind="exists", description="リーダーとしてプロジェクトに参加している", met=True,
        observations=[Observation(label="参加年度", value=2025, op=">=", threshold=2025, met=True,
                                  subject="2025年度 P25-01 受付の見直し")])
    report = ExplanationNode(
        id="report", kind="compare", description="報告会評価が基準点以上", met=True,
        observations=[Observation(label="報告会評価", value=4.0, op=">=", threshold=3.5, met=True,
                                  subject="2025年度 P25-01")])
    member = ExplanationNode(
        id="member", kind="compare", description="メンバー評価が基準点以上", met=False,
        observations=[Observation(label="メンバー評価", value=3.2, op=">=", threshold=3.5, met=False,
                                  shortfall=0.3, subject="2025年度 P25-02"),
                      Observation(label="評価者数", value=3, op=">=", threshold=3, met=True,
                                  subject="2025年度 P25-02 評価者")])
    conditions = ExplanationNode(id="all", kind="all", description="条件のすべて", met=False,
                                 conditions=[participation, report, member])
    held = ExplanationNode(id="held", kind="held", description="前年度までにDXスペシャリストに認定されている",
                           met=False)
    root = ExplanationNode(id="root", kind="any", description="DXスペシャリストの認定基準", met=False,
                           conditions=[held, conditions])
    return Decision(policy="moka", fiscal_year=2025, staff_id="20001", certification="dx_specialist",
                    label="DXスペシャリスト", outcome="not_certified", explanation=root)


@pytest.fixture
def state():
    return {"decision": _decision()}


@pytest.mark.parametrize("text", ["報告会評価", "リーダーとしてプロジェクトに参加", "2025年度 P25-01", "4.00", "評価者数"])
def test_the_why_not_step_fails_on_a_condition_that_was_met(state, text):
    with pytest.raises(AssertionError) as excinfo:
        then_explanation_mentions(state, text)
    message = str(excinfo.value)
    assert f"「{text}」は満たした条件の説明にあり、満たさない条件の説明にはありません" in message
    assert "満たさない条件: " in message and "「メンバー評価」" in message
    then_met_conditions_mention(state, text)  # what the example should have said
    then_explanation_omits(state, text)  # and it is no reason why not


@pytest.mark.parametrize("text", ["メンバー評価", "メンバー評価が基準点以上", "2025年度 P25-02", "3.2", "3.5",
                                  "前年度までにDXスペシャリストに認定", "DXスペシャリストの認定基準"])
def test_the_why_not_step_passes_on_a_condition_that_was_not_met(state, text):
    then_explanation_mentions(state, text)
    with pytest.raises(AssertionError, match="満たさない条件の説明に「.*」があります"):
        then_explanation_omits(state, text)


def test_the_met_step_fails_on_what_was_not_met_and_on_what_is_not_there(state):
    with pytest.raises(AssertionError, match="満たした条件の説明に「メンバー評価」がありません（満たさない条件の説明にはあります）"):
        then_met_conditions_mention(state, "メンバー評価")
    with pytest.raises(AssertionError, match="満たした条件の説明に「窓口」がありません（説明のどこにもありません）"):
        then_met_conditions_mention(state, "窓口")
    with pytest.raises(AssertionError, match="満たさない条件の説明に「窓口」がありません。満たさない条件: "):
        then_explanation_mentions(state, "窓口")
    then_explanation_omits(state, "窓口")


@pytest.mark.parametrize("text,unmet", [
    ("3.50", True), ("3.500", True), ("3.5", True), ("3.20", True), ("3.2", True),  # the member score's figures
    ("4.0", False), ("4.00", False), ("4", False),  # the report score 4.0 was met
    ("3", False),  # '3' is neither 3.2 nor 3.5 (and 評価者数 3 was met)
    ("3.25", False), ("0.5", False), ("13.2", False), ("32", False),
])
def test_numbers_compare_as_numbers(state, text, unmet):
    if unmet:
        then_explanation_mentions(state, text)
    else:
        with pytest.raises(AssertionError):
            then_explanation_mentions(state, text)


@pytest.mark.parametrize("text,met", [("4.00", True), ("4.0", True), ("4", True), ("4.000", True),
                                      ("2025", True), ("3", True), ("4.5", False), ("40", False), ("14", False)])
def test_a_number_in_the_met_step_matches_it_with_any_number_of_decimals(state, text, met):
    if met:
        then_met_conditions_mention(state, text)
    else:
        with pytest.raises(AssertionError):
            then_met_conditions_mention(state, text)


def test_ids_with_leading_zeros_and_dotted_dates_are_not_numbers_to_round(state):
    then_explanation_mentions(state, "P25-02")
    with pytest.raises(AssertionError):
        then_explanation_mentions(state, "P25-2")


FEATURE = """# language: ja
機能: 真岡市 DXアドバイザー（説明の手順）

  背景:
    前提 方針 "moka"
    かつ 職員名簿:
      | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
      | 20001    | 2025 | 真岡 一郎 | 総務課 | 主事 |
    かつ プロジェクト参加:
      | 職員番号 | 年度 | プロジェクト番号 | プロジェクト名 | 役割     |
      | 20001    | 2025 | P25-01           | 受付の見直し   | メンバー |

  ルール: dx_advisor

    シナリオ: 報告会評価が基準点以上なら認定され、報告会評価は満たした条件にある
      前提 評価:
        | 年度 | プロジェクト番号 | 評価区分 | 観点           | 評価者 | 評価者区分 | 被評価者 | 評価点 |
        | 2025 | P25-01           | 報告会   | 政策的観点     | EXE01  | 幹部職員   |          | 4.0    |
        | 2025 | P25-01           | 報告会   | リーダーシップ | ST01   | 職員       |          | 4.0    |
        | 2025 | P25-01           | 報告会   | 技術的観点     | EXT01  | 専門家     |          | 4.0    |
      もし 令和7年度の審査を行う
      ならば 職員 "20001" の "dx_advisor" は "認定" である
      かつ 満たした条件に "報告会評価" が含まれる
      かつ 満たした条件に "4.00" が含まれる
      かつ 説明に "報告会評価" が含まれない

    シナリオ: 認定された条件を「説明に」で確かめる誤った例
      前提 評価:
        | 年度 | プロジェクト番号 | 評価区分 | 観点           | 評価者 | 評価者区分 | 被評価者 | 評価点 |
        | 2025 | P25-01           | 報告会   | 政策的観点     | EXE01  | 幹部職員   |          | 4.0    |
        | 2025 | P25-01           | 報告会   | リーダーシップ | ST01   | 職員       |          | 4.0    |
        | 2025 | P25-01           | 報告会   | 技術的観点     | EXT01  | 専門家     |          | 4.0    |
      もし 令和7年度の審査を行う
      ならば 職員 "20001" の "dx_advisor" は "認定" である
      かつ 説明に "報告会評価" が含まれる

    シナリオ: 3.4では認定されず、報告会評価 3.40 が満たさない条件にある
      前提 評価:
        | 年度 | プロジェクト番号 | 評価区分 | 観点           | 評価者 | 評価者区分 | 被評価者 | 評価点 |
        | 2025 | P25-01           | 報告会   | 政策的観点     | EXE01  | 幹部職員   |          | 3.4    |
        | 2025 | P25-01           | 報告会   | リーダーシップ | ST01   | 職員       |          | 3.4    |
        | 2025 | P25-01           | 報告会   | 技術的観点     | EXT01  | 専門家     |          | 3.4    |
      もし 令和7年度の審査を行う
      ならば 職員 "20001" の "dx_advisor" は "非認定" である
      かつ 説明に "報告会評価" が含まれる
      かつ 説明に "3.40" が含まれる
      かつ 説明に "3.50" が含まれる
"""


def test_nintei_check_reports_a_why_not_step_on_a_met_condition_in_plain_japanese(tmp_path):
    feature = tmp_path / "steps.feature"
    feature.write_text(FEATURE, encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(feature)])
    assert r.exit_code == 1, r.output
    out = r.output
    assert "ルール dx_advisor: 3 例中 1 例が不合格" in out
    assert "✘ シナリオ「認定された条件を「説明に」で確かめる誤った例」 (" in out
    assert 'かつ 説明に "報告会評価" が含まれる (' in out
    assert "→ 「報告会評価」は満たした条件の説明にあり、満たさない条件の説明にはありません" in out
    assert "合計: 3 例中 2 例が合格（不合格あり）" in out
    assert "Traceback" not in out and "AssertionError" not in out
