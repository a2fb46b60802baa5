"""小山市's skill gaps (views of the report, engine/report/views.py): per person and per skill,
the skills of the person's role whose latest assessment is short of the level required (the PDCA
view), read from the explanation of ``skill_standard`` (each skill of the role, its level and the
level required), so that the report says exactly what the decision says."""
from __future__ import annotations

from engine.model import Decision, ExplanationNode
from engine.report.views import View

WORDS = {
    "ja": {"person": "スキルの不足（職員ごと）",
           "person_note": "役割に求められるスキルのうち、最新の評価が求めるレベルに届かないもの（評価のないものを含む）。",
           "person_headers": ["職員番号", "氏名", "所属", "役割", "スキル", "現在のレベル", "求めるレベル"],
           "skill": "スキルの不足（スキルごと）",
           "skill_note": "スキルごとに、そのスキルを求められる職員の数と、届かない職員の数。",
           "skill_headers": ["スキル", "求められる職員", "達成", "レベル不足", "評価なし", "達成率(%)"],
           "unassessed": "評価なし"},
    "en": {"person": "Skill gaps (by staff member)",
           "person_note": "Skills the role requires whose latest assessment is below the level required (skills "
                          "never assessed included).",
           "person_headers": ["Staff ID", "Name", "Department", "Role", "Skill", "Current level", "Level required"],
           "skill": "Skill gaps (by skill)",
           "skill_note": "For each skill, how many staff members it is required of, and how many fall short.",
           "skill_headers": ["Skill", "Required of", "Met", "Below the level", "Not assessed", "Met (%)"],
           "unassessed": "not assessed"},
}


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


def _role(case: ExplanationNode, lang: str) -> str:
    """「一般職員として」 -> 一般職員; "as general staff" -> general staff."""
    if lang == "en" and case.description_en:
        return case.description_en.removeprefix("as ")
    return case.description.removesuffix("として")


def skill_gaps(policy, decisions: list[Decision], lang: str = "ja") -> list[View]:
    words = WORDS[lang]
    en = lang == "en"
    person = View(words["person"], words["person_note"], list(words["person_headers"]))
    per_skill: dict[str, list[int]] = {}
    for d in decisions:
        if d.certification != "skill_standard":
            continue
        case = _case(d.explanation)
        if case is None:
            continue
        role = _role(case, lang)
        for node in _skills(case):
            skill = node.id.rsplit(".", 1)[-1]
            counts = per_skill.setdefault(skill, [0, 0, 0])
            counts[0] += 1
            obs = node.observations[0] if node.observations else None
            if node.met:
                continue
            counts[1 if obs is not None and obs.value is not None else 2] += 1
            if obs is not None and obs.value is not None:
                now = (obs.value_text_en if en else obs.value_text) or str(obs.value)
            else:
                now = words["unassessed"]
            if obs is not None:
                need = (obs.threshold_text_en if en else obs.threshold_text) or str(obs.threshold)
            else:
                need = (node.description_en or node.description) if en else node.description
            person.rows.append([d.staff_id, d.staff_name, d.department, role,
                                policy.label("skill", skill, lang), now, need])
    skill = View(words["skill"], words["skill_note"], list(words["skill_headers"]))
    for sid, (need, short, none) in per_skill.items():
        met = need - short - none
        skill.rows.append([policy.label("skill", sid, lang), need, met, short, none,
                           round(100 * met / need, 1) if need else 0])
    return [person, skill]
