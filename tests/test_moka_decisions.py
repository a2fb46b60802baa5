"""Moka decisions that the bundled samples never exercised (issue 13, items 1, 2 and 7), each
through a real import and review on SQLite."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.review import run_review
from facts.db import get_engine, init_db
from facts.importer import import_paths

STAFF = "staff_id,fiscal_year,name,department,grade"
PROJECT = "staff_id,fiscal_year,project_id,project_name,role"
EVALUATION = "fiscal_year,project_id,occasion,perspective,evaluator_id,evaluator_type,target_staff_id,score"


def report(year: int, project: str, score: float) -> list[str]:
    return [f"{year},{project},report_meeting,{q},E{i},{t},,{score}"
            for i, (q, t) in enumerate((("policy", "executive"), ("leadership", "staff"), ("technical", "expert")))]


def review(tmp_path: Path, staff: list[str], projects: list[str], evaluations: list[str]):
    folder = tmp_path / "facts"
    folder.mkdir()
    for name, header, rows in (("staff.csv", STAFF, staff), ("project.csv", PROJECT, projects),
                               ("evaluation.csv", EVALUATION, evaluations)):
        (folder / name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    db = get_engine(f"sqlite:///{tmp_path}/n.db")
    init_db(db)
    import_paths(db, [folder])
    return {(d.staff_id, d.certification): d for d in run_review(db, "moka", 2025).decisions}


def walk(node):
    yield node
    for c in node.conditions:
        yield from walk(c)


ROSTER = [f"{s},{y},職員{s},総務課,主事" for s in ("A1", "M1") for y in (2023, 2024, 2025)]


def test_expert_needs_the_advisor_standing_before_the_same_led_year(tmp_path):
    """Led P1 in 2023 (4.0 / 4.0, no earlier advisor standing) and P2 in 2025 (report 3.0, members
    4.0; advisor standing from 2023): the standing is before P2, not before P1, so no dx_expert."""
    got = review(tmp_path, ROSTER,
                 ["A1,2023,P1,一,leader", "M1,2023,P1,一,member", "A1,2025,P2,二,leader", "M1,2025,P2,二,member"],
                 [*report(2023, "P1", 4.0), "2023,P1,post_project,leadership,M1,member,A1,4.0",
                  *report(2025, "P2", 3.0), "2025,P2,post_project,leadership,M1,member,A1,4.0"])
    d = got[("A1", "dx_expert")]
    assert d.outcome == "not_certified"
    years = {n.description: n for n in walk(d.explanation) if n.kind == "candidate"}
    p1 = next(n for k, n in years.items() if k.startswith("2023年度 P1"))
    p2 = next(n for k, n in years.items() if k.startswith("2025年度 P2"))
    assert not p1.met and not p2.met
    # P1 meets both thresholds but has no advisor standing before 2023
    assert all(o.met for o in p1.observations)
    assert not p1.conditions[0].met
    # P2 has the standing (P1, 2023) but its report score falls 0.50 short
    assert p2.conditions[0].met
    short = [o for o in p2.observations if not o.met]
    assert [(o.label, o.value, o.threshold, o.shortfall) for o in short] == [("報告会評価", 3.0, 3.5, 0.5)]


def test_expert_granted_when_the_standing_precedes_the_qualifying_year(tmp_path):
    got = review(tmp_path, ROSTER,
                 ["A1,2023,P1,一,member", "M1,2023,P1,一,leader", "A1,2025,P2,二,leader", "M1,2025,P2,二,member"],
                 [*report(2023, "P1", 4.0), *report(2025, "P2", 3.5), "2025,P2,post_project,leadership,M1,member,A1,3.5"])
    assert got[("A1", "dx_expert")].outcome == "certified"


def test_members_score_counts_the_projects_members_only(tmp_path):
    """An executive's and another project's member's scores are left out, and named."""
    roster = ROSTER + [f"X1,{y},他,企画課,主事" for y in (2023, 2024, 2025)]
    got = review(tmp_path, roster,
                 ["A1,2024,P0,〇,member", "A1,2025,P2,二,leader", "M1,2025,P2,二,member", "X1,2025,P9,九,member"],
                 [*report(2024, "P0", 4.0), *report(2025, "P2", 4.0),
                  "2025,P2,post_project,leadership,M1,member,A1,3.0",
                  "2025,P2,post_project,leadership,EXE9,executive,A1,5.0",
                  "2025,P2,post_project,leadership,X1,member,A1,5.0"])
    d = got[("A1", "dx_expert")]
    assert d.outcome == "not_certified"  # members' score 3.0, not (3 + 5 + 5) / 3
    obs = [o for n in walk(d.explanation) for o in n.observations if o.label == "メンバー評価"]
    assert {o.value for o in obs} == {3.0}
    assert any("evaluation.csv:9（評価者 EXE9）" in o.subject and "evaluation.csv:10（評価者 X1）" in o.subject
               for o in obs)


def test_a_led_year_with_no_members_score_is_records_missing(tmp_path):
    got = review(tmp_path, ROSTER,
                 ["A1,2024,P0,〇,member", "A1,2025,P2,二,leader", "M1,2025,P2,二,member"],
                 [*report(2024, "P0", 4.0), *report(2025, "P2", 4.0),
                  "2025,P2,post_project,leadership,EXE9,executive,A1,5.0"])
    d = got[("A1", "dx_expert")]
    assert d.outcome == "not_certified"
    leader = next(n for n in walk(d.explanation) if n.id == "expert_leader_project")
    assert leader.missing_records
    assert any("メンバーからの評価なし" in o.subject for n in walk(d.explanation) for o in n.observations)


@pytest.mark.parametrize("cert", ["dx_expert", "dx_specialist"])
def test_never_having_led_is_not_met_not_records_missing(tmp_path, cert):
    got = review(tmp_path, ROSTER, ["A1,2025,P2,二,member", "M1,2025,P2,二,leader"], report(2025, "P2", 4.0))
    d = got[("A1", cert)]
    assert d.outcome == "not_certified"
    assert not any(n.missing_records for n in walk(d.explanation))


def test_advisor_standing_from_the_same_year_as_the_led_project_is_not_before_it(tmp_path):
    """Led P2 in 2025 (3.5 / 4.0) and a member of P0 in 2025 (4.0): the standing is not from an
    earlier year. durable_rules skipped the year test after the role's `$or` and granted it."""
    got = review(tmp_path, ROSTER,
                 ["A1,2025,P2,二,leader", "M1,2025,P2,二,member", "A1,2025,P0,〇,member", "M1,2025,P0,〇,leader"],
                 [*report(2025, "P2", 3.5), "2025,P2,post_project,leadership,M1,member,A1,4.0", *report(2025, "P0", 4.0)])
    assert got[("A1", "dx_advisor")].outcome == "certified"
    assert got[("A1", "dx_expert")].outcome == "not_certified"
