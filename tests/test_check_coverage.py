"""`nintei check --coverage`: which conditions of the rules the examples met and did not meet,
from the engine's own judgements of the examples (a feature file written here, run as check runs it)."""
import json
import re
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from cli import main
from engine.coverage.tally import near, step
from engine.coverage.universe import Boundary
from engine.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ("goka", "kakamigahara", "moka", "oyama", "tarumizu")

HEAD = """# language: ja
機能: 真岡市 DXアドバイザーの例（網羅の確認）

  背景:
    前提 方針 "moka"

  ルール: dx_advisor 「プロジェクトにメンバーとして参加し、報告会において一定以上の評価を得る。」
"""

EXAMPLE = """
    シナリオ: {title}
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 20001    | 2025 | 真岡 一郎 | 総務課 | 主事 |
      かつ プロジェクト参加:
        | 職員番号 | 年度 | プロジェクト番号 | プロジェクト名 | 役割     |
        | 20001    | 2025 | P25-01           | 受付の見直し   | メンバー |
      かつ 評価:
        | 年度 | プロジェクト番号 | 評価区分 | 観点           | 評価者 | 評価者区分 | 被評価者 | 評価点  |
        | 2025 | P25-01           | 報告会   | 政策的観点     | EXE01  | 幹部職員   |          | {score} |
        | 2025 | P25-01           | 報告会   | リーダーシップ | ST01   | 職員       |          | {score} |
        | 2025 | P25-01           | 報告会   | 技術的観点     | EXT01  | 専門家     |          | {score} |
      もし 令和7年度の審査を行う
      ならば 職員 "20001" の "dx_advisor" は "{outcome}" である
"""

AT_THRESHOLD = EXAMPLE.format(title="ちょうど3.5なら認定", score="3.5", outcome="認定")
BELOW = EXAMPLE.format(title="3.4なら認定されない", score="3.4", outcome="非認定")
BELOW_WRONG = EXAMPLE.format(title="3.4で認定と書いた誤った例", score="3.4", outcome="認定")


def _feature(tmp_path, *examples) -> Path:
    path = tmp_path / "advisor.feature"
    path.write_text(HEAD + "".join(examples), encoding="utf-8")
    return path


def _at(condition_id: str) -> str:
    """Where the rule file states a condition of Moka's rules: rules/moka.yaml:LINE."""
    moka = load_rulebook().policy("moka")
    node = next(n for c in moka.certifications for n in c.condition.walk() if n.id == condition_id)
    return f"{node.loc.file}:{node.loc.line}"


def _run(*args):
    return CliRunner().invoke(main, ["check", "--coverage", *map(str, args)])


def test_a_condition_never_unmet_is_reported_with_its_line_until_an_example_covers_it(tmp_path):
    # the wrong example fails: its judgement (not met) does not count, so the condition was only met
    r = _run(_feature(tmp_path, AT_THRESHOLD, BELOW_WRONG))
    assert r.exit_code == 1, r.output
    out = r.output
    assert "合計: 2 例中 1 例が合格（不合格あり）" in out  # the examples' report comes first, as check's
    advisor = f"◐ {_at('advisor_project')} advisor_project 「"
    assert advisor in out
    line = next(x for x in out.splitlines() if advisor in x)
    assert "満たす例だけで、満たさない例がない（満たす例: " in line and "advisor.feature:9）" in line
    assert "引用: 「プロジェクトにメンバーとして参加し、報告会において一定以上の評価を得る。」" in out
    # the threshold test of that condition: its own line (report_score: {gte: $report_threshold})
    assert "報告会評価 ≥ $report_threshold（報告会評価の基準点）」: 満たす例だけで" in out
    # no example asserts a DX Expert decision: its condition was never judged
    assert f"✘ {_at('expert_leader_project')} expert_leader_project 「" in out
    assert "どの例でも判定されていない" in out
    assert "✔ rules/moka.yaml:" in out and "report_threshold（報告会評価の基準点）= 3.5: ちょうど 3.5（満たす" in out
    assert "すぐ下" not in out

    # the example written right covers it: not met at 3.4, one step below the threshold
    r = _run(_feature(tmp_path, AT_THRESHOLD, BELOW))
    assert r.exit_code == 0, r.output
    assert "advisor_project 「" not in r.output
    assert "認定区分 dx_advisor（DXアドバイザー）: " in r.output
    assert "すぐ下 3.4（満たさない、" in r.output
    assert f"✘ {_at('expert_leader_project')} expert_leader_project 「" in r.output


def test_json_holds_every_condition_with_its_status_and_the_boundaries(tmp_path):
    r = _run(_feature(tmp_path, AT_THRESHOLD), "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert set(doc) == {"examples", "policies", "unknown_policies", "total", "fail_under", "ok"}
    assert doc["examples"]["total"] == doc["examples"]["passed"] == 1 and doc["ok"] is True
    [moka] = doc["policies"]
    assert moka["policy"] == "moka" and moka["file"] == "rules/moka.yaml"
    certs = {c["id"]: c for c in moka["certifications"]}
    assert list(certs) == ["dx_advisor", "dx_expert", "dx_specialist"]
    items = {tuple(i["path"]): i for i in certs["dx_advisor"]["conditions"]}
    project = items[("advisor_project",)]
    assert project["status"] == "half" and project["missing"] == "unmet"
    assert project["location"].startswith(_at("advisor_project") + ":")
    assert project["met_in"] == [f"{tmp_path / 'advisor.feature'}:9"] and project["unmet_in"] == []
    assert items[("dx_advisor#held",)]["status"] == "half" and items[("dx_advisor#held",)]["missing"] == "met"
    assert all(i["status"] == "uncovered" for i in certs["dx_expert"]["conditions"])
    c = certs["dx_advisor"]["counts"]
    assert c == {"conditions": 3, "covered": 0, "half": 3, "uncovered": 0} and certs["dx_advisor"]["percent"] == 50.0
    everything = [i for cert in certs.values() for i in cert["conditions"]]
    assert moka["counts"]["conditions"] == len(everything) == doc["total"]["counts"]["conditions"]
    assert doc["total"]["percent"] == round(100 * 3 / (2 * len(everything)), 1)
    params = {p["name"]: p for p in moka["parameters"]}
    assert params["report_threshold"]["status"] == "tested"
    assert params["report_threshold"]["at"] == [{"value": 3.5, "met": True, "example": project["met_in"][0]}]
    assert params["member_threshold"]["status"] == "never_compared"
    assert params["advisor_roles"]["checked"] is False and "status" not in params["advisor_roles"]


def test_fail_under_exits_1_below_the_total_and_0_at_or_above_it(tmp_path):
    feature = _feature(tmp_path, AT_THRESHOLD, BELOW)
    r = _run(feature, "--fail-under", "50")
    assert r.exit_code == 1, r.output
    assert "合計: 2 例中 2 例が合格" in r.output  # every example passes: the total alone fails it
    total = float(re.search(r"合計 網羅率: ([\d.]+)%", r.output)[1])
    assert 0 < total < 50
    assert f"網羅率 {total:.1f}% が --fail-under の 50% を下回っています" in r.output
    r = _run(feature, "--fail-under", f"{int(total)}")
    assert r.exit_code == 0, r.output
    assert "下回っています" not in r.output


def test_in_english(tmp_path):
    r = _run(_feature(tmp_path, AT_THRESHOLD), "--lang", "en")
    assert r.exit_code == 0, r.output
    out = r.output
    assert "total: 1 of 1 examples pass" in out
    assert "certification dx_advisor (DX Advisor): 50.0%" in out
    assert "advisor_project 「a project joined as member (or leader) scored at or above the threshold" in out
    assert "only met, never not met (met in " in out
    assert "no example judged it" in out
    assert "report_threshold (report-meeting score threshold) = 3.5: at 3.5 (met, " in out
    assert "member_threshold (members' score threshold) = 3.5: no example compared a value with it" in out
    assert "total coverage: " in out and "numeric parameters tested at their boundary: 1 of 3" in out


def test_format_and_fail_under_belong_to_coverage():
    r = CliRunner().invoke(main, ["check", "--fail-under", "80"])
    assert r.exit_code == 2 and "--coverage と一緒に使います" in r.output
    r = CliRunner().invoke(main, ["check", "--coverage", "--fail-under", "101"])
    assert r.exit_code == 2


def test_the_smallest_step_of_a_threshold():
    moka = load_rulebook().policy("moka")
    score = Boundary(moka.parameters["report_threshold"])
    assert step(score, Decimal("3.5")) == Decimal("0.1") and step(score, Decimal("3.25")) == Decimal("0.01")
    assert step(score, Decimal("4")) == Decimal("0.1")
    score.seen = [(Decimal("3.3333333333333335"), Decimal("3.5"), False, "a:1"), (Decimal("3.6"), Decimal("3.5"), True, "a:2")]
    found = near(score)
    assert found["status"] == "tested" and found["sides"]["above"] == [(Decimal("3.6"), True, "a:2")]
    assert found["sides"]["below"] == []  # 3.33 is more than one step below
    score.seen = score.seen[:1]
    assert near(score)["status"] == "untested" and near(score)["nearest"][0] == Decimal("3.3333333333333335")
    years = Boundary(moka.parameters["specialist_years"])
    assert step(years, Decimal(2)) == 1


def test_the_five_policies_examples_each_get_a_figure():
    r = CliRunner().invoke(main, ["check", "--coverage", "--format", "json", str(ROOT / "features")])
    assert r.exit_code == 0, r.output[-3000:]
    doc = json.loads(r.output)
    assert doc["examples"]["failed"] == [] and doc["examples"]["total"] > 100
    figures = {p["policy"]: p["percent"] for p in doc["policies"]}
    assert sorted(figures) == sorted(POLICIES)
    assert all(isinstance(v, float) and 0 < v <= 100 for v in figures.values()), figures
    assert 0 < doc["total"]["percent"] <= 100
    for p in doc["policies"]:  # every certification of every rule file, each with its conditions
        book = load_rulebook().policy(p["policy"])
        assert [c["id"] for c in p["certifications"]] == [c.id for c in book.certifications]
        assert all(c["conditions"] for c in p["certifications"])
    print("coverage of features/:", figures, "total", doc["total"])
    # the figures docs/checking.md gives for features/ are today's (a policy writer reads them there)
    table = {}
    for line in (ROOT / "docs" / "checking.md").read_text(encoding="utf-8").splitlines():
        row = re.fullmatch(r"\| (\w+) \S+ \| ([\d.]+)% \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|.*", line)
        if row and row[1] in figures:
            table[row[1]] = (float(row[2]), *map(int, row.groups()[2:6]))
    shown = {p["policy"]: (p["percent"], p["counts"]["conditions"], p["counts"]["covered"], p["counts"]["half"],
                           p["counts"]["uncovered"]) for p in doc["policies"]}
    assert table == shown, "docs/checking.md's table of features/ is out of date"


def test_an_odd_feature_file_beside_good_ones_is_a_located_problem_and_the_rest_still_run(tmp_path):
    """An empty, binary or half-written .feature in the folder once aborted every example (a
    pytest traceback, 0 examples, coverage of nothing). From the second reader's review."""
    _feature(tmp_path, AT_THRESHOLD)  # one good example
    (tmp_path / "メモ.feature").write_text("", encoding="utf-8")
    (tmp_path / "画像.feature").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    (tmp_path / "書きかけ.feature").write_text("# language: ja\n機能: x\n  シナリオ: y\n    前提 方針 \"moka\"\n"
                                              "      | a | b |\n      | c |\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", "--coverage", str(tmp_path)])
    assert r.exit_code == 1, r.output
    assert "KeyError" not in r.output and "site-packages" not in r.output, r.output
    assert "メモ.feature: 機能（「機能:」または Feature:）がありません" in r.output, r.output
    assert "画像.feature: 読めません" in r.output and "書きかけ.feature: Gherkin として読めません" in r.output
    assert "(6:7): inconsistent cell count" in r.output
    assert "1 例中 1 例が合格" in r.output, r.output  # the good file's example still ran and counts
