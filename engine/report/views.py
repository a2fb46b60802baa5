"""The views each plan asks for, as tables (a sheet of the workbook, a section of the page). Which
views a policy gets follows from what its rule file holds, not from its name:

- a ``course_matrix`` table (垂水市): training compliance, each role holder's missing ● courses for
  every column that applies to them in the year (管理職, アドバイザー, リーダー, 推進員; 一般職員 only
  when none does: ../shared/policies.md);
- ``targets.training_plan`` (各務原市): training-plan compliance, per course the staff it targets
  and who has not completed it;
- a ``skill_map`` table (小山市): the skill gaps per person and per skill (the PDCA view), read from
  the explanation of ``skill_standard`` (each skill of the person's role, its level and the level
  required), so that the report says exactly what the decision says;
- certifications by level, ``<track>_l<n>`` (五霞町): each person's level per track, and how many
  stand at each level.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from engine.model import Decision, ExplanationNode
from engine.results import grade_word

GRANTED = ("certified", "held")


@dataclass
class View:
    title: str
    note: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def views_for(db, policy, fiscal_year: int, decisions: list[Decision], lang: str = "ja") -> list[View]:
    out: list[View] = []
    if "course_matrix" in policy.parameters:
        out.append(training_compliance(db, policy, fiscal_year, decisions))
    if (policy.targets or {}).get("training_plan"):
        out.append(training_plan(db, policy, fiscal_year))
    if "skill_map" in policy.parameters:
        out += skill_gaps(policy, decisions)
    if any(re.fullmatch(r".+_l\d+", c.id) for c in policy.certifications):
        out += track_levels(policy, decisions)
    return out


def _segments(department: str) -> set[str]:
    dept = " ".join(unicodedata.normalize("NFKC", department or "").split())
    return {dept, *(s for s in re.split(r"[\s/]+", dept) if s)}


def _completed(policy, facts) -> set[str]:
    return {cid for t in facts.trainings if (cid := policy.resolve("course", t.course))}


def _course_names(policy, ids) -> str:
    return "、".join(policy.label("course", c) for c in ids) or "なし"


# --- 垂水市: training compliance ------------------------------------------------------------------

_COLUMN_WORDS = {"manager": "管理職", "advisor": "アドバイザー", "leader": "リーダー", "promoter": "推進員",
                 "general": "一般職員"}


def training_compliance(db, policy, fiscal_year: int, decisions: list[Decision]) -> View:
    from facts.store import load_year

    matrix, _ = policy.parameters["course_matrix"].value_for(fiscal_year)
    section = policy.parameters.get("promoter_section")
    sections = set(section.value_for(fiscal_year)[0]) if section else set()
    advisors = {d.staff_id for d in decisions if d.certification == "dx_advisor" and d.outcome in GRANTED}
    view = View("研修の受講状況（役割ごとの必須●研修）",
                "その年度に役割（管理職・アドバイザー・リーダー・推進員）を持つ職員ごとに、該当するすべての列の"
                "●研修のうち未修了のもの。一般職員（役割なし）は人数のみ。",
                ["職員番号", "氏名", "所属", "職級", "役割", "必須●研修数", "未修了数", "未修了の●研修"])
    general = [0, 0]
    for facts in load_year(db, fiscal_year):
        staff = facts.staff
        roles = {r.role for r in facts.roles if r.fiscal_year == fiscal_year}
        applies = [c for c, yes in (
            ("manager", staff.grade in ("manager", "executive")),
            ("advisor", staff.staff_id in advisors or bool(_segments(staff.department) & sections)),
            ("leader", "dx_leader" in roles), ("promoter", "dx_promoter" in roles)) if yes] or ["general"]
        required = [course for course, marks in matrix.items()
                    if any(marks.get(c) == "●" for c in applies)]
        missing = [c for c in required if c not in _completed(policy, facts)]
        if applies == ["general"]:
            general[0] += 1
            general[1] += bool(missing)
            continue
        view.rows.append([staff.staff_id, staff.name, staff.department,
                          grade_word(staff.grade), "・".join(_COLUMN_WORDS.get(c, c) for c in applies),
                          len(required), len(missing), _course_names(policy, missing)])
    view.note += f"一般職員 {general[0]} 人のうち ●研修に未修了があるのは {general[1]} 人。"
    return view


# --- 各務原市: training plan ----------------------------------------------------------------------

def training_plan(db, policy, fiscal_year: int) -> View:
    from facts.store import load_year

    plan = policy.targets["training_plan"]
    view = View("研修計画の実施状況", "研修計画の対象者ごとの修了状況（審査年度末までの修了）。",
                ["研修", "対象", "対象者数", "修了", "未修了", "修了率(%)", "未修了の職員"])
    year = list(load_year(db, fiscal_year))
    for course, target in plan.items():
        if target == "all_staff":
            who, words = year, "全職員"
        elif isinstance(target, list):
            who, words = [f for f in year if f.staff.grade in target], "・".join(grade_word(g) for g in target)
        else:
            who = [f for f in year if any(r.role == target and r.fiscal_year == fiscal_year for r in f.roles)]
            words = {"digital_promoter": "デジタル推進員"}.get(target, str(target))
        done = [f for f in who if course in _completed(policy, f)]
        not_done = [f for f in who if f not in done]
        rate = round(100 * len(done) / len(who), 1) if who else 0
        view.rows.append([policy.label("course", course), words, len(who), len(done), len(not_done), rate,
                          "、".join(f"{f.staff_id} {f.staff.name}" for f in not_done)])
    return view


# --- 小山市: skill gaps -------------------------------------------------------------------------

def _case(node: ExplanationNode) -> ExplanationNode | None:
    """The role that applies to the person: the alternative that is not marked inapplicable."""
    for child in node.conditions:
        if child.kind == "any":
            return _case(child)
    cases = [c for c in node.conditions if c.kind != "not_applicable"]
    return cases[0] if cases else None


def _skills(case: ExplanationNode) -> list[ExplanationNode]:
    for child in case.conditions:
        if child.kind == "every":
            return list(child.conditions)
    return []


def skill_gaps(policy, decisions: list[Decision]) -> list[View]:
    person = View("スキルの不足（職員ごと）", "役割に求められるスキルのうち、最新の評価が求めるレベルに届かないもの"
                  "（評価のないものを含む）。",
                  ["職員番号", "氏名", "所属", "役割", "スキル", "現在のレベル", "求めるレベル"])
    per_skill: dict[str, list[int]] = {}
    for d in decisions:
        if d.certification != "skill_standard":
            continue
        case = _case(d.explanation)
        if case is None:
            continue
        role = case.description.removesuffix("として")
        for node in _skills(case):
            skill = node.id.rsplit(".", 1)[-1]
            counts = per_skill.setdefault(skill, [0, 0, 0])
            counts[0] += 1
            obs = node.observations[0] if node.observations else None
            if node.met:
                continue
            counts[1 if obs is not None and obs.value is not None else 2] += 1
            now = (obs.value_text or str(obs.value)) if obs is not None and obs.value is not None else "評価なし"
            need = (obs.threshold_text or str(obs.threshold)) if obs is not None else node.description
            person.rows.append([d.staff_id, d.staff_name, d.department, role,
                                policy.label("skill", skill), now, need])
    skill = View("スキルの不足（スキルごと）", "スキルごとに、そのスキルを求められる職員の数と、届かない職員の数。",
                 ["スキル", "求められる職員", "達成", "レベル不足", "評価なし", "達成率(%)"])
    for sid, (need, short, none) in per_skill.items():
        met = need - short - none
        skill.rows.append([policy.label("skill", sid), need, met, short, none,
                           round(100 * met / need, 1) if need else 0])
    return [person, skill]


# --- 五霞町: track levels -----------------------------------------------------------------------

def track_levels(policy, decisions: list[Decision]) -> list[View]:
    tracks: dict[str, str] = {}
    for c in policy.certifications:
        if m := re.fullmatch(r"(.+)_l(\d+)", c.id):
            tracks.setdefault(m.group(1), re.sub(r"\s*レベル\d+$", "", c.label.ja))
    people: dict[str, dict[str, Any]] = {}
    for d in decisions:
        m = re.fullmatch(r"(.+)_l(\d+)", d.certification)
        if not m:
            continue
        row = people.setdefault(d.staff_id, {"who": d, **{t: 0 for t in tracks}, "new": []})
        if d.outcome in GRANTED:
            row[m.group(1)] = max(row[m.group(1)], int(m.group(2)))
        if d.outcome == "certified":
            row["new"].append(d.label)
    person = View("トラックごとのレベル（職員ごと）", "各トラックで認定済み（今年度の認定を含む）の最高レベル。0 は未認定。",
                  ["職員番号", "氏名", "所属", *tracks.values(), "今年度の新たな認定"])
    for row in people.values():
        d = row["who"]
        person.rows.append([d.staff_id, d.staff_name, d.department,
                            *(row[t] for t in tracks), "、".join(row["new"])])
    levels = sorted({int(m.group(1)) for c in policy.certifications if (m := re.fullmatch(r".+_l(\d+)", c.id))})
    count = View("トラックごとのレベル（人数）", "各トラックで、その最高レベルにある職員の人数。",
                 ["トラック", "レベル0", *(f"レベル{n}" for n in levels)])
    for t, label in tracks.items():
        count.rows.append([label, *(sum(1 for r in people.values() if r[t] == n) for n in [0, *levels])])
    return [person, count]
