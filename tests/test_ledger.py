"""The ledger (issue 15): every run and decision is an entry of one hash chain; altering, deleting
or inserting one stored decision, judgement, run or ledger entry directly in the database makes
``audit verify`` fail naming it (SQLite and PostgreSQL); a review killed part-way is found and
recorded ``failed``, with the earlier current run intact."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlmodel import Session, select

from cli import main
from engine.audit import verify
from engine.review import run_review
from engine.tables import ReviewRun
from facts.importer import import_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "facts" / "samples" / "moka"


def _url(db) -> str:
    """A URL another process can open on the same database (PostgreSQL: the test's schema)."""
    url = db.url.render_as_string(hide_password=False)
    if db.dialect.name == "sqlite":
        return url
    with db.connect() as conn:
        schema = conn.execute(text("select current_schema()")).scalar_one()
    return f"{url}?options=-csearch_path%3D{schema}"


@pytest.fixture
def reviewed(db):
    """Moka's samples reviewed for 2024, and 2025 twice (run 2 superseded by run 3)."""
    import_paths(db, [SAMPLES])
    for year in (2024, 2025, 2025):
        run_review(db, "moka", year, workers=1)
    return db


def _cli(db, *args):
    return CliRunner().invoke(main, ["--db", _url(db), *args])


def test_an_untouched_ledger_verifies_and_the_runs_are_listed(reviewed):
    result = verify(reviewed)
    assert result.intact, [p.message for p in result.problems]
    assert result.counts == {"import": 1, "run": 3} and result.runs_checked == 3 and result.decisions_checked == 270
    out = _cli(reviewed, "audit", "verify")
    assert out.exit_code == 0 and "台帳は完全です" in out.output and result.head in out.output
    kept = _cli(reviewed, "audit", "verify", "--head", result.head)
    assert kept.exit_code == 0 and "台帳 #4 の項目です" in kept.output
    rewritten = _cli(reviewed, "audit", "verify", "--head", "ab" * 32)
    assert rewritten.exit_code == 1 and "作り直されています" in rewritten.output
    listed = _cli(reviewed, "runs", "--fiscal-year", "令和7年度")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert len(lines) == 3 and "置換済み" in lines[1] and "現行" in lines[2]


def _one(db, sql: str) -> object:
    with db.connect() as conn:
        return conn.execute(text(sql)).scalar()


TAMPERING = {
    # what is done to the stored data -> what the first problem names
    "a decision's outcome edited": (
        "update review_decision set outcome = 'certified' where id = (select min(id) from review_decision "
        "where run_id = 3 and outcome = 'not_certified')", "review_decision id {did}", "改変"),
    "a decision deleted": (
        "delete from review_decision where id = (select min(id) from review_decision where run_id = 3 "
        "and outcome = 'not_certified')", "の判定の行がありません", "削除"),
    "a decision inserted": (
        "insert into review_decision (run_id, policy, fiscal_year, staff_id, certification, outcome, decision) "
        "select run_id, policy, fiscal_year, staff_id, certification, 'certified', '' from review_decision "
        "where id = (select min(id) from review_decision where run_id = 3)", "挿入", "review_decision id"),
    "a judgement edited": (
        "update review_judgement set data = replace(data, 'not_certified', 'certified') where id = "
        "(select min(id) from review_judgement where run_id = 3 and data like '%not_certified%')",
        "review_judgement id", "改変"),
    "a judgement deleted": (
        "delete from review_judgement where id = (select min(id) + 3 from review_judgement where run_id = 3)",
        "直前の判定とつながっていません", "削除"),
    "a run's rules edited": (
        "update review_run set rules_content = rules_content || ' ' where id = 3", "rules_sha256", "台帳 #4"),
    "a superseded run made current": (
        "update review_run set current = false, status = 'superseded' where id = 3; "
        "update review_run set current = true, status = 'complete' where id = 2", "状態", "台帳 #3"),
    "a ledger entry edited": (
        "update ledger_entry set body = replace(body, '\"status\":\"complete\"', '\"status\":\"failed\"') "
        "where seq = 3", "台帳 #3", "ハッシュと一致しません"),
    "a ledger entry deleted": ("delete from ledger_entry where seq = 3", "台帳 #4", "つながっていません"),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_altering_deleting_or_inserting_anything_fails_verify_naming_it(reviewed, case):
    sql, *expected = TAMPERING[case]
    did = _one(reviewed, "select min(id) from review_decision where run_id = 3 and outcome = 'not_certified'")
    with reviewed.begin() as conn:
        for statement in sql.split("; "):
            assert conn.execute(text(statement)).rowcount == 1
    result = verify(reviewed)
    assert not result.intact
    first = result.problems[0].message
    for fragment in expected:
        assert fragment.format(did=did) in first, first
    out = _cli(reviewed, "audit", "verify")
    assert out.exit_code == 1 and "最初に検証できない項目" in out.output and "Traceback" not in out.output


def test_a_run_inserted_outside_the_review_is_named(reviewed):
    with reviewed.begin() as conn:
        conn.execute(text("insert into review_run (policy, fiscal_year, rules_version, rules_content, parameters, "
                          "started_at, staff_count, decision_count, status, current) select policy, 2023, "
                          "rules_version, rules_content, parameters, started_at, 0, 0, 'complete', false "
                          "from review_run where id = 1"))
    result = verify(reviewed)
    assert [p.message for p in result.problems if "台帳に記録がありません" in p.message]


HANGS = """
import sys, time; sys.path.insert(0, {root!r})
from pathlib import Path
from engine import review
from facts.db import get_engine
real = review._store_batch
def store(*args, **kwargs):
    real(*args, **kwargs)
    Path({flag!r}).write_text("stored")
    time.sleep(600)
review._store_batch = store
review.run_review(get_engine({url!r}), "moka", 2025, workers=1, chunk_size=5)
"""


def test_a_killed_review_is_recorded_failed_and_the_current_run_stands(reviewed, tmp_path):
    flag = tmp_path / "stored"
    before = _current(reviewed)
    child = subprocess.Popen([sys.executable, "-c", HANGS.format(root=str(ROOT), flag=str(flag), url=_url(reviewed))],
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not flag.exists() and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert flag.exists(), "the review in the child stored nothing"
        assert _status(reviewed, 4) == "running"
        os.killpg(child.pid, signal.SIGKILL)
    finally:
        child.wait(30)
    deadline = time.monotonic() + 20  # PostgreSQL lets go of the dead client's lock in a moment
    while _status(reviewed, 4) == "running" and time.monotonic() < deadline:
        listed = _cli(reviewed, "runs")
        assert listed.exit_code == 0, listed.output
        time.sleep(0.2)
    assert _status(reviewed, 4) == "failed"
    assert _current(reviewed) == before
    result = verify(reviewed)
    assert result.intact, [p.message for p in result.problems]
    assert result.counts == {"import": 1, "run": 4}


def _status(db, run_id: int) -> str:
    with Session(db) as s:
        return s.get(ReviewRun, run_id).status


def _current(db) -> list[tuple]:
    with db.connect() as conn:
        return conn.execute(text("select d.staff_id, d.certification, d.outcome, d.run_id from review_decision d "
                                 "join review_run r on r.id = d.run_id where r.current order by d.id")).all()


def test_a_database_made_before_the_ledger_gets_one_and_it_verifies(reviewed):
    """What a database of the previous version holds: no ledger, no hashes (and one run whose
    decisions were stored whole, before compact judgements): the next command adopts it all."""
    from facts.db import init_db

    with reviewed.begin() as conn:
        conn.execute(text("delete from ledger_entry"))
        conn.execute(text("update fact_row set hash = null"))
        conn.execute(text("update review_judgement set prev = null, hash = null"))
        conn.execute(text("update review_run set ran_by = null, nintei_version = null, facts_upto = null, "
                          "facts_entry = null, facts_hash = null, host = null, pid = null"))
        conn.execute(text("update review_decision set decision = '{\"legacy\": true}' where run_id = 1"))
        conn.execute(text("delete from review_judgement where run_id = 1"))
    init_db(reviewed)
    result = verify(reviewed)
    assert result.intact, [p.message for p in result.problems]
    assert result.counts == {"import": 1, "run": 3}
    with reviewed.connect() as conn:
        assert conn.execute(text("select count(*) from ledger_entry where by like 'nintei（台帳導入時%'")).scalar() == 4
    with reviewed.begin() as conn:  # and what it adopted is protected from then on
        conn.execute(text("update review_decision set outcome = 'certified' where run_id = 1 and id = "
                          "(select min(id) from review_decision where run_id = 1 and outcome = 'not_certified')"))
    assert "台帳導入前の形式" in verify(reviewed).problems[0].message
