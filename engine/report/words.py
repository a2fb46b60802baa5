"""The report's own words, Japanese and English (``report --lang``): headings, column headers,
notes and the way a fiscal year is written. Words every output shares (grades, roles, outcomes)
stay in engine/words.py and engine/results.py; labels of certifications, courses and skills come
from the rule file (their ``en`` where it gives one)."""
from __future__ import annotations

from facts.dates import wareki_year

WORDS: dict[str, dict[str, str]] = {
    "ja": {
        "year": "年度", "wareki": "年度（和暦）", "certification": "認定区分", "target": "目標", "actual": "実績",
        "rate": "達成率(%)", "basis": "数え方", "appointed": "任命", "certified": "認定",
        "newly": "新たに認定", "held": "認定済（保持）", "not_certified": "非認定", "missing": "うち記録不足",
        "total": "計", "department": "所属", "no_department": "（所属なし）",
        "targets_heading": "目標と実績", "counts_heading": "年度別の集計", "departments_heading": "所属別（{}）",
        "departments_sheet": "所属別", "results_sheet": "審査結果",
        "report_title": "{name} 審査報告 {year}",
        "meta": "方針 {policy}；審査した年度: {years}；審査の実行番号 {run}；規則バージョン（sha256） ",
        "no_targets": "この方針に目標人数の定めはありません。",
        "missing_note": "「うち記録不足」は非認定のうち、記録が足りず判断できない条件があったもの（記録がそろえば"
                        "結果が変わりうる）。",
        "legend_actual": "実績", "legend_target": "目標", "chart": "目標と実績", "list_sep": "、",
    },
    "en": {
        "year": "Fiscal year", "certification": "Certification", "target": "Target", "actual": "Actual",
        "rate": "Achieved (%)", "basis": "Counted as", "appointed": "Appointed", "certified": "Certified",
        "newly": "Newly certified", "held": "Held", "not_certified": "Not certified",
        "missing": "of which records missing", "total": "Total", "department": "Department",
        "no_department": "(no department)",
        "targets_heading": "Targets and actuals", "counts_heading": "Counts by fiscal year",
        "departments_heading": "By department ({})", "departments_sheet": "By department", "results_sheet": "Results",
        "report_title": "{name}: review report, {year}",
        "meta": "Policy {policy}; fiscal years reviewed: {years}; review run {run}; rules version (sha256) ",
        "no_targets": "This policy sets no target numbers.",
        "missing_note": "\u201cOf which records missing\u201d: not certified, with a condition that could not be judged "
                        "for lack of records (complete records might change the outcome).",
        "legend_actual": "Actual", "legend_target": "Target", "chart": "target and actual", "list_sep": ", ",
    },
}

# what a target counts (the rule file's ``targets.basis``; ``appointments``: also new appointments)
BASIS: dict[str, dict[str, str]] = {
    "ja": {"cumulative": "年度末の累計保有者数", "new_per_year": "その年度の新たな認定数",
           "appointments": "その年度の新たな任命・認定の数（同じ職員は1人と数える）"},
    "en": {"cumulative": "holders at the end of the year (cumulative)", "new_per_year": "new certifications in the year",
           "appointments": "new appointments and certifications in the year (a person counted once)"},
}

# the target note when the rule file gives none in the language asked for
TARGET_NOTE_EN = {"cumulative": "The plan's targets: holders at the end of each fiscal year (cumulative).",
                  "new_per_year": "The plan's targets: new certifications in each fiscal year."}


def w(lang: str, key: str) -> str:
    return WORDS[lang][key]


def year_heads(lang: str) -> list[str]:
    """The columns that name a fiscal year: 年度 and 年度（和暦） in Japanese, the year alone in English."""
    return [w(lang, "year"), w(lang, "wareki")] if lang == "ja" else [w(lang, "year")]


def year_cells(year: int, lang: str) -> list:
    return [year, wareki_year(year)] if lang == "ja" else [year]


def year_text(year: int, lang: str) -> str:
    """「令和7年度（2025年度）」 / 「FY2025」."""
    return f"{wareki_year(year)}（{year}年度）" if lang == "ja" else f"FY{year}"


def year_short(year: int, lang: str) -> str:
    """「令和7年度」 / 「FY2025」: a year within a sentence of the report."""
    return wareki_year(year) if lang == "ja" else f"FY{year}"
