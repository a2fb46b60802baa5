"""Reviews stored on SQLite and PostgreSQL: re-reviewing a year replaces its decisions; grants of
an earlier review are held by the next year's review."""
from pathlib import Path

from sqlmodel import Session, select

from engine.review import run_review, stored_decisions
from engine.tables import ReviewRun
from facts.importer import import_paths

SAMPLES = Path(__file__).resolve().parent.parent / "facts" / "samples" / "moka"


def test_rereview_replaces_the_year_and_keeps_the_earlier_run(db):
    import_paths(db, [SAMPLES])
    first = run_review(db, "moka", 2025)
    second = run_review(db, "moka", 2025)
    assert [d.outcome for d in first.decisions] == [d.outcome for d in second.decisions]
    stored = stored_decisions(db, "moka", 2025)
    assert len(stored) == len(second.decisions) == 90
    with Session(db) as s:
        runs = s.exec(select(ReviewRun).order_by(ReviewRun.id)).all()
    assert [(r.status, r.current) for r in runs] == [("superseded", False), ("complete", True)]
    assert runs[1].rules_version == second.rules_version


def test_a_grant_of_2024_is_held_in_2025(db):
    import_paths(db, [SAMPLES])
    run_review(db, "moka", 2024)
    granted_2024 = {(d.staff_id, d.certification) for d in stored_decisions(db, "moka", 2024)
                    if d.outcome == "certified"}
    assert ("11003", "dx_advisor") in granted_2024
    after = {(d.staff_id, d.certification): d for d in run_review(db, "moka", 2025).decisions}
    held = after[("11003", "dx_advisor")]
    assert held.outcome == "held"
    sources = [e.source for n in [held.explanation, *held.explanation.conditions] for e in n.evidence]
    assert any(s.startswith("review-run-") for s in sources)
