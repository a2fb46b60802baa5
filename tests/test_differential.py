"""The engine against the independent reference evaluator (engine/reference.py), on generated
populations of every policy (bench/generate.py) and on Moka cases that hypothesis makes up and
shrinks to a minimal disagreement. A disagreement prints the staff member's facts and both verdicts."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bench.differential import compare, run
from bench.generate import POLICIES
from engine.review import run_review
from facts.db import get_engine, init_db
from facts.importer import import_paths

STAFF = int(os.environ.get("NINTEI_DIFF_STAFF", "2000"))
SEED = int(os.environ.get("NINTEI_DIFF_SEED", "20261201"))


@pytest.mark.parametrize("policy", POLICIES)
def test_engine_and_reference_agree_on_a_generated_population(policy, tmp_path):
    lines: list[str] = []
    bad = run(policy, STAFF, SEED, tmp_path, out=lines.append)
    print(*lines, f"(seed {SEED}: NINTEI_DIFF_SEED={SEED} NINTEI_DIFF_STAFF={STAFF} to repeat)", sep="\n")
    assert not bad, "\n".join(str(d) for d in bad[:5])


# --- Moka, made up by hypothesis ---------------------------------------------------------------

PEOPLE = ["A", "B", "C"]
YEARS = [2022, 2023, 2024, 2025]
SCORES = st.sampled_from([3.0, 3.4, 3.5, 3.6, 4.0, 4.5])

participation = st.tuples(st.sampled_from(PEOPLE), st.sampled_from(YEARS), st.sampled_from(["P1", "P2"]),
                          st.sampled_from(["leader", "member"]))
report_row = st.tuples(st.sampled_from(YEARS), st.sampled_from(["P1", "P2"]),
                       st.sampled_from(["policy", "leadership", "technical"]),
                       st.sampled_from(["", "A", "B", "C"]), SCORES)
post_row = st.tuples(st.sampled_from(YEARS), st.sampled_from(["P1", "P2"]), st.sampled_from([*PEOPLE, "EXE1"]),
                     st.sampled_from(PEOPLE), SCORES)
history = st.tuples(st.sampled_from(PEOPLE), st.sampled_from(["dx_advisor", "dx_expert", "dx_specialist"]),
                    st.sampled_from([2021, 2023, 2024, 2025]))


def judge_files(tmp_path_factory, policy: str, files: dict[str, tuple[str, list[tuple]]]) -> None:
    """Write the made-up facts as CSV, import, review 令和7年度 and compare with the reference."""
    folder = tmp_path_factory.mktemp(policy)
    for name, (header, rows) in files.items():
        if rows:
            (folder / name).write_text("\n".join([header, *(",".join(map(str, r)) for r in rows)]) + "\n",
                                       encoding="utf-8")
    db = get_engine(f"sqlite:///{tmp_path_factory.mktemp('db')}/n.db")
    init_db(db)
    import_paths(db, [folder])
    bad = compare(db, policy, run_review(db, policy, 2025))
    db.dispose()
    assert not bad, "\n".join(str(d) for d in bad[:3])


EXAMPLES = int(os.environ.get("NINTEI_DIFF_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ROSTER_HEADER = "staff_id,fiscal_year,name,department,grade"


@SETTINGS
@given(st.lists(participation, max_size=8, unique_by=lambda p: (p[0], p[1], p[2])),
       st.lists(report_row, max_size=14, unique_by=lambda r: r[:4]),
       st.lists(post_row, max_size=6, unique_by=lambda r: r[:4]),
       st.lists(history, max_size=2, unique_by=lambda h: h[:2]))
def test_engine_and_reference_agree_on_made_up_moka_cases(tmp_path_factory, projects, reports, posts, grants):
    evaluations = [(y, pid, "report_meeting", q, f"E{q[0]}", "executive", target, s) for y, pid, q, target, s in reports]
    evaluations += [(y, pid, "post_project", "leadership", who, "member" if who != "EXE1" else "executive", target, s)
                    for y, pid, who, target, s in posts]
    judge_files(tmp_path_factory, "moka", {
        "staff.csv": (ROSTER_HEADER, [(p, y, f"職員{p}", "総務課", "主事") for p in PEOPLE for y in YEARS]),
        "project.csv": ("staff_id,fiscal_year,project_id,project_name,role",
                        [(p, y, pid, f"事業{pid}", role) for p, y, pid, role in projects]),
        "evaluation.csv": ("fiscal_year,project_id,occasion,perspective,evaluator_id,evaluator_type,target_staff_id,score",
                           evaluations),
        "certification.csv": ("staff_id,policy,certification,fiscal_year", [(p, "moka", c, y) for p, c, y in grants]),
    })


# --- Goka and Oyama, made up by hypothesis --------------------------------------------------------

ALL_YEARS = [2021, 2022, 2023, 2024, 2025]
grade = st.sampled_from(["主事", "係長", "課長", "部長"])


@SETTINGS
@given(st.lists(st.tuples(grade, st.sampled_from(["総務課", "デジタル推進室", "総務部 デジタル推進室"])),
                min_size=5, max_size=5),
       st.lists(st.sampled_from([2020, *ALL_YEARS]), max_size=4, unique=True),
       st.lists(st.tuples(st.sampled_from(["manager", "dx_office", "dx_leader", "staff"]), st.sampled_from(ALL_YEARS),
                          st.sampled_from(["1", "2", "3", "4", "5"]), st.sampled_from(["A", "X1", "X2"])),
                max_size=6, unique_by=lambda r: (r[0], r[1], r[3])),
       st.lists(st.tuples(st.sampled_from(ALL_YEARS),
                          st.sampled_from(["self_study", "ojt_instructor", "tool_instructor", "system_training_instructor"])),
                max_size=4, unique=True),
       st.booleans(),
       st.lists(st.tuples(st.sampled_from(["staff_l1", "staff_l2", "dx_leader_l1", "manager_l1"]),
                          st.sampled_from([2022, 2024, 2025])), max_size=2, unique_by=lambda h: h[0]))
def test_engine_and_reference_agree_on_made_up_goka_cases(tmp_path_factory, roster, terms, skills, acts, trained,
                                                         grants):
    judge_files(tmp_path_factory, "goka", {
        "staff.csv": (ROSTER_HEADER, [("A", y, "職員A", d, g) for y, (g, d) in zip(ALL_YEARS, roster)]),
        "role.csv": ("staff_id,fiscal_year,role", [("A", y, "support_team") for y in terms]),
        "skill.csv": ("staff_id,fiscal_year,framework,skill,level,assessor",
                      [("A", y, "goka", k, lv, who) for k, y, lv, who in skills]),
        "activity.csv": ("staff_id,fiscal_year,kind,detail", [("A", y, k, "内容") for y, k in acts]),
        "training.csv": ("staff_id,course,completed_on", [("A", "庁内GIS研修", "2023-07-01")] if trained else []),
        "certification.csv": ("staff_id,policy,certification,fiscal_year", [("A", "goka", c, y) for c, y in grants]),
    })


OYAMA_SKILLS = ["management", "leadership", "dx_promotion", "it", "data_literacy", "data_analysis",
                "service_design", "info_security"]


@SETTINGS
@given(grade, st.sampled_from(["総務課", "情報政策課", "総務部 情報政策課", "DX推進室"]),
       st.lists(st.tuples(st.sampled_from(OYAMA_SKILLS), st.sampled_from([2023, 2024, 2025]),
                          st.sampled_from(["c", "b", "a"]), st.sampled_from(["A", "X1"])),
                max_size=14, unique_by=lambda r: (r[0], r[1], r[3])),
       st.lists(st.tuples(st.sampled_from(["it_passport", "sg", "fe", "ap"]),
                          st.sampled_from(["2024-06-01", "2026-03-31", "2026-04-01"])),
                max_size=2, unique_by=lambda q: q[0]))
def test_engine_and_reference_agree_on_made_up_oyama_cases(tmp_path_factory, grade_now, department, skills, quals):
    judge_files(tmp_path_factory, "oyama", {
        "staff.csv": (ROSTER_HEADER, [("A", 2024, "職員A", "総務課", "主事"), ("A", 2025, "職員A", department, grade_now)]),
        "skill.csv": ("staff_id,fiscal_year,framework,skill,level,assessor",
                      [("A", y, "oyama", k, lv, who) for k, y, lv, who in skills]),
        "qualification.csv": ("staff_id,qualification,acquired_on", [("A", q, d) for q, d in quals]),
    })


def _catalogue(policy: str, kind: str) -> list[str]:
    from engine.rulebook import load_rulebook

    return sorted(load_rulebook().policy(policy).catalogue[kind])


TARUMIZU_COURSES = _catalogue("tarumizu", "course")


@SETTINGS
@given(grade, st.sampled_from(["総務課", "総務課 DX推進係", "DX推進係", "企画課/DX推進係"]),
       st.lists(st.tuples(st.sampled_from(["nominee", "dx_leader", "dx_promoter"]), st.sampled_from([2024, 2025]),
                          st.sampled_from(["", "dx_promoter", "dx_leader"])),
                max_size=3, unique_by=lambda r: (r[0], r[1])),
       st.lists(st.tuples(st.sampled_from(TARUMIZU_COURSES), st.sampled_from(["2023-05-01", "2025-10-01", "2026-04-02"])),
                max_size=len(TARUMIZU_COURSES), unique_by=lambda t: t[0]),
       st.booleans())
def test_engine_and_reference_agree_on_made_up_tarumizu_cases(tmp_path_factory, grade_now, department, roles,
                                                             trainings, advisor_before):
    judge_files(tmp_path_factory, "tarumizu", {
        "staff.csv": (ROSTER_HEADER, [("A", 2024, "職員A", "総務課", "主事"), ("A", 2025, "職員A", department, grade_now)]),
        "role.csv": ("staff_id,fiscal_year,role,nominated_for",
                     [("A", y, r, n if r == "nominee" else "") for r, y, n in roles]),
        "training.csv": ("staff_id,course,completed_on", [("A", c, d) for c, d in trainings]),
        "certification.csv": ("staff_id,policy,certification,fiscal_year",
                              [("A", "tarumizu", "dx_advisor", 2024)] if advisor_before else []),
    })


KAKAMIGAHARA_SKILLS = _catalogue("kakamigahara", "skill")
KAKAMIGAHARA_COURSES = ["情報セキュリティ研修（基礎）", "DXマインドアップ研修", "デジタルスキルアップ研修"]


@SETTINGS
@given(grade, st.sampled_from(["総務課", "情報推進課", "企画部 情報推進課"]),
       st.lists(st.sampled_from([2024, 2025]), max_size=2, unique=True),
       st.lists(st.tuples(st.sampled_from(KAKAMIGAHARA_SKILLS), st.sampled_from([2024, 2025, 2026]),
                          st.sampled_from(["acquired", "理解"])),
                max_size=16, unique_by=lambda r: (r[0], r[1])),
       st.lists(st.tuples(st.sampled_from(KAKAMIGAHARA_COURSES), st.sampled_from(["2024-06-01", "2026-04-02"])),
                max_size=3, unique_by=lambda t: t[0]))
def test_engine_and_reference_agree_on_made_up_kakamigahara_cases(tmp_path_factory, grade_now, department, appointed,
                                                                 skills, trainings):
    judge_files(tmp_path_factory, "kakamigahara", {
        "staff.csv": (ROSTER_HEADER, [("A", 2024, "職員A", "総務課", "主事"), ("A", 2025, "職員A", department, grade_now)]),
        "role.csv": ("staff_id,fiscal_year,role", [("A", y, "digital_promoter") for y in appointed]),
        "skill.csv": ("staff_id,fiscal_year,framework,skill,level,assessor",
                      [("A", y, "kakamigahara", k, lv, "X1") for k, y, lv in skills]),
        "training.csv": ("staff_id,course,completed_on", [("A", c, d) for c, d in trainings]),
    })
