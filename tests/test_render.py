"""engine/render.py: explanation trees in Japanese and English, CSV, and the JSON of spec/cli.md."""
from __future__ import annotations

import csv
import io
import json

import pytest

from engine import render
from engine.model import Decision, Evidence, ExplanationNode, Observation, ReviewResult

CRITERION = "2年以上連続してプロジェクトにリーダーとして参加し、報告会において一定以上の評価を得る。"


@pytest.fixture
def certified() -> Decision:
    project = Evidence(record_type="project", source="projects.csv:12",
                       fields={"staff_id": "A001", "fiscal_year": 2024, "project_id": "P24-01",
                               "role": "leader"})
    score = Evidence(record_type="evaluation", source="evaluations.csv:3",
                     fields={"project_id": "P24-01", "occasion": "report_meeting", "score": 4.0})
    mean = Evidence(record_type="mean_score", source="derived", fields={"value": 3.9},
                    derived_from=[score])
    leader = ExplanationNode(
        id="leader", kind="exists", description="プロジェクトにリーダーとして参加",
        description_en="led a project", met=True, evidence=[project])
    report = ExplanationNode(
        id="report", kind="exists", description="報告会で一定以上の評価",
        description_en="report meeting score high enough", met=True,
        observations=[Observation(label="報告会評価", label_en="report score", value=3.9, op=">=",
                                  threshold=3.5, met=True, parameter="report_min",
                                  parameter_since=2024)],
        evidence=[mean])
    root = ExplanationNode(id="dx_specialist", kind="all", description="DXスペシャリストの認定基準",
                           description_en="DX specialist criteria", met=True, criterion=CRITERION,
                           location="rules/moka.yaml:42", conditions=[leader, report])
    return Decision(policy="moka", fiscal_year=2025, staff_id="A001", staff_name="山田 太郎",
                    certification="dx_specialist", label="DXスペシャリスト",
                    label_en="DX Specialist", outcome="certified", explanation=root)


@pytest.fixture
def not_certified() -> Decision:
    report = ExplanationNode(
        id="report", kind="exists", description="報告会で一定以上の評価",
        description_en="report meeting score high enough", met=False,
        observations=[Observation(label="報告会評価", label_en="report score", value=3.2, op=">=",
                                  threshold=3.5, met=False, shortfall=0.3,
                                  subject="2025年度 P25-02")])
    members = ExplanationNode(
        id="members", kind="exists", description="終了後にメンバーから一定以上の評価",
        met=False, missing_records=True,  # no description_en: English falls back to Japanese
        observations=[Observation(label="メンバー評価", label_en="members' score", value=None,
                                  op=">=", threshold=3.0, met=False)])
    root = ExplanationNode(id="dx_expert", kind="all", description="DXエキスパートの認定基準",
                           description_en="DX expert criteria", met=False,
                           conditions=[report, members])
    return Decision(policy="moka", fiscal_year=2025, staff_id="B002", staff_name="佐藤 花子",
                    department="総務部 デジタル戦略課", certification="dx_expert", label="DXエキスパート", label_en="DX Expert",
                    outcome="not_certified", explanation=root)


def test_japanese_text_of_a_certified_decision(certified):
    text = render.render_text([certified])
    lines = text.splitlines()
    header = lines[0]
    for part in ("A001", "山田 太郎", "DXスペシャリスト", "認定", "令和7年度 (2025年度)"):
        assert part in header
    assert "✔ DXスペシャリストの認定基準" in text
    assert f"「{CRITERION}」" in text
    assert "rules/moka.yaml:42" in text
    assert "報告会評価 3.90 ≥ 3.50 ✔" in text
    assert "report_min" in text and "2024年度から" in text
    assert "根拠: projects.csv:12 project" in text
    assert "project_id=P24-01" in text
    # the decision's own staff id is not repeated in every evidence line
    assert "staff_id=A001" not in text
    # derived evidence is nested below the fact it was derived into
    derived = next(i for i, l in enumerate(lines) if "mean_score" in l)
    assert "由来: evaluations.csv:3 evaluation" in lines[derived + 1]
    assert len(lines[derived + 1]) - len(lines[derived + 1].lstrip()) > \
        len(lines[derived]) - len(lines[derived].lstrip())
    assert "✘" not in text


def test_children_are_indented_below_their_parent(certified):
    lines = render.render_text([certified]).splitlines()
    root = next(l for l in lines if "認定基準" in l)
    child = next(l for l in lines if "リーダーとして参加" in l and l.lstrip().startswith(("✔", "✘")))
    indent = lambda line: len(line) - len(line.lstrip())
    assert indent(child) > indent(root) > 0


def test_japanese_text_says_why_not(not_certified):
    text = render.render_text([not_certified])
    assert "非認定" in text.splitlines()[0]
    assert "✘ 報告会で一定以上の評価" in text
    assert "[2025年度 P25-02] 報告会評価 3.20 ≥ 3.50 ✘（0.30 不足）" in text
    assert "メンバー評価 記録なし ≥ 3.00 ✘" in text
    assert "記録不足" in text


def test_english_text(certified, not_certified):
    text = render.render_text([certified, not_certified], lang="en")
    assert "DX Specialist" in text and "certified" in text
    assert "FY2025 (Reiwa 7)" in text
    assert "not certified" in text
    assert "report score 3.20 >= 3.50 ✘ (short by 0.30)" in text
    assert "members' score no records >= 3.00 ✘" in text
    assert "records missing" in text
    assert "evidence: projects.csv:12 project" in text
    # a node without description_en falls back to Japanese
    assert "終了後にメンバーから一定以上の評価" in text
    # decisions are separated by a blank line
    assert "\n\n" in text


def test_held_outcome_word(certified):
    held = certified.model_copy(update={"outcome": "held"})
    assert "認定済（保持）" in render.render_text([held])
    assert " held " in render.render_text([held], lang="en")


def test_unknown_language_is_refused(certified):
    with pytest.raises(ValueError):
        render.render_text([certified], lang="fr")


def _csv(decisions, lang="ja"):
    from engine.results import decisions_csv

    text = "".join(decisions_csv(decisions, lang))
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv(certified, not_certified):
    from engine.results import CSV_HEADERS

    rows = _csv([certified, not_certified])
    assert list(rows[0]) == list(CSV_HEADERS["ja"])
    assert rows[0]["結果"] == "認定" and rows[0]["未充足の条件"] == ""
    assert rows[1] == {
        "職員番号": "B002", "氏名": "佐藤 花子", "所属": "総務部 デジタル戦略課", "認定区分ID": "dx_expert",
        "認定区分": "DXエキスパート", "結果": "非認定",
        "未充足の条件": "2025年度 P25-02: 報告会評価 3.20 < 3.50（0.30 不足）; 記録不足: メンバー評価 記録なし",
        "上書き": "", "取消": "",
    }
    en = _csv([not_certified], "en")
    assert list(en[0])[:7] == ["staff_id", "staff_name", "department", "certification", "label", "outcome", "summary"]
    assert en[0]["label"] == "DX Expert" and en[0]["outcome"] == "not_certified"
    assert en[0]["summary"] == "2025年度 P25-02: report score 3.20 < 3.50 (short by 0.30); records missing: members' score no records"


def test_csv_people_columns_and_formulas_as_text(certified):
    d = certified.model_copy(update={
        "staff_name": '=HYPERLINK("http://evil.example","x")', "department": "+1", "staff_id": "@A",
        "override": {"outcome": "not_certified", "reason": "-再確認", "by": "佐藤", "at": "2025-06-01T10:00:00+09:00"},
        "revoked": {"reason": "退職", "by": "鈴木", "date": "2025-10-01"}})
    row = _csv([d])[0]
    assert row["氏名"] == "'=HYPERLINK(\"http://evil.example\",\"x\")" and row["所属"] == "'+1"
    assert row["職員番号"] == "'@A"
    assert row["上書き"] == "非認定（佐藤、2025-06-01 10:00；理由: -再確認）"
    assert row["取消"] == "2025-10-01 付け（鈴木；根拠: 退職）"
    en = _csv([d], "en")[0]
    assert en["override"] == "not certified (佐藤, 2025-06-01 10:00; reason: -再確認)"
    assert en["revoked"] == "from 2025-10-01 (鈴木; grounds: 退職)"


def test_tables(certified, not_certified):
    rows = render.decisions_table([certified, not_certified], "ja")
    assert len(render.table_headers("ja")) == len(rows[0])
    assert rows[1][:5] == ("B002", "佐藤 花子", "総務部 デジタル戦略課", "DXエキスパート", "非認定")
    assert render.table_headers("ja")[:3] == ("職員", "氏名", "所属")
    counts = render.counts_table([certified, not_certified, certified], "en")
    assert counts[0] == ("DX Specialist", "2", "0", "0", "2")
    assert counts[1] == ("DX Expert", "0", "0", "1", "1")


def _walk(node: dict):
    yield node
    for child in node.get("conditions", []):
        yield from _walk(child)


def test_review_json_has_the_shape_of_the_spec(certified, not_certified):
    result = ReviewResult(policy="moka", fiscal_year=2025, rules_version="abc123",
                          decisions=[certified, not_certified])
    text = render.review_json(result)
    assert "DXスペシャリスト" in text  # ensure_ascii=False
    doc = json.loads(text)
    assert list(doc) == ["policy", "fiscal_year", "rules_version", "decisions"]
    assert (doc["policy"], doc["fiscal_year"], doc["rules_version"]) == ("moka", 2025, "abc123")
    for decision in doc["decisions"]:
        assert {"staff_id", "certification", "label", "outcome", "explanation"} <= set(decision)
        for node in _walk(decision["explanation"]):
            assert isinstance(node["description"], str) and isinstance(node["met"], bool)
    leader = doc["decisions"][0]["explanation"]["conditions"][0]
    assert leader["evidence"][0]["source"] == "projects.csv:12"
    assert leader["evidence"][0]["fields"]["project_id"] == "P24-01"
    assert doc["decisions"][1]["outcome"] == "not_certified"
    assert any(not n["met"] for n in _walk(doc["decisions"][1]["explanation"]))


def test_explain_json_holds_the_staff_members_decisions(not_certified):
    doc = json.loads(render.explain_json([not_certified], "moka", 2025))
    assert list(doc) == ["policy", "fiscal_year", "rules_version", "decisions"]
    assert [d["staff_id"] for d in doc["decisions"]] == ["B002"]


def test_english_explanation_describes_the_records_in_english(tmp_path):
    """--lang en: the records an observation is about are named in English too (FY2024, level, the
    catalogue's English names), not only the node descriptions."""
    from pathlib import Path

    from engine.render import render_text
    from engine.review import run_review
    from engine.rulebook import load_rulebook
    from facts.db import get_engine, init_db
    from facts.importer import import_paths

    root = Path(__file__).resolve().parent.parent
    db = get_engine(f"sqlite:///{tmp_path}/n.db")
    init_db(db)
    import_paths(db, [root / "facts" / "samples" / "oyama"], catalogues=load_rulebook().catalogues())
    result = run_review(db, "oyama", 2025)
    d = next(x for x in result.decisions if x.staff_id == "12002" and x.certification == "skill_standard")
    text = render_text([d], "en")
    assert "[FY2025 IT level c] level c ≥ b ✘" in text
    assert "年度 " not in text.split("\n", 1)[1]  # the first line names the year both ways
