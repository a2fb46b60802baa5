"""Words for people: record types, fields and coded values as a clerk reads them, in Japanese and
English. The explanation (engine/explain/) uses them to say which record it means and what its
values are, instead of the ids the data is stored with (``leader``, ``dx_promoter``,
``perspective_means``). What only a policy knows (its certifications, catalogues and scales) is
looked up in the policy by the explainer; this module holds what every policy shares.
"""
from __future__ import annotations

from typing import Any

from facts.aliases import COLUMN_ALIASES, COMMON_COLUMNS, VALUE_ALIASES

# coded values, by the domain they belong to: Japanese from the importer's own table (the first
# name it accepts for an id), English here
_EN: dict[str, dict[str, str]] = {
    "grade": {"staff": "staff", "supervisor": "supervisor (係長級)", "manager": "manager (課長級)",
              "executive": "executive (部長級)"},
    "project_role": {"leader": "leader", "member": "member"},
    "occasion": {"report_meeting": "report meeting", "post_project": "after the project"},
    "perspective": {"policy": "policy", "leadership": "leadership", "technical": "technical"},
    "evaluator_type": {"executive": "executive", "staff": "staff", "member": "member", "expert": "expert"},
    "role": {"support_team": "support team", "nominee": "nominee", "dx_promoter": "DX promoter",
             "dx_leader": "DX leader", "digital_promoter": "digital promoter"},
    "nominated_for": {"dx_promoter": "DX promoter", "dx_leader": "DX leader"},
    "activity_kind": {"self_study": "self-study", "ojt_instructor": "OJT instructor",
                      "system_training_instructor": "system-training instructor",
                      "tool_instructor": "tool instructor"},
    "acquired_via": {"assessment": "assessment", "training": "training"},
    "qualification": {"it_passport": "IT Passport", "sg": "Information Security Management",
                      "fe": "Fundamental IT Engineer", "ap": "Applied IT Engineer"},
}
_JA_OWN: dict[str, dict[str, str]] = {
    "grade": {"staff": "一般職員", "supervisor": "係長級", "manager": "課長級", "executive": "部長級"},
    "acquired_via": {"assessment": "スキル評価", "training": "研修修了"},
    "perspective": {"policy": "政策的観点", "leadership": "リーダーシップ", "technical": "技術的観点"},
}
# the perspectives of a report score, as short as the evaluation sheets name them
PERSPECTIVE_SHORT = {"ja": {"policy": "政策", "leadership": "リーダーシップ", "technical": "技術"},
                     "en": {"policy": "policy", "leadership": "leadership", "technical": "technical"}}


def _ja_domain(domain: str) -> dict[str, str]:
    if domain in _JA_OWN:
        return _JA_OWN[domain]
    table = VALUE_ALIASES.get(domain, ("", {}))[1]
    out: dict[str, str] = {}
    for alias, cid in table.items():
        if alias != cid and cid not in out:
            out[cid] = alias
    return out


_SAME = {"role_kind": "role"}  # the rule files' name of a domain -> the importer's

# field -> domain of its values, per record type ("*": any record type)
_FIELD_DOMAIN: dict[str, dict[str, str]] = {
    "*": {"grade": "grade", "occasion": "occasion", "perspective": "perspective",
          "evaluator_type": "evaluator_type", "nominated_for": "nominated_for", "kind": "activity_kind",
          "qualification": "qualification", "via": "acquired_via", "role": "role"},
    "project": {"role": "project_role"},
    "project_scores": {"role": "project_role"},
}

RECORD_TYPES: dict[str, tuple[str, str]] = {
    "staff": ("職員名簿", "staff roster"), "project": ("プロジェクト参加", "project participation"),
    "evaluation": ("評価", "evaluation"), "training": ("研修受講", "training"),
    "qualification": ("資格", "qualification"), "skill": ("スキル評価", "skill assessment"),
    "role": ("役割・任命", "role"), "activity": ("活動", "activity"), "certification": ("認定", "certification"),
}

# fields (and a derived fact's notes) that no fact type declares
_FIELDS: dict[str, tuple[str, str]] = {
    "policy": ("方針", "policy"), "source": ("出典", "source"), "score": ("評価点", "score"),
    "completed_on": ("修了日", "completed on"), "acquired_on": ("取得日", "acquired on"),
    "appointed_on": ("任命日", "appointed on"), "nominated_by": ("自薦・他薦", "nominated by"),
    "recommended_by": ("推薦者", "recommended by"), "appointed_by": ("任命者", "appointed by"),
    "evaluator_id": ("評価者", "evaluator"), "evaluator_type": ("評価者区分", "evaluator type"),
    "target_staff_id": ("被評価者", "evaluated staff member"), "occasion": ("評価区分", "occasion"),
    "perspective": ("観点", "perspective"), "perspective_means": ("観点別平均", "means by perspective"),
    "missing_perspectives": ("評価のない観点", "perspectives without scores"),
    "member_scores": ("メンバー評価の件数", "members' scores counted"),
    "left_out": ("除いた評価", "scores left out"), "superseded": ("それより前の評価", "earlier assessments"),
    "independent": ("本人以外による評価", "assessed by someone else"), "detail": ("内容", "detail"),
    "grade": ("職級", "grade"), "name": ("氏名", "name"), "department": ("所属", "department"),
}


def domain_of(record_type: str, field: str, declared: Any = None) -> str | None:
    """The domain of a field's coded values: as its fact type declares it (``enum:project_role``),
    else as the records of that type hold them."""
    fdef = declared.fields.get(field) if declared is not None else None
    if fdef is not None and fdef.type.startswith("enum:"):
        return fdef.type.split(":", 1)[1]
    return _FIELD_DOMAIN.get(record_type, {}).get(field) or _FIELD_DOMAIN["*"].get(field)


def coded(domain: str | None, value: Any, lang: str = "ja") -> str | None:
    """The word for a coded value of a domain (``dx_promoter`` -> DX推進員), None when not coded."""
    if domain is None or value is None:
        return None
    domain = _SAME.get(domain, domain)
    table = _EN.get(domain, {}) if lang == "en" else _ja_domain(domain)
    return table.get(str(value))


def field_label(record_type: str, field: str, lang: str = "ja", declared: Any = None) -> str:
    """A field's name as the reader knows it; ``declared``: the policy's fact type, if any."""
    fdef = declared.fields.get(field) if declared is not None else None
    if fdef is not None:
        return fdef.en if lang == "en" else fdef.ja
    if field in _FIELDS:
        return _FIELDS[field][lang == "en"]
    if lang != "en":
        names = COLUMN_ALIASES.get(record_type, {}).get(field) or COMMON_COLUMNS.get(field)
        if names:
            return names[0]
    return field.replace("_", " ")


def record_label(record_type: str, lang: str = "ja", declared: Any = None) -> str:
    if declared is not None:
        return declared.en if lang == "en" else declared.ja
    ja, en = RECORD_TYPES.get(record_type, (record_type, record_type))
    return en if lang == "en" else ja


def number(value: float) -> str:
    """A mean as short as it is exact to two places: 4.0, 3.8, 3.75."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def review_run_source(source: str, lang: str = "ja") -> str | None:
    """An earlier grant's source ``review-run-3:991`` in words; None for a file's row."""
    if not source.startswith("review-run-"):
        return None
    run, _, row = source.removeprefix("review-run-").partition(":")
    return f"review run {run} (decision {row})" if lang == "en" else f"審査 実行番号 {run} の判定（{row}）"
