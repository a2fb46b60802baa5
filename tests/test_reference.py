"""The reference evaluator (engine/reference.py) on small cases taken from shared/policies.md, and
on every policy's bundled samples against the hand-worked outcomes of tests/data."""
from __future__ import annotations

import csv
import itertools
from datetime import date
from pathlib import Path

import pytest

from engine.reference import judge_reference, participants_of
from engine.rulebook import load_rulebook
from facts.records import (
    Activity, Certification, Evaluation, Project, Qualification, Role, Skill, Source, Staff, Training,
)
from facts.db import get_engine, init_db
from facts.importer import import_paths
from facts.store import StaffFacts, YearFacts, load_year

ROOT = Path(__file__).resolve().parent.parent
_rows = itertools.count(2)


def src() -> Source:
    return Source(file="test.csv", row=next(_rows))


def person(staff_id="90001", year=2025, department="総務課", grade="staff", **records) -> StaffFacts:
    row = Staff(provenance=src(), staff_id=staff_id, fiscal_year=year, name=f"試験 {staff_id}",
                department=department, grade=grade)
    return StaffFacts(staff=row, history=[row], **records)


def year_of(fiscal_year: int, people: list[StaffFacts], evaluations=()) -> YearFacts:
    by_key: dict = {}
    for e in evaluations:
        by_key.setdefault((e.fiscal_year, e.project_id), []).append(e)
    return YearFacts(fiscal_year, [p.staff for p in people], by_key, {p.staff_id: p for p in people})


def judge(policy_id: str, who: StaffFacts, year: YearFacts | None = None, fiscal_year: int = 2025, **kw):
    year = year or year_of(fiscal_year, [who])
    return judge_reference(load_rulebook().policy(policy_id), fiscal_year, who, year, **kw)


# ---------------------------------------------------------------- moka

def project(staff_id, fy, pid, role):
    return Project(provenance=src(), staff_id=staff_id, fiscal_year=fy, project_id=pid,
                   project_name=f"プロジェクト {pid}", role=role)


def report(fy, pid, score, perspectives=("policy", "leadership", "technical"), target=None):
    return [Evaluation(provenance=src(), fiscal_year=fy, project_id=pid, occasion="report_meeting",
                       perspective=p, evaluator_id=f"E-{p}", evaluator_type="executive",
                       target_staff_id=target, score=score) for p in perspectives]


def post(fy, pid, leader, evaluator, score):
    return Evaluation(provenance=src(), fiscal_year=fy, project_id=pid, occasion="post_project",
                      evaluator_id=evaluator, evaluator_type="member", target_staff_id=leader, score=score)


def moka_case(leads: list[tuple[int, str, float, float]], extra_evals=(), **kw):
    """A leader (90001) of each (fiscal year, project, report score, members' score); one member (M-<pid>)."""
    leader = person("90001", projects=[project("90001", fy, pid, "leader") for fy, pid, _, _ in leads], **kw)
    members = [person(f"M-{pid}", projects=[project(f"M-{pid}", fy, pid, "member")]) for fy, pid, _, _ in leads]
    evals = [e for fy, pid, r, m in leads for e in [*report(fy, pid, r), post(fy, pid, "90001", f"M-{pid}", m)]]
    return leader, year_of(2025, [leader, *members], [*evals, *extra_evals])


def test_moka_expert_needs_advisor_standing_before_the_same_leader_year():
    # policies.md: the leader project-year and the earlier advisor standing are one joined condition.
    leader, year = moka_case([(2023, "P1", 4.0, 4.0), (2025, "P2", 3.0, 4.0)])
    got = judge("moka", leader, year)
    assert got["dx_advisor"].outcome == "certified"
    assert got["dx_expert"].outcome == "not_certified"
    assert got["dx_expert"].met["advisor_before"] is False  # evaluated for P1 (2023) only
    assert got["dx_expert"].missing == frozenset()
    assert got["dx_specialist"].outcome == "not_certified"


def test_moka_expert_with_advisor_year_before_the_leader_year():
    leader, year = moka_case([(2023, "P1", 4.0, 3.0), (2024, "P2", 3.6, 3.9)])
    got = judge("moka", leader, year)
    assert got["dx_expert"].outcome == "certified"
    assert got["dx_expert"].met["advisor_met_before"] is True
    assert got["dx_specialist"].outcome == "not_certified"  # 2023's members' score 3.0 breaks the run


def test_moka_expert_from_history_and_held_permanent():
    history = [Certification(provenance=src(), staff_id="90001", policy="moka", certification="dx_advisor",
                             fiscal_year=2022)]
    leader, year = moka_case([(2025, "P1", 3.5, 3.5)], certifications=history)
    got = judge("moka", leader, year)
    assert got["dx_advisor"].outcome == "held"
    assert got["dx_expert"].outcome == "certified"  # exactly at both thresholds
    grant = Certification(provenance=src(), staff_id="90001", policy="moka", certification="dx_expert",
                          fiscal_year=2024)
    assert judge("moka", leader, year, earlier_grants=[grant])["dx_expert"].outcome == "held"


def test_history_may_name_the_municipality_and_the_label():
    history = [Certification(provenance=src(), staff_id="90001", policy="真岡市", certification="DXアドバイザー",
                             fiscal_year=2022),
               Certification(provenance=src(), staff_id="90001", policy="moka", certification="dx_specialist",
                             fiscal_year=2025)]  # of the review year itself: not an earlier grant
    got = judge("moka", person("90001", certifications=history))
    assert got["dx_advisor"].outcome == "held"
    assert got["dx_specialist"].outcome == "not_certified"


def test_moka_specialist_needs_consecutive_years():
    leader, year = moka_case([(2022, "P1", 3.8, 4.0), (2023, "P2", 4.0, 4.0)])
    assert judge("moka", leader, year)["dx_specialist"].outcome == "certified"
    leader, year = moka_case([(2022, "P1", 3.8, 4.0), (2024, "P2", 4.0, 4.0)])
    assert judge("moka", leader, year)["dx_specialist"].outcome == "not_certified"


def test_moka_post_project_score_of_a_non_member_is_left_out():
    # An executive's 5.0 would lift the leader to 4.0; only the member's 3.0 counts.
    leader, year = moka_case([(2023, "P0", 4.0, 4.0), (2024, "P1", 4.0, 3.0)],
                             extra_evals=[post(2024, "P1", "90001", "EXEC1", 5.0),
                                          post(2024, "P1", "90001", "M-P0", 5.0)])  # member of another project
    got = judge("moka", leader, year)
    assert got["dx_expert"].outcome == "not_certified"
    assert "expert_leader_project" not in got["dx_expert"].missing


def test_moka_led_project_year_without_members_score_is_records_missing():
    history = [Certification(provenance=src(), staff_id="90001", policy="moka", certification="dx_advisor",
                             fiscal_year=2022)]
    leader = person("90001", projects=[project("90001", 2024, "P1", "leader")], certifications=history)
    year = year_of(2025, [leader], [*report(2024, "P1", 4.0), post(2024, "P1", "90001", "EXEC1", 5.0)])
    got = judge("moka", leader, year)
    assert got["dx_expert"].outcome == "not_certified"
    assert got["dx_expert"].missing == {"expert_leader_project"}
    # without the earlier advisor standing the members' score could not help: plainly not met
    leader = person("90001", projects=[project("90001", 2024, "P1", "leader")])
    got = judge("moka", leader, year_of(2025, [leader], year.evaluations[(2024, "P1")]))
    assert got["dx_expert"].outcome == "not_certified" and got["dx_expert"].missing == frozenset()
    assert "specialist_run" not in got["dx_specialist"].missing  # one year could never make a run


def test_moka_member_who_left_the_roster_counts_when_participants_are_given():
    # the only member of P1 (2024) is not on the 2025 roster, so YearFacts of 2025 does not know them
    history = [Certification(provenance=src(), staff_id="90001", policy="moka", certification="dx_advisor",
                             fiscal_year=2022)]
    leader = person("90001", projects=[project("90001", 2024, "P1", "leader")], certifications=history)
    gone = person("90031", year=2024, projects=[project("90031", 2024, "P1", "member")])
    evals = [*report(2024, "P1", 4.0), post(2024, "P1", "90001", "90031", 4.0)]
    year = year_of(2025, [leader], evals)
    assert judge("moka", leader, year)["dx_expert"].missing == {"expert_leader_project"}
    earlier = participants_of(year_of(2024, [gone]))
    assert judge("moka", leader, year, participants=earlier)["dx_expert"].outcome == "certified"


def test_moka_missing_perspective_is_records_missing_and_never_led_is_not():
    member = person("90002", projects=[project("90002", 2024, "P1", "member")])
    year = year_of(2025, [member], report(2024, "P1", 5.0, perspectives=("policy", "leadership")))
    got = judge("moka", member, year)
    assert got["dx_advisor"].outcome == "not_certified"
    assert got["dx_advisor"].missing == {"advisor_project"}
    assert got["dx_expert"].missing == frozenset()  # never a leader: not met, nothing missing
    nobody = person("90003")
    assert judge("moka", nobody)["dx_advisor"].missing == frozenset()


def test_moka_rows_targeting_the_participant_override_the_projects_rows():
    member = person("90002", projects=[project("90002", 2024, "P1", "member")])
    evals = [*report(2024, "P1", 3.6), *report(2024, "P1", 2.75, perspectives=("leadership",), target="90002"),
             *report(2024, "P1", 1.0, perspectives=("policy",), target="90009")]  # another participant's
    got = judge("moka", member, year_of(2025, [member], evals))
    assert got["dx_advisor"].outcome == "not_certified"  # (3.6 + 2.75 + 3.6) / 3 = 3.3167


def test_moka_report_mean_rounded_once_meets_threshold_exactly():
    member = person("90002", projects=[project("90002", 2023, "P1", "member")])
    evals = [*report(2023, "P1", 3.0, ("policy",)), *report(2023, "P1", 4.0, ("leadership",)),
             *report(2023, "P1", 3.5, ("technical",))]
    assert judge("moka", member, year_of(2025, [member], evals))["dx_advisor"].outcome == "certified"


def test_moka_later_years_are_not_seen():
    member = person("90002", projects=[project("90002", 2026, "P1", "member")])
    got = judge("moka", member, year_of(2025, [member], report(2026, "P1", 5.0)))
    assert got["dx_advisor"].outcome == "not_certified"


# ---------------------------------------------------------------- goka

def skill(staff_id, fy, name, level, assessor, framework=None, policy="goka"):
    return Skill(provenance=src(), staff_id=staff_id, fiscal_year=fy, framework=framework or policy,
                 skill=name, level=level, assessor=assessor)


def test_goka_self_assessment_does_not_count():
    # policies.md: an assessor who is not the staff member (README 51023).
    me = person("51023", activities=[Activity(provenance=src(), staff_id="51023", fiscal_year=2025, kind="自学")],
                skills=[skill("51023", 2025, "staff", "3", "51023")])
    got = judge("goka", me)
    assert got["staff_l1"].outcome == "certified"
    assert got["staff_l2"].outcome == "not_certified"
    assert got["staff_l2"].met["staff_l2_ladder"] is True  # level 1 granted in the same review
    assert got["staff_l2"].met["staff_l2_assessed"] is False


def test_goka_latest_year_wins_and_highest_within_it():
    act = [Activity(provenance=src(), staff_id="51021", fiscal_year=2024, kind="self_study")]
    me = person("51021", activities=act, skills=[skill("51021", 2023, "staff", "4", "課長"),
                                                 skill("51021", 2025, "staff", "2", "課長")])
    got = judge("goka", me)
    assert [got[f"staff_l{n}"].outcome for n in range(1, 5)] == ["certified", "certified", "not_certified",
                                                                 "not_certified"]
    me = person("51022", activities=act, skills=[skill("51022", 2025, "staff", "2", "課長"),
                                                 skill("51022", 2025, "staff", "3", "課長補佐")])
    assert judge("goka", me)["staff_l3"].outcome == "certified"


def test_goka_support_team_terms_since_2021_need_not_be_consecutive():
    def roles(*years):
        return [Role(provenance=src(), staff_id="51011", fiscal_year=y, role="support_team") for y in years]
    training = [Training(provenance=src(), staff_id="51011", course="情報セキュリティ研修", completed_on=date(2024, 5, 1))]
    assert judge("goka", person("51011", roles=roles(2021, 2023), trainings=training))["dx_leader_l1"].outcome \
        == "certified"
    got = judge("goka", person("51013", roles=roles(2020, 2021), trainings=training))
    assert got["dx_leader_l1"].outcome == "not_certified"
    assert got["dx_leader_l1"].met["support_team_terms_met"] is False


def test_goka_tracks_read_the_review_years_roster_row():
    # a デジタル推進室 主事 is on both the dx_office and the staff track; department in segments
    act = [Activity(provenance=src(), staff_id="51008", fiscal_year=2025, kind="self_study")]
    got = judge("goka", person("51008", department="総務部\u3000デジタル推進室", activities=act))
    assert got["dx_office_l1"].outcome == "certified" and got["staff_l1"].outcome == "certified"
    assert got["manager_l1"].outcome == "not_certified"


# ---------------------------------------------------------------- oyama

OYAMA_MANAGER = {"management": "a", "leadership": "a", "dx_promotion": "a", "it": "b", "data_literacy": "a",
                 "data_analysis": "b", "service_design": "b", "info_security": "a"}


def test_oyama_information_division_takes_precedence_over_grade():
    def chief(department):
        return person("12018", department=department, grade="課長",
                      skills=[skill("12018", 2025, k, v, "副市長", policy="oyama") for k, v in OYAMA_MANAGER.items()])
    got = judge("oyama", chief("情報政策課"))["skill_standard"]
    assert got.outcome == "not_certified"
    assert got.met["role_info_is"] is True and got.met["role_manager_is"] is False
    assert got.met["info_skills.it"] is False and got.met["info_skills.management"] is True
    assert judge("oyama", chief("市民課"))["skill_standard"].outcome == "certified"


def test_oyama_skill_by_japanese_name_and_it_literacy_by_date():
    general = {"dx_promotion": "c", "it": "b", "data_literacy": "c", "data_analysis": "c",
               "service_design": "c", "info_security": "b"}
    names = {"dx_promotion": "DX推進", "it": "IT", "data_literacy": "データ基礎", "data_analysis": "データ分析",
             "service_design": "サービスデザイン", "info_security": "情報セキュリティ"}
    quals = [Qualification(provenance=src(), staff_id="12005", qualification="ITパスポート",
                           acquired_on=date(2026, 3, 31))]
    me = person("12005", skills=[skill("12005", 2025, names[k], v, "所属長", policy="oyama") for k, v in general.items()],
                qualifications=quals)
    got = judge("oyama", me)
    assert got["skill_standard"].outcome == "certified"
    assert got["it_literacy"].outcome == "certified"
    history = [Certification(provenance=src(), staff_id="12005", policy="oyama", certification="it_literacy",
                             fiscal_year=2024)]
    me = person("12005", certifications=history)
    assert judge("oyama", me)["it_literacy"].outcome == "not_certified"  # yearly: never held


def test_oyama_skill_record_without_level_is_records_missing_and_other_cases_lack_nothing():
    general = {"dx_promotion": "c", "data_literacy": "c", "data_analysis": "c", "service_design": "c",
               "info_security": "b"}
    skills = [skill("12030", 2025, k, v, "所属長", policy="oyama") for k, v in general.items()]
    skills.append(Skill.model_construct(provenance=src(), staff_id="12030", fiscal_year=2025, framework="oyama",
                                        skill="it", level=None, assessor="所属長"))  # no level: incomplete
    got = judge("oyama", person("12030", skills=skills))["skill_standard"]
    assert got.outcome == "not_certified"
    assert got.missing == {"general_skills.it", "general_skills", "role_general", "skill_standard_by_role"}
    assert got.met["role_manager"] is False and "manager_skills" not in got.met


# ---------------------------------------------------------------- tarumizu

def test_tarumizu_courses_by_japanese_name_and_nomination():
    courses = ["ICTの基礎セミナー", "情報セキュリティ研修 (RICHO)", "自治体DX入門セミナー（J-LIS）"]
    trainings = [Training(provenance=src(), staff_id="31012", course=c, completed_on=date(2024, 6, 1)) for c in courses]
    nominee = [Role(provenance=src(), staff_id="31012", fiscal_year=2025, role="nominee")]  # 推薦区分 blank: either
    got = judge("tarumizu", person("31012", trainings=trainings, roles=nominee))
    assert got["dx_promoter_candidate"].outcome == "certified"
    assert got["dx_leader_candidate"].outcome == "not_certified"  # プレCYDER is ● for 推進員
    assert got["dx_leader_candidate"].met["leader_courses.cyder_pre"] is False
    assert "leader_courses.dx_planning" not in got["dx_leader_candidate"].met  # excepted
    for_leader = [Role(provenance=src(), staff_id="31012", fiscal_year=2025, role="nominee", nominated_for="dx_leader")]
    got = judge("tarumizu", person("31012", trainings=trainings, roles=for_leader))
    assert got["dx_promoter_candidate"].outcome == "not_certified"


# ---------------------------------------------------------------- kakamigahara

def test_kakamigahara_skill_from_training():
    others = ["ict_knowledge", "improve_own_work", "security_knowledge", "oa_groupware"]
    skills = [skill("41010", 2024, s, "習得", "人事課", policy="kakamigahara") for s in others]
    mindup = [Training(provenance=src(), staff_id="41010", course="DXマインドアップ研修", completed_on=date(2025, 7, 1))]
    got = judge("kakamigahara", person("41010", skills=skills, trainings=mindup))
    assert got["general"].outcome == "certified"
    assert got["general"].met["general_skill_set.dx_knowledge"] is True
    unsure = [*skills[1:], Skill.model_construct(provenance=src(), staff_id="41010", fiscal_year=2024,
                                                  framework="kakamigahara", skill="ict_knowledge", level=None)]
    got = judge("kakamigahara", person("41010", skills=unsure, trainings=mindup))
    assert got["general"].outcome == "not_certified"
    assert got["general"].missing == {"general_skill_set.ict_knowledge", "general_skill_set", "general"}
    late = [Training(provenance=src(), staff_id="41010", course="DXマインドアップ研修", completed_on=date(2026, 4, 1))]
    got = judge("kakamigahara", person("41010", skills=skills, trainings=late))
    assert got["general"].outcome == "not_certified"
    assert got["general"].missing == frozenset()


# ---------------------------------------------------------------- samples

def _sample_year(policy_id: str, tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'facts.db'}")
    init_db(engine)
    import_paths(engine, [ROOT / "facts" / "samples" / policy_id], load_rulebook().catalogues())
    return engine, load_year(engine, 2025)


@pytest.mark.parametrize("policy_id", ["moka", "goka", "oyama", "tarumizu", "kakamigahara"])
def test_samples_match_the_hand_worked_outcomes(policy_id, tmp_path):
    engine, year = _sample_year(policy_id, tmp_path)
    policy = load_rulebook().policy(policy_id)
    everyone = participants_of(*(load_year(engine, y) for y in range(2019, 2026)))  # members since retired
    got = {(p.staff_id, cid): d.outcome
           for p in year for cid, d in judge_reference(policy, 2025, p, year, participants=everyone).items()}
    with open(ROOT / "tests" / "data" / f"{policy_id}_samples_expected.csv", encoding="utf-8") as f:
        expected = {(r["staff_id"], r["certification"]): r["outcome"] for r in csv.DictReader(f)}
    assert {k: v for k, v in got.items() if expected.get(k) != v} == {}
    assert set(got) == set(expected)
