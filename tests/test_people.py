"""People's decisions beside the engine's (issue 15): overrides and revocations shown next to the
engine's decision and counted by later reviews; history, diff, replay after the rule files
changed, a re-review saying what it changes, explain warning about changed rule files. Expected
outcomes come from the samples' own figures (tests/data/moka_samples_expected.csv) and from what
the override or revocation must do to them, not from the engine."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli import main
from engine.audit import verify
from engine.diff import diff_runs
from engine.replay import replay
from engine.review import run_review, stored_decisions
from facts.importer import import_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "facts" / "samples" / "moka"


def _url(db) -> str:
    from tests.test_ledger import _url as url

    return url(db)


def _cli(db, *args, env=None):
    return CliRunner().invoke(main, ["--db", _url(db), *args], env=env)


def _outcome(db, staff, year, cert):
    with db.connect() as conn:
        return conn.execute(text("select d.outcome from review_decision d join review_run r on r.id = d.run_id "
                                 "where r.current and d.staff_id = :s and d.fiscal_year = :y and d.certification = :c"),
                            {"s": staff, "y": year, "c": cert}).scalar()


@pytest.fixture
def moka(db):
    import_paths(db, [SAMPLES])
    run_review(db, "moka", 2024, workers=1)
    return db


def test_an_override_stands_beside_the_engine_and_counts_in_later_reviews(moka):
    # 11003 is not certified dx_specialist in 2024 by the engine (1 consecutive year as leader)
    assert _outcome(moka, "11003", 2024, "dx_specialist") == "not_certified"
    r = _cli(moka, "override", "11003", "--policy", "moka", "--fiscal-year", "令和6年度", "--certification",
             "dx_specialist", "--outcome", "certified", "--reason", "報告会の記録漏れ", "--by", "人事課 佐藤")
    assert r.exit_code == 0, r.output
    assert _outcome(moka, "11003", 2024, "dx_specialist") == "not_certified"  # the engine's stays
    explained = _cli(moka, "explain", "11003", "-p", "moka", "-y", "2024", "-c", "dx_specialist")
    assert "審査担当者の判断（上書き）: 認定 — 人事課 佐藤" in explained.output and "報告会の記録漏れ" in explained.output
    doc = json.loads(_cli(moka, "explain", "11003", "-p", "moka", "-y", "2024", "-c", "dx_specialist",
                          "--format", "json").output)
    d = doc["decisions"][0]
    assert d["outcome"] == "not_certified" and d["override"]["outcome"] == "certified"
    assert d["override"]["by"] == "人事課 佐藤" and "revoked" not in d
    # 2025: the override counts as granted, so dx_specialist is held
    run_review(moka, "moka", 2025, workers=1)
    assert _outcome(moka, "11003", 2025, "dx_specialist") == "held"
    held = stored_decisions(moka, "moka", 2025, staff_id="11003", certification="dx_specialist")[0]
    assert any("上書き" in str(e) or "override" in str(e) for e in _evidence(held.explanation))
    table = _cli(moka, "review", "-p", "moka", "-y", "2024")
    assert "（上書き: 認定）" in table.output
    history = _cli(moka, "history", "11003")
    assert history.exit_code == 0 and "上書き: 認定（人事課 佐藤" in history.output
    assert verify(moka).intact


def _evidence(node):
    for ev in node.evidence:
        yield ev
    for c in node.conditions:
        yield from _evidence(c)


def test_a_revocation_ends_held_for_later_years_and_is_shown(moka):
    # 11001 holds dx_advisor and dx_expert (history); after a revocation in 令和7年度 the 2025
    # review no longer reads dx_expert as held
    assert _outcome(moka, "11001", 2024, "dx_expert") == "held"
    r = _cli(moka, "revoke", "11001", "--policy", "moka", "--certification", "dx_expert", "--reason", "懲戒処分",
             "--date", "令和7年4月10日", "--by", "人事課長")
    assert r.exit_code == 0, r.output
    run_review(moka, "moka", 2025, workers=1)
    assert _outcome(moka, "11001", 2025, "dx_expert") != "held"
    assert _outcome(moka, "11001", 2024, "dx_expert") == "held"  # what was decided stays
    explained = _cli(moka, "explain", "11001", "-p", "moka", "-y", "2024", "-c", "dx_expert")
    assert "取消: 2025-04-10 付け — 人事課長; 根拠: 懲戒処分" in explained.output
    assert verify(moka).intact
    # nothing to revoke: a clear error, exit 1, nothing stored
    bad = _cli(moka, "revoke", "11006", "--policy", "moka", "--certification", "dx_specialist", "--reason", "x")
    assert bad.exit_code == 1 and "取り消せません" in bad.output and "Traceback" not in bad.output
    bad = _cli(moka, "override", "99999", "--policy", "moka", "--fiscal-year", "2024", "--certification",
               "dx_expert", "--outcome", "certified", "--reason", "x")
    assert bad.exit_code == 1 and "99999" in bad.output
    bad = _cli(moka, "override", "11003", "--policy", "moka", "--fiscal-year", "2024", "--certification",
               "dx_master", "--outcome", "certified", "--reason", "x")
    assert bad.exit_code == 1 and "dx_master" in bad.output
    assert verify(moka).counts == {"import": 1, "run": 2, "revocation": 1}


@pytest.mark.parametrize("what", ["override", "revocation"])
def test_people_actions_edited_deleted_or_inserted_fail_verify(moka, what):
    if what == "override":
        _cli(moka, "override", "11003", "-p", "moka", "-y", "2024", "-c", "dx_specialist", "--outcome", "certified",
             "--reason", "r")
        table = "review_override"
    else:
        _cli(moka, "revoke", "11001", "-p", "moka", "-c", "dx_expert", "--reason", "r", "--date", "2025-04-10")
        table = "certification_revocation"
    with moka.begin() as conn:
        conn.execute(text(f"update {table} set reason = 'something else'"))
    assert "改変" in verify(moka).problems[0].message
    with moka.begin() as conn:
        conn.execute(text(f"insert into {table} select * from {table}".replace("select *", "select id + 1, " + _rest(conn, table))))
    messages = [p.message for p in verify(moka).problems]
    assert any("挿入" in m for m in messages), messages
    with moka.begin() as conn:
        conn.execute(text(f"delete from {table}"))
    messages = [p.message for p in verify(moka).problems]
    assert any("削除" in m for m in messages), messages


def _rest(conn, table: str) -> str:
    from sqlalchemy import inspect

    return ", ".join(c["name"] for c in inspect(conn).get_columns(table) if c["name"] != "id")


def test_replay_uses_the_stored_rules_and_diff_names_the_cause(moka, tmp_path):
    run_review(moka, "moka", 2025, workers=1)
    first = _current_run(moka, 2025)
    # the rule file changes on disk: the report-meeting threshold 3.5 -> 3.0
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    moka_yaml = (rules / "moka.yaml").read_text(encoding="utf-8")
    assert moka_yaml.count("value: 3.5") == 2
    (rules / "moka.yaml").write_text(moka_yaml.replace("value: 3.5", "value: 3.0", 1), encoding="utf-8")
    said = []
    run_review(moka, "moka", 2025, rules_dir=rules, workers=1, before_replace=said.append)
    second = _current_run(moka, 2025)
    assert said and said[0].a.id == first and said[0].b.id == second
    # the samples' report-meeting scores between 3.0 and 3.5 turn those advisors certified
    d = diff_runs(moka, first, second)
    assert d.changes and all(c.cause == "rules" for c in d.changes)
    assert {(c.before, c.after) for c in d.changes} == {("not_certified", "certified")}
    assert all(any(not met is False for _, met in c.conditions) for c in d.changes)
    assert said[0].changes == d.changes or len(said[0].changes) == len(d.changes)
    # replay judges with what each run stored, not today's files: both identical
    assert replay(moka, first, workers=1).identical and replay(moka, second, workers=1).identical
    out = _cli(moka, "audit", "replay", str(first))
    assert out.exit_code == 0 and "すべて同じです" in out.output
    # explain warns that the stored decisions were judged with other rules than those on disk
    warned = _cli(moka, "explain", "11001", "-p", "moka", "-y", "2025")
    assert "異なる版" in warned.output
    diffed = _cli(moka, "diff", str(first), str(second))
    assert diffed.exit_code == 0 and "ルールの変更による" in diffed.output and "満たすようになった" in diffed.output


def test_replay_finds_a_fact_altered_behind_the_ledger(moka):
    run = _current_run(moka, 2024)
    with moka.begin() as conn:  # every evaluation score of 2024 edited directly in the database
        n = conn.execute(text("update fact_row set data = replace(data, '\"score\": 4', '\"score\": 1') "
                              "where record_type = 'evaluation' and fiscal_year = 2024")).rowcount
    assert n > 0
    result = replay(moka, run, workers=1)
    assert not result.identical and any(d.certification for d in result.differences)
    out = _cli(moka, "audit", "replay", str(run))
    assert out.exit_code == 1 and "記録と異なる判定があります" in out.output


def _current_run(db, year):
    with db.connect() as conn:
        return conn.execute(text("select id from review_run where current and fiscal_year = :y"), {"y": year}).scalar()


def test_diff_names_a_change_of_earlier_grants_and_not_the_rules_or_the_facts(moka, tmp_path):
    """11001's DXエキスパート is held in 2025 (tests/data/moka_samples_expected.csv). It is revoked with
    effect in 令和7年度 and the year reviewed again under changed rules: the rule change does not
    touch it (B's rules on A's facts and grants still hold it), the facts are the same records:
    the earlier grants made the difference. With the same rules it is the grants alone too."""
    run_review(moka, "moka", 2025, workers=1)
    first = _current_run(moka, 2025)
    assert _outcome(moka, "11001", 2025, "dx_expert") == "held"
    r = _cli(moka, "revoke", "11001", "--policy", "moka", "--certification", "dx_expert", "--reason", "異動",
             "--date", "令和7年10月1日")
    assert r.exit_code == 0, r.output
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    moka_yaml = (rules / "moka.yaml").read_text(encoding="utf-8")
    (rules / "moka.yaml").write_text(moka_yaml.replace("value: 3.5", "value: 3.0", 1), encoding="utf-8")
    run_review(moka, "moka", 2025, rules_dir=rules, workers=1)
    second = _current_run(moka, 2025)
    change = next(c for c in diff_runs(moka, first, second).changes
                  if (c.staff_id, c.certification) == ("11001", "dx_expert"))
    assert change.before == "held" and change.after != "held"
    assert change.cause == "grants", change.cause
    # the same revocation seen between two runs of the same rules
    run_review(moka, "moka", 2025, rules_dir=rules, workers=1)
    third = _current_run(moka, 2025)
    assert not [c for c in diff_runs(moka, second, third).changes if c.staff_id == "11001"]
    diffed = _cli(moka, "diff", str(first), str(second))
    assert "既認定（前年度までの判定・上書き・取消）の変更による" in diffed.output, diffed.output


def test_a_revoked_certification_is_not_revoked_twice(moka):
    """A second revocation of the same grant would be a second ledger entry for nothing (and a second
    end date to argue about): refused, naming the first. (From the second reader's review.)"""
    run_review(moka, "moka", 2025, workers=1)
    first = _cli(moka, "revoke", "11001", "--policy", "moka", "--certification", "dx_expert", "--reason", "異動",
                 "--date", "令和7年10月1日")
    assert first.exit_code == 0, first.output
    again = _cli(moka, "revoke", "11001", "--policy", "moka", "--certification", "dx_expert", "--reason", "重ねて")
    assert again.exit_code == 1 and "2025-10-01 付けで取り消し済みです" in again.output and "異動" in again.output
    with moka.connect() as conn:
        assert conn.execute(text("select count(*) from certification_revocation")).scalar() == 1
