from datetime import date

import pytest
from pydantic import ValidationError

from facts.aliases import GRADE_ALIASES
from facts.records import RECORD_TYPES, Evaluation, Qualification, Source, Staff, Training

SRC = Source(file="staff.csv", row=2)


def test_every_record_type_of_the_spec_is_there():
    assert set(RECORD_TYPES) == {"staff", "project", "evaluation", "training", "qualification",
                                 "skill", "role", "activity", "certification"}


def test_provenance_prints_file_row_or_file_sheet_row():
    assert str(Source(file="staff.csv", row=2)) == "staff.csv:2"
    assert str(Source(file="facts.xlsx", sheet="研修", row=5)) == "facts.xlsx:研修:5"


def test_staff_values_become_canonical_and_keyed():
    staff = Staff(provenance=SRC, staff_id=1001, fiscal_year="令和7年度", name=" 山田　太郎 ",
                  department="情報政策課", grade="主任主事")
    assert (staff.staff_id, staff.fiscal_year, staff.grade) == ("1001", 2025, "staff")
    assert staff.name == "山田 太郎"
    assert staff.record_id == "staff/1001|2025"
    assert staff.fields() == {"staff_id": "1001", "fiscal_year": 2025, "name": "山田 太郎",
                              "department": "情報政策課", "grade": "staff"}
    with pytest.raises(ValidationError):
        staff.grade = "manager"  # frozen


def test_a_deployment_can_extend_the_grade_table():
    with pytest.raises(ValidationError, match="職級として使えません"):
        Staff(provenance=SRC, staff_id="1", fiscal_year=2025, name="a", department="b", grade="主任主査")
    GRADE_ALIASES["主任主査"] = "supervisor"
    try:
        staff = Staff(provenance=SRC, staff_id="1", fiscal_year=2025, name="a", department="b", grade="主任主査")
        assert staff.grade == "supervisor"
    finally:
        del GRADE_ALIASES["主任主査"]


def test_post_project_evaluations_default_to_leadership():
    ev = Evaluation(provenance=SRC, fiscal_year="R6", project_id="P-01", occasion="終了後",
                    evaluator_id="E1", evaluator_type="幹部職員", target_staff_id="1001", score="4.5")
    assert (ev.perspective, ev.score, ev.fiscal_year) == ("leadership", 4.5, 2024)
    assert ev.record_id == "evaluation/2024|P-01|post_project|leadership|E1|1001"


def test_a_project_score_has_no_target_and_keys_it_as_blank():
    ev = Evaluation(provenance=SRC, fiscal_year=2025, project_id="P-01", occasion="報告会",
                    perspective="政策的観点", evaluator_id="E1", evaluator_type="専門家", score=3)
    assert ev.record_id == "evaluation/2025|P-01|report_meeting|policy|E1|"


def test_score_out_of_range_names_the_limit():
    with pytest.raises(ValidationError, match="7.5 は上限 5.0 を超えています"):
        Evaluation(provenance=SRC, fiscal_year=2025, project_id="P", occasion="報告会", perspective="技術",
                   evaluator_id="E", evaluator_type="職員", score="7.5")


@pytest.mark.parametrize("name, qid", [
    ("ITパスポート", "it_passport"), ("ＩＴパスポート試験", "it_passport"), ("基本情報技術者試験", "fe"),
    ("情報処理安全確保支援士", "sc"), ("プロジェクトマネージャ試験", "pm"), ("AP", "ap"), ("sg", "sg"),
])
def test_qualification_names_become_ids(name, qid):
    q = Qualification(provenance=SRC, staff_id="1", qualification=name, acquired_on="R7.6.30")
    assert q.qualification == qid
    assert q.fiscal_year == 2025


def test_training_fiscal_year_comes_from_the_completion_date():
    t = Training(provenance=SRC, staff_id="1", course="DX基礎", completed_on="2026/3/31")
    assert t.fiscal_year == 2025
    assert t.record_id == "training/1|DX基礎|2026-03-31"
    assert t.fields()["completed_on"] == date(2026, 3, 31)
