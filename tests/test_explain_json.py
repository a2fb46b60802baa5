"""`explain --format json` carries the rules_version and the run id of the review that made the
decisions (shared/spec/cli.md), never null."""
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, text

from cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "facts" / "samples" / "moka"


def _runs(db: str) -> list[tuple[int, str, bool]]:
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(text("select id, rules_version, current from review_run order by id")).all()
    engine.dispose()
    return [(r[0], r[1], bool(r[2])) for r in rows]


def test_explain_json_cites_the_rules_version_and_run_of_the_review(tmp_path):
    runner = CliRunner()
    db = f"sqlite:///{tmp_path}/e.db"
    r = runner.invoke(main, ["--db", db, "review", "--policy", "moka", "--fiscal-year", "R7",
                             "--facts", str(SAMPLES), "--format", "json"])
    assert r.exit_code == 0, r.output
    review = json.loads(r.stdout)
    [(run_id, version, current)] = _runs(db)
    assert current and version == review["rules_version"] and len(version) == 64

    r = runner.invoke(main, ["--db", db, "explain", "11005", "--policy", "moka", "--fiscal-year", "2025",
                             "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert list(doc) == ["policy", "fiscal_year", "rules_version", "run_id", "decisions"]
    assert (doc["policy"], doc["fiscal_year"]) == ("moka", 2025)
    assert doc["rules_version"] == review["rules_version"]
    assert doc["run_id"] == run_id
    assert [d["staff_id"] for d in doc["decisions"]] and {d["staff_id"] for d in doc["decisions"]} == {"11005"}
    assert doc["decisions"] == [d for d in review["decisions"] if d["staff_id"] == "11005"]

    # a second review of the year replaces the decisions: explain cites the run that stands now
    r = runner.invoke(main, ["--db", db, "review", "--policy", "moka", "--fiscal-year", "2025", "--format", "json"])
    assert r.exit_code == 0, r.output
    (first, _, first_current), (second, second_version, second_current) = _runs(db)
    assert not first_current and second_current
    r = runner.invoke(main, ["--db", db, "explain", "11005", "--policy", "moka", "--fiscal-year", "2025",
                             "--certification", "dx_specialist", "--format", "json"])
    doc = json.loads(r.stdout)
    assert (doc["run_id"], doc["rules_version"]) == (second, second_version) and second != first
    assert [d["certification"] for d in doc["decisions"]] == ["dx_specialist"]
