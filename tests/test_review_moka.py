"""The Moka review on the bundled samples, against outcomes worked out by hand from policies.md."""
import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.errors import RuleError
from engine.rulefile import load_rule_file
from engine.review import run_review, stored_decisions
from facts.db import get_engine, init_db
from facts.importer import import_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "facts" / "samples" / "moka"
EXPECTED = ROOT / "tests" / "data" / "moka_samples_expected.csv"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    db = get_engine(f"sqlite:///{tmp_path_factory.mktemp('moka')}/n.db")
    init_db(db)
    import_paths(db, [SAMPLES])
    return db, run_review(db, "moka", 2025)


def test_every_sample_decision_matches_the_hand_worked_outcome(reviewed):
    _, result = reviewed
    got = {(d.staff_id, d.certification): d.outcome for d in result.decisions}
    expected = list(csv.DictReader(EXPECTED.open(encoding="utf-8")))
    assert len(got) == len(expected) == 90
    wrong = [(e["staff_id"], e["certification"], e["outcome"], got[(e["staff_id"], e["certification"])])
             for e in expected if got[(e["staff_id"], e["certification"])] != e["outcome"]]
    assert wrong == []


def test_not_certified_says_what_is_missing_and_by_how_much(reviewed):
    _, result = reviewed
    d = next(x for x in result.decisions if x.staff_id == "11014" and x.certification == "dx_advisor")
    assert d.outcome == "not_certified"
    obs = [o for n in _walk(d.explanation) for o in n.observations if o.label == "報告会評価"]
    assert obs and obs[0].value == pytest.approx(3.42, abs=0.01) and obs[0].met is False
    assert obs[0].shortfall == pytest.approx(3.5 - obs[0].value, abs=1e-4)
    assert obs[0].threshold == 3.5 and obs[0].parameter == "report_threshold"


def test_missing_perspective_is_named(reviewed):
    _, result = reviewed
    d = next(x for x in result.decisions if x.staff_id == "11012" and x.certification == "dx_advisor")
    subjects = [o.subject for n in _walk(d.explanation) for o in n.observations]
    assert any("技術的観点の評価なし" in s for s in subjects)
    assert any(n.missing_records for n in _walk(d.explanation))


def test_certified_evidence_cites_source_rows(reviewed):
    db, _ = reviewed
    [d] = stored_decisions(db, "moka", 2025, staff_id="11003", certification="dx_specialist")
    assert d.outcome == "certified"
    sources = [e.source for n in _walk(d.explanation) for ev in n.evidence for e in [ev, *ev.derived_from]]
    assert any(s.startswith("プロジェクト.csv:") for s in sources)
    assert any(s.startswith("評価.xlsx:評価:") for s in sources)


def test_cli_review_json_and_explain(tmp_path):
    runner = CliRunner()
    db = f"sqlite:///{tmp_path}/c.db"
    r = runner.invoke(main, ["--db", db, "review", "--policy", "moka", "--fiscal-year", "R7",
                             "--facts", str(SAMPLES), "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["policy"] == "moka" and doc["fiscal_year"] == 2025 and len(doc["rules_version"]) == 64
    assert {"staff_id", "certification", "label", "outcome", "explanation"} <= set(doc["decisions"][0])
    r = runner.invoke(main, ["--db", db, "explain", "11005", "--policy", "moka", "--fiscal-year", "2025",
                             "--certification", "dx_specialist"])
    assert r.exit_code == 0, r.output
    assert "非認定" in r.stdout and "連続年数" in r.stdout
    r = runner.invoke(main, ["--db", db, "explain", "11005", "--policy", "moka", "--fiscal-year", "2025",
                             "--lang", "en"])
    assert "not certified" in r.stdout


def test_rule_file_typo_points_at_the_line_with_a_suggestion(tmp_path):
    text = (ROOT / "rules" / "moka.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "moka.yaml"
    bad.write_text(text.replace("at_least: $specialist_years", "at_leest: $specialist_years")
                   .replace("member_score: {gte: $member_threshold}\n\ntargets", "membr_score: {gte: $member_threshold}\n\ntargets"),
                   encoding="utf-8")
    with pytest.raises(RuleError) as e:
        load_rule_file(bad, "rules/moka.yaml")
    lines = e.value.lines()
    assert any("rules/moka.yaml:" in l and "did you mean 'at_least'" in l for l in lines)
    assert any("unknown field 'membr_score'" in l and "did you mean 'member_score'" in l for l in lines)


def _walk(node):
    yield node
    for c in node.conditions:
        yield from _walk(c)


def test_decisions_carry_the_department_of_the_review_years_roster(reviewed):
    db, result = reviewed
    d = next(x for x in result.decisions if x.staff_id == "11006")
    assert d.department == "総務部 デジタル戦略課"
    [stored] = stored_decisions(db, "moka", 2025, staff_id="11006", certification="dx_expert")
    assert stored.department == d.department
