"""Corrections of facts (issue 15 item 4) and facts in the ledger: ``import --correct --reason``
stores a changed value under a stored key as a correction (the earlier row kept, as earlier runs
read it), later reviews use the corrected value, explain and history say so, earlier runs replay
identically; editing, deleting or inserting a fact row or a correction directly in the database
makes ``audit verify`` fail naming it (SQLite and PostgreSQL)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli import main
from engine.audit import verify
from engine.replay import replay
from engine.review import run_review, stored_decisions
from facts.importer import import_paths
from tests.test_ledger import _url

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "facts" / "samples" / "moka"
# 11005 was a member of P24-02 in 2024 (facts/samples/moka/プロジェクト.csv:33); HR finds they led it
FIX = "職員番号,年度,プロジェクト番号,プロジェクト名,役割\n11005,2024,P24-02,道路損傷通報のLINE受付,リーダー\n"


def _cli(db, *args):
    return CliRunner().invoke(main, ["--db", _url(db), *args])


@pytest.fixture
def corrected(db, tmp_path):
    import_paths(db, [SAMPLES])
    before = run_review(db, "moka", 2025, workers=1).run_id
    fix = tmp_path / "fix"
    fix.mkdir()
    (fix / "プロジェクト.csv").write_text(FIX, encoding="utf-8")
    plain = _cli(db, "import", str(fix))
    assert plain.exit_code == 0 and "不一致 1 件" in plain.output and "--correct" in plain.output
    r = _cli(db, "import", str(fix), "--correct", "--reason", "役割の記入誤り（人事課 確認済み）", "--by", "人事課 鈴木")
    assert r.exit_code == 0, r.output
    assert "訂正 1 件" in r.output and "'member' → 'leader'" in r.output
    return db, before, fix


def _role(db, run_id=None):
    with db.connect() as conn:
        return conn.execute(text("select data, replaced_by from fact_row where record_type = 'project' "
                                 "and staff_id = '11005' and fiscal_year = 2024 order by id")).all()


def test_a_correction_keeps_the_earlier_row_and_later_reviews_use_the_corrected_value(corrected):
    db, before, _ = corrected
    rows = _role(db)
    assert len(rows) == 2 and '"role": "member"' in rows[0][0] and rows[0][1] is not None
    assert '"role": "leader"' in rows[1][0] and rows[1][1] is None
    run_review(db, "moka", 2025, workers=1)
    d = stored_decisions(db, "moka", 2025, staff_id="11005", certification="dx_specialist")[0]
    assert d.corrections and d.corrections[0]["kind"] == "corrected" and d.corrections[0]["by"] == "人事課 鈴木"
    explained = _cli(db, "explain", "11005", "-p", "moka", "-y", "2025", "-c", "dx_specialist").output
    assert "訂正された記録を使っています: プロジェクト.csv:2（訂正前: プロジェクト.csv:33; 人事課 鈴木" in explained
    assert "P24-02 道路損傷通報のLINE受付（リーダー）" in explained
    history = _cli(db, "history", "11005").output
    assert "訂正された記録を使用: プロジェクト.csv:2" in history and "使った記録 プロジェクト.csv:33 は後に訂正" in history
    # the run before the correction judged the earlier value, and replays so
    assert replay(db, before, workers=1).identical
    result = verify(db)
    assert result.intact, [p.message for p in result.problems]
    assert result.counts == {"import": 3, "correction": 1, "run": 2}


def test_correct_needs_a_reason_and_a_reason_needs_correct(db, tmp_path):
    (tmp_path / "プロジェクト.csv").write_text(FIX, encoding="utf-8")
    for args in (["--correct"], ["--correct", "--reason", "  "], ["--reason", "x"]):
        r = CliRunner().invoke(main, ["--db", _url(db), "import", str(tmp_path), *args])
        assert r.exit_code == 2 and "--reason" in r.output and "Traceback" not in r.output


TAMPERING = {
    "a fact row edited": ("update fact_row set data = replace(data, '3.9', '4.9') where id = "
                          "(select min(id) from fact_row where record_type = 'evaluation' and data like '%3.9%')",
                          "事実行 id", "改変"),
    "a fact row deleted": ("delete from fact_row where id = (select min(id) + 5 from fact_row)", "事実行 id", "削除"),
    "a fact row inserted": ("insert into fact_row (record_type, record_key, staff_id, fiscal_year, data, source_file, "
                            "source_row) select record_type, record_key || 'x', staff_id, fiscal_year, data, "
                            "source_file, 999 from fact_row where id = (select min(id) from fact_row)",
                            "台帳にない取込", "挿入"),
    "a correction's reason edited": ("update fact_correction set reason = 'x'", "訂正", "改変"),
    "a replacement undone": ("update fact_row set replaced_by = null where replaced_by is not null", "事実行 id",
                             "置き換え"),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_facts_edited_deleted_or_inserted_fail_verify_naming_them(corrected, case):
    db = corrected[0]
    sql, *expected = TAMPERING[case]
    with db.begin() as conn:
        assert conn.execute(text(sql)).rowcount == 1
    result = verify(db)
    assert not result.intact
    first = result.problems[0].message
    for fragment in expected:
        assert fragment in first, [p.message for p in result.problems]
