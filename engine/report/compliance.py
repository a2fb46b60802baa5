"""垂水市's training compliance (a view of the report, engine/report/views.py): for each staff
member holding a role in the year, the ● courses of every column of the training matrix that
applies to them (管理職, アドバイザー, リーダー, 推進員; 一般職員 only when none does:
../shared/policies.md) that they have not completed."""
from __future__ import annotations

from engine.model import Decision
from engine.report.views import GRANTED, View, completed, listed, segments
from engine.results import grade_word

COLUMN_WORDS = {
    "ja": {"manager": "管理職", "advisor": "アドバイザー", "leader": "リーダー", "promoter": "推進員", "general": "一般職員"},
    "en": {"manager": "manager", "advisor": "advisor", "leader": "leader", "promoter": "promoter",
           "general": "general staff"},
}
WORDS = {
    "ja": {"title": "研修の受講状況（役割ごとの必須●研修）",
           "note": "その年度に役割（管理職・アドバイザー・リーダー・推進員）を持つ職員ごとに、該当するすべての列の"
                   "●研修のうち未修了のもの。一般職員（役割なし）は人数のみ。",
           "general": "一般職員 {} 人のうち ●研修に未修了があるのは {} 人。", "join": "・",
           "headers": ["職員番号", "氏名", "所属", "職級", "役割", "必須●研修数", "未修了数", "未修了の●研修"]},
    "en": {"title": "Training compliance by role",
           "note": "For each staff member holding a role in the year (manager, advisor, leader, promoter), the "
                   "● courses of every column that applies which they have not completed. General staff (no role): "
                   "counted only. ",
           "general": "Of {} general staff, {} have a ● course not completed.", "join": ", ",
           "headers": ["Staff ID", "Name", "Department", "Grade", "Role", "Required ● courses", "Not completed",
                       "● courses not completed"]},
}


def training_compliance(db, policy, fiscal_year: int, decisions: list[Decision], lang: str = "ja") -> View:
    from facts.store import load_year

    words = WORDS[lang]
    matrix, _ = policy.parameters["course_matrix"].value_for(fiscal_year)
    section = policy.parameters.get("promoter_section")
    sections = set(section.value_for(fiscal_year)[0]) if section else set()
    advisors = {d.staff_id for d in decisions if d.certification == "dx_advisor" and d.outcome in GRANTED}
    view = View(words["title"], words["note"], list(words["headers"]))
    general = [0, 0]
    for facts in load_year(db, fiscal_year):
        staff = facts.staff
        roles = {r.role for r in facts.roles if r.fiscal_year == fiscal_year}
        applies = [c for c, yes in (
            ("manager", staff.grade in ("manager", "executive")),
            ("advisor", staff.staff_id in advisors or bool(segments(staff.department) & sections)),
            ("leader", "dx_leader" in roles), ("promoter", "dx_promoter" in roles)) if yes] or ["general"]
        required = [course for course, marks in matrix.items()
                    if any(marks.get(c) == "●" for c in applies)]
        missing = [c for c in required if c not in completed(policy, facts)]
        if applies == ["general"]:
            general[0] += 1
            general[1] += bool(missing)
            continue
        view.rows.append([staff.staff_id, staff.name, staff.department,
                          grade_word(staff.grade, lang), words["join"].join(COLUMN_WORDS[lang].get(c, c) for c in applies),
                          len(required), len(missing),
                          listed([policy.label("course", c, lang) for c in missing], lang, none=True)])
    view.note += words["general"].format(*general)
    return view
