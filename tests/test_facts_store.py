"""Loading one fiscal year's facts for a review."""
from facts.importer import import_paths
from facts.store import load_year
from tests.facts_files import STAFF_HEADER, write_csv

EVAL_HEADER = "fiscal_year,project_id,occasion,perspective,evaluator_id,evaluator_type,target_staff_id,score"


def test_load_year_sees_the_year_and_before_never_after(db, tmp_path):
    write_csv(tmp_path / "staff.csv", STAFF_HEADER,
              "1002,2025,佐藤,総務課,係長", "1001,2024,山田,総務課,主事",
              "1001,2025,山田,情報政策課,主任", "1001,2026,山田,情報政策課,係長",
              "1003,2024,鈴木,税務課,主事")  # 1003 left in 2024
    write_csv(tmp_path / "training.csv", "staff_id,course,completed_on",
              "1001,DX基礎,2026-03-31", "1001,データ活用,2026-04-01", "1001,Excel,H31.4.1")
    write_csv(tmp_path / "activities.csv", "staff_id,fiscal_year,kind",
              "1001,2025,自学", "1001,2026,OJT講師")
    write_csv(tmp_path / "evaluations.csv", EVAL_HEADER,
              "2025,P-01,報告会,技術的観点,E1,幹部職員,,4", "2025,P-01,終了後,,E1,幹部職員,1001,3.5",
              "2026,P-02,報告会,政策,E1,幹部職員,,4")
    import_paths(db, [tmp_path])

    year = load_year(db, 2025)
    assert [s.staff_id for s in year.roster] == ["1001", "1002"]
    facts = year.staff("1001")
    assert facts.staff.grade == "staff" and facts.staff.fiscal_year == 2025
    assert [s.fiscal_year for s in facts.history] == [2024, 2025]
    assert [t.course for t in facts.trainings] == ["DX基礎", "Excel"]  # 2026-03-31 counts for 2025
    assert [a.kind for a in facts.activities] == ["self_study"]
    assert list(year.evaluations) == [(2025, "P-01")]
    post = [e for e in year.evaluations[(2025, "P-01")] if e.occasion == "post_project"]
    assert (post[0].perspective, post[0].score, str(post[0].provenance)) == ("leadership", 3.5, "evaluations.csv:3")
    assert year.staff("1002").trainings == []

    next_year = load_year(db, 2026)
    assert [t.course for t in next_year.staff("1001").trainings] == ["DX基礎", "データ活用", "Excel"]
    assert [s.staff_id for s in next_year.roster] == ["1001"]


def test_a_staff_member_off_the_roster_is_a_review_error(db, tmp_path):
    import pytest

    from engine.errors import ReviewError

    write_csv(tmp_path / "staff.csv", STAFF_HEADER, "1001,2025,山田,課,主任")
    import_paths(db, [tmp_path])
    with pytest.raises(ReviewError, match="1009"):
        load_year(db, 2025).staff("1009")
