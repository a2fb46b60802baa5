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


@settings(max_examples=int(os.environ.get("NINTEI_DIFF_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(participation, max_size=8, unique_by=lambda p: (p[0], p[1], p[2])),
       st.lists(report_row, max_size=14, unique_by=lambda r: r[:4]),
       st.lists(post_row, max_size=6, unique_by=lambda r: r[:4]),
       st.lists(history, max_size=2, unique_by=lambda h: h[:2]))
def test_engine_and_reference_agree_on_made_up_moka_cases(tmp_path_factory, projects, reports, posts, grants):
    folder = tmp_path_factory.mktemp("moka")
    def write(name, header, rows):
        if rows:
            (folder / name).write_text("\n".join([header, *(",".join(map(str, r)) for r in rows)]) + "\n",
                                       encoding="utf-8")
    write("staff.csv", "staff_id,fiscal_year,name,department,grade",
          [(p, y, f"職員{p}", "総務課", "主事") for p in PEOPLE for y in YEARS])
    write("project.csv", "staff_id,fiscal_year,project_id,project_name,role",
          [(p, y, pid, f"事業{pid}", role) for p, y, pid, role in projects])
    evaluations = [(y, pid, "report_meeting", q, f"E{q[0]}", "executive", target, s) for y, pid, q, target, s in reports]
    evaluations += [(y, pid, "post_project", "leadership", who, "member" if who != "EXE1" else "executive", target, s)
                    for y, pid, who, target, s in posts]
    write("evaluation.csv", "fiscal_year,project_id,occasion,perspective,evaluator_id,evaluator_type,target_staff_id,score",
          evaluations)
    write("certification.csv", "staff_id,policy,certification,fiscal_year", [(p, "moka", c, y) for p, c, y in grants])
    db = get_engine(f"sqlite:///{tmp_path_factory.mktemp('db')}/n.db")
    init_db(db)
    import_paths(db, [folder])
    bad = compare(db, "moka", run_review(db, "moka", 2025))
    db.dispose()
    assert not bad, "\n".join(str(d) for d in bad[:3])
