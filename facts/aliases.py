"""Names as municipalities write them: record types, column headers and values.

Every table maps what may appear in a file to the canonical English id. Lookups are forgiving
about width, case and spaces (see :func:`norm`). ``GRADE_ALIASES`` is a plain dict on purpose:
titles differ between municipalities and a deployment extends or overrides it in its
configuration (``GRADE_ALIASES["主任主査"] = "supervisor"``).
"""
from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFKC and trimmed: the form every text value is stored in."""
    return unicodedata.normalize("NFKC", text).strip()


def norm(text: str) -> str:
    """The lookup form: NFKC, case-folded, no spaces, ``-`` as ``_``."""
    return _SPACE.sub("", clean(text)).casefold().replace("-", "_")


# --- record types ---------------------------------------------------------------------------

RECORD_TYPE_NAMES: dict[str, list[str]] = {
    "staff": ["staff", "staffs", "roster", "職員", "職員名簿", "名簿"],
    "project": ["project", "projects", "プロジェクト", "プロジェクト参加"],
    "evaluation": ["evaluation", "evaluations", "評価"],
    "training": ["training", "trainings", "研修", "研修受講"],
    "qualification": ["qualification", "qualifications", "資格"],
    "skill": ["skill", "skills", "スキル", "スキル評価"],
    "role": ["role", "roles", "役割", "任命"],
    "activity": ["activity", "activities", "活動"],
    "certification": ["certification", "certifications", "認定", "認定履歴"],
}
_TYPE_LOOKUP = {norm(name): rt for rt, names in RECORD_TYPE_NAMES.items() for name in names}
_NAME_SEPARATORS = re.compile(r"[_\-\s.・\d]+")


def accepted_type_names() -> str:
    return ", ".join(name for names in RECORD_TYPE_NAMES.values() for name in names)


def record_type_for(name: str) -> str | None:
    """The record type a file stem, sheet name or ``record_type`` value names, if any.

    ``staff``, ``職員名簿``, and also ``staff_2025``, ``staff2`` or ``職員名簿_令和7年度`` (exactly one
    part of the name, between separators and digits, is a record type name).
    """
    key = norm(name)
    if key in _TYPE_LOOKUP:
        return _TYPE_LOOKUP[key]
    found = {_TYPE_LOOKUP[p] for p in _NAME_SEPARATORS.split(key) if p in _TYPE_LOOKUP}
    return found.pop() if len(found) == 1 else None


# --- column headers -------------------------------------------------------------------------

COMMON_COLUMNS: dict[str, list[str]] = {
    "staff_id": ["職員番号", "職員id", "職員コード"],
    "fiscal_year": ["年度"],
}

COLUMN_ALIASES: dict[str, dict[str, list[str]]] = {
    "staff": {
        "name": ["氏名", "名前"],
        "department": ["所属", "部署", "所属課"],
        "grade": ["職級", "職位"],
    },
    "project": {
        "project_id": ["プロジェクト番号", "プロジェクトid"],
        "project_name": ["プロジェクト名"],
        "role": ["役割"],
    },
    "evaluation": {
        "project_id": ["プロジェクト番号", "プロジェクトid"],
        "occasion": ["評価区分"],
        "perspective": ["観点", "評価観点"],
        "evaluator_id": ["評価者", "評価者番号"],
        "evaluator_type": ["評価者区分"],
        "target_staff_id": ["被評価者", "被評価者番号"],
        "score": ["評価点", "点数"],
    },
    "training": {
        "course": ["研修名", "研修", "コース"],
        "completed_on": ["修了日", "受講日"],
        "provider": ["主催", "主催者"],
    },
    "qualification": {
        "qualification": ["資格名", "資格"],
        "acquired_on": ["取得日", "合格日"],
    },
    "skill": {
        "framework": ["フレームワーク"],
        "skill": ["スキル", "スキル名"],
        "level": ["レベル"],
        "assessor": ["評価者"],
    },
    "role": {
        "role": ["役割"],
        "nominated_for": ["推薦区分"],
        "nominated_by": ["自薦/他薦", "自薦・他薦", "推薦種別"],
        "recommended_by": ["推薦者"],
        "appointed_by": ["任命者"],
        "appointed_on": ["任命日"],
    },
    "activity": {
        "kind": ["種別", "活動種別", "活動区分", "区分"],
        "detail": ["内容", "活動内容"],
    },
    "certification": {
        "policy": ["方針", "計画", "自治体"],
        "certification": ["認定名", "認定", "認定区分"],
        "fiscal_year": ["認定年度"],
        "source": ["出典"],
    },
}


def column_lookup(record_type: str, fields: list[str]) -> dict[str, str]:
    """normalised header -> field name, for the fields of one record type."""
    extra = COLUMN_ALIASES.get(record_type, {})
    lookup: dict[str, str] = {}
    for field in fields:
        for alias in [field, *COMMON_COLUMNS.get(field, []), *extra.get(field, [])]:
            lookup[norm(alias)] = field
    return lookup


# --- values ---------------------------------------------------------------------------------

GRADE_ALIASES: dict[str, str] = {
    "staff": "staff", "supervisor": "supervisor", "manager": "manager", "executive": "executive",
    **dict.fromkeys(["係員", "主事", "主任", "主任主事", "技師", "一般職員"], "staff"),
    **dict.fromkeys(["係長", "係長級", "主査", "主幹", "課長補佐", "監督職"], "supervisor"),
    **dict.fromkeys(["課長", "課長級", "室長", "参事", "次長", "管理職"], "manager"),
    **dict.fromkeys(["部長", "部長級", "局長", "理事"], "executive"),
}


def _table(pairs: dict[str, list[str]]) -> dict[str, str]:
    return {alias: cid for cid, aliases in pairs.items() for alias in [cid, *aliases]}


QUALIFICATION_NAMES: dict[str, list[str]] = {
    "it_passport": ["ITパスポート"],
    "sg": ["情報セキュリティマネジメント"],
    "fe": ["基本情報技術者"],
    "ap": ["応用情報技術者"],
    "st": ["ITストラテジスト"],
    "sa": ["システムアーキテクト"],
    "pm": ["プロジェクトマネージャ", "プロジェクトマネージャー"],
    "nw": ["ネットワークスペシャリスト"],
    "db": ["データベーススペシャリスト"],
    "es": ["エンベデッドシステムスペシャリスト"],
    "sm": ["ITサービスマネージャ", "ITサービスマネージャー"],
    "au": ["システム監査技術者"],
    "sc": ["情報処理安全確保支援士"],
}

# kind -> (Japanese label for messages, alias -> canonical id)
VALUE_ALIASES: dict[str, tuple[str, dict[str, str]]] = {
    "grade": ("職級", GRADE_ALIASES),
    "project_role": ("役割", _table({"leader": ["リーダー"], "member": ["メンバー"]})),
    "occasion": ("評価区分", _table({
        "report_meeting": ["報告会", "報告会評価"],
        "post_project": ["終了後", "終了後評価", "プロジェクト終了後"],
    })),
    "perspective": ("観点", _table({
        "policy": ["政策的観点", "政策"],
        "leadership": ["リーダーシップ"],
        "technical": ["技術的観点", "技術"],
    })),
    "evaluator_type": ("評価者区分", _table({
        "executive": ["幹部職員", "幹部"],
        "staff": ["職員"],
        "member": ["メンバー"],
        "expert": ["専門家", "外部専門家"],
    })),
    "role": ("役割", _table({
        "support_team": ["情報化推進サポートチーム", "サポートチーム"],
        "nominee": ["推薦候補", "推薦候補 (自薦・他薦)"],
        "dx_promoter": ["DX推進員"],
        "dx_leader": ["DX推進リーダー"],
        "digital_promoter": ["デジタル推進員"],
    })),
    "nominated_for": ("推薦区分", _table({"dx_promoter": ["DX推進員"], "dx_leader": ["DX推進リーダー"]})),
    "activity_kind": ("活動の種別", _table({
        "self_study": ["自学", "自己学習"],
        "ojt_instructor": ["OJT講師"],
        "system_training_instructor": ["システム研修講師"],
        "tool_instructor": ["ツール講師"],
    })),
    "skill_level": ("レベル", _table({
        "c": ["理解"], "b": ["活用"], "a": ["指導"],
        **{str(n): [f"レベル{n}", f"Lv{n}", f"Lv.{n}"] for n in range(1, 6)},
        "acquired": ["習得", "習得済", "習得済み"],
    })),
    "qualification": ("資格", _table(QUALIFICATION_NAMES)),
}

_STRIP_SUFFIXES = ("試験",)


def canonical(kind: str, value: str) -> str:
    """The canonical id for ``value``; ``ValueError`` listing the accepted values otherwise."""
    label, table = VALUE_ALIASES[kind]
    if value in table:
        return table[value]
    key = norm(value)
    lookup = {norm(alias): cid for alias, cid in table.items()}
    if key in lookup:
        return lookup[key]
    for suffix in _STRIP_SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in lookup:
            return lookup[key[: -len(suffix)]]
    from facts.errors import Worded

    accepted = accepted_values(kind)
    what = {"nominated_for": "nomination"}.get(kind, kind.replace("_", " "))
    article = "an" if what[0] in "aeiou" else "a"
    raise Worded(f"'{value}' は{label}として使えません (使える値: {accepted})",
                 f"'{value}' cannot be used as {article} {what} (accepted: {accepted})")


def accepted_values(kind: str) -> str:
    table = VALUE_ALIASES[kind][1]
    ids = list(dict.fromkeys(table.values()))
    parts = []
    for cid in ids:
        others = [a for a, c in table.items() if c == cid and a != cid]
        parts.append(f"{cid} ({'/'.join(others)})" if others else cid)
    return ", ".join(parts)


# --- course catalogues ----------------------------------------------------------------------

def match_courses(course: str, courses: dict[str, list[str]]) -> list[str]:
    """The ids of the catalogue courses a training's ``course`` names.

    Compared after NFKC with spaces removed and case folded. A course id or a listed name that
    equals the text matches; failing any, every name that contains the text does (``Excel研修``
    fits both ``Excel研修(初級)`` and ``Excel研修(中級)``).
    """
    key = norm(course)
    names = {cid: {norm(cid), *(norm(n) for n in aliases)} for cid, aliases in courses.items()}
    exact = [cid for cid, ns in names.items() if key in ns]
    if exact:
        return exact
    if len(key) < 2:
        return []
    return [cid for cid, ns in names.items() if any(key in n for n in ns)]
