"""各務原市's training plan (a view of the report, engine/report/views.py): per course of the
rule file's ``targets.training_plan``, the staff it targets (all staff, some grades, or the
holders of a role in the year), how many completed it by the end of the fiscal year, and who has
not."""
from __future__ import annotations

from engine.report.views import View, completed, listed
from engine.results import grade_word
from engine.words import coded

WORDS = {
    "ja": {"title": "研修計画の実施状況", "note": "研修計画の対象者ごとの修了状況（審査年度末までの修了）。",
           "all_staff": "全職員", "join": "・",
           "headers": ["研修", "対象", "対象者数", "修了", "未修了", "修了率(%)", "未修了の職員"]},
    "en": {"title": "Training plan progress",
           "note": "Completion of each course of the training plan by the staff it targets (completed by the end "
                   "of the fiscal year).",
           "all_staff": "all staff", "join": ", ",
           "headers": ["Course", "Target group", "Staff targeted", "Completed", "Not completed", "Completion (%)",
                       "Staff who have not completed it"]},
}
_ROLE_JA = {"digital_promoter": "デジタル推進員"}


def training_plan(db, policy, fiscal_year: int, lang: str = "ja") -> View:
    from facts.store import load_year

    words = WORDS[lang]
    plan = policy.targets["training_plan"]
    view = View(words["title"], words["note"], list(words["headers"]))
    year = list(load_year(db, fiscal_year))
    for course, target in plan.items():
        if target == "all_staff":
            who, group = year, words["all_staff"]
        elif isinstance(target, list):
            who = [f for f in year if f.staff.grade in target]
            group = words["join"].join(grade_word(g, lang) for g in target)
        else:
            who = [f for f in year if any(r.role == target and r.fiscal_year == fiscal_year for r in f.roles)]
            group = (_ROLE_JA.get(target) if lang == "ja" else coded("role", target, lang)) or str(target)
        done = [f for f in who if course in completed(policy, f)]
        not_done = [f for f in who if f not in done]
        rate = round(100 * len(done) / len(who), 1) if who else 0
        view.rows.append([policy.label("course", course, lang), group, len(who), len(done), len(not_done), rate,
                          listed([f"{f.staff_id} {f.staff.name}" for f in not_done], lang)])
    return view
