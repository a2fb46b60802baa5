"""An impact (engine/impact) as people read it: plain text (Japanese, or English with
``lang="en"``), one JSON object, or a CSV of the changed decisions as ``review --format csv``
writes its own (engine/results.py: BOM, guarded cells, Japanese headers and values by default)."""
from __future__ import annotations

import json
from typing import Any, Iterator

from facts.shown import one_line

from .. import render
from ..results import as_text, csv_lines
from . import Impact
from .compare import Change
from .draft import ParameterChange
from .conditions import ConditionChange

CONDITIONS_SHOWN = 5  # per changed decision in the text, then 「ほか N 件」

# each text as (Japanese, English)
WORDS: dict[str, tuple[Any, Any]] = {
    "head": ("下書き {draft}（規則の版 {after}）を、方針 {policy} {year} の現行の審査 run {run}（規則の版 {before}、"
             "職員 {staff:,} 人）が判定に使った事実と既認定に当てはめました。何も保存していません。",
             "Draft {draft} (rules {after}) judged on the facts and earlier grants that the current review run {run} "
             "of {policy} {year} used (rules {before}, {staff:,} staff). Nothing was stored."),
    "same_rules": ("下書きは審査 run {run} が使った規則ファイルと同じです。", "The draft is the rule file review run {run} used."),
    "parameters": ("変わるパラメータ:", "Parameters that change:"),
    "no_parameters": ("パラメータの値は同じです（条件や文言など、ほかの部分が異なります）。",
                      "No parameter value changes (other parts differ: conditions, wording)."),
    "later_facts": ("注意: この審査のあとに取り込まれた事実 {n:,} 行は含みません（含めるには、先に review をもう一度"
                    "実行してください）。",
                    "Note: {n:,} fact rows imported after this review are not included (run the review again "
                    "first to include them)."),
    "later_actions": ("注意: この審査のあとに記録された{what}は、既認定（前の年度までの認定）として含みません"
                      "（含めるには、先に review をもう一度実行してください）。",
                      "Note: {what} recorded after this review are not read as earlier grants here (run the review "
                      "again first to include them)."),
    "overrides": ("上書き {n:,} 件", "{n:,} override(s)"),
    "revocations": ("取消 {n:,} 件", "{n:,} revocation(s)"),
    "runs": ("前の年度の審査 {n:,} 件", "{n:,} review(s) of earlier years"),
    "changes": ("結果が変わる判定: {n:,} 件", "Decisions whose outcome changes: {n:,}"),
    "no_changes": ("結果が変わる判定はありません（職員 {staff:,} 人、判定 {decisions:,} 件）。",
                   "No decision changes outcome ({staff:,} staff, {decisions:,} decisions)."),
    "more": ("……ほか {n:,} 件", "... and {n:,} more"),
    "none": ("なし", "none"),
    "no_value": ("（なし）", "(none)"),
    "counts": ("集計（変更前 -> 変更後）", "Counts (before -> after)"),
    "missing": ("うち記録不足", "of which records missing"),
    "lost": ("満たさなくなった", "no longer met"),
    "gained": ("満たすようになった", "now met"),
    "added_unmet": ("新しい条件（満たさない）", "new condition (not met)"),
    "added_met": ("新しい条件（満たす）", "new condition (met)"),
    "removed_met": ("なくなった条件（満たしていた）", "condition removed (was met)"),
    "removed_unmet": ("なくなった条件（満たしていなかった）", "condition removed (was not met)"),
    "csv": (("職員番号", "氏名", "所属", "認定区分ID", "認定区分", "変更前", "変更後", "変わった条件"),
            ("staff_id", "staff_name", "department", "certification", "label", "before", "after",
             "conditions_changed")),
}


def word(key: str, lang: str = "ja") -> Any:
    return WORDS[key][lang == "en"]


def value_text(value: Any, lang: str = "ja") -> str:
    if value is None:
        return word("no_value", lang)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _outcome(outcome: str | None, lang: str) -> str:
    return render.outcome_word(outcome, lang) if outcome else word("none", lang)


def condition_word(c: ConditionChange, lang: str = "ja") -> str:
    """How the condition's result changed: 「満たさなくなった」, 「満たすようになった」, a new or removed one."""
    if c.met_before is None:
        key = "added_met" if c.met_after else "added_unmet"
    elif c.met_after is None:
        key = "removed_met" if c.met_before else "removed_unmet"
    else:
        key = "gained" if c.met_after else "lost"
    return word(key, lang)


def condition_text(c: ConditionChange, lang: str = "ja") -> str:
    return f"{condition_word(c, lang)}: {c.description_en if lang == 'en' else c.description}"


def change_line(c: Change, lang: str = "ja") -> str:
    who = " ".join(x for x in (c.staff_id, c.staff_name) if x)
    if c.department:
        who += f" ({c.department})" if lang == "en" else f"（{c.department}）"
    label = c.label_en if lang == "en" else c.label
    return f"{who} {label}: {_outcome(c.before, lang)} -> {_outcome(c.after, lang)}"


def parameter_line(p: ParameterChange, lang: str = "ja") -> str:
    """「報告会評価の基準点（report_threshold）: 3.5 -> 3.7」; of a table or mapping, the cells that
    differ only: 「研修計画（course_matrix）: ebpm.advisor: ○ -> ●」."""
    name = f"{p.label_en} ({p.name})" if lang == "en" else f"{p.label}（{p.name}）"
    parts = [f"{where}{value_text(b, lang)} -> {value_text(a, lang)}" for where, b, a in _differences(p.before, p.after)]
    return f"{name}: {'; '.join(parts)}"


def _differences(before: Any, after: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(``key.key: `` or "", before, after) for each differing value, mappings compared key by key."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in dict.fromkeys([*before, *after]):
            if before.get(key) != after.get(key):
                yield from _differences(before.get(key), after.get(key), f"{path}{key}.")
        return
    yield (f"{path[:-1]}: " if path else ""), before, after


def text_lines(r: Impact, lang: str = "ja", each: bool = True) -> list[str]:
    """The impact in words; ``each``: with a line per changed decision and its conditions."""
    lines = [word("head", lang).format(draft=r.draft.path, after=r.draft.sha256[:12], policy=r.policy,
                                       year=render.fiscal_year_text(r.fiscal_year, lang), run=r.run.id,
                                       before=r.run.rules_version[:12], staff=r.staff)]
    if r.same_rules:
        lines.append(word("same_rules", lang).format(run=r.run.id))
    elif r.parameters:
        lines.append(word("parameters", lang))
        lines += ["  " + parameter_line(p, lang) for p in r.parameters]
    else:
        lines.append(word("no_parameters", lang))
    if r.later_facts:
        lines.append(word("later_facts", lang).format(n=r.later_facts))
    if r.later_actions:
        what = ("・" if lang != "en" else ", ").join(word(k, lang).format(n=n) for k, n in r.later_actions.items())
        lines.append(word("later_actions", lang).format(what=what))
    if not r.changes:
        decisions = sum(r.counts[c]["before"][o] for c in r.counts for o in ("certified", "held", "not_certified"))
        lines.append(word("no_changes", lang).format(staff=r.staff, decisions=decisions))
    else:
        lines.append(word("changes", lang).format(n=len(r.changes)))
    for c in r.changes if each else ():
        lines.append("  " + change_line(c, lang))
        lines += ["    " + condition_text(k, lang) for k in c.conditions[:CONDITIONS_SHOWN]]
        if len(c.conditions) > CONDITIONS_SHOWN:
            lines.append("    " + word("more", lang).format(n=len(c.conditions) - CONDITIONS_SHOWN))
    return [one_line(line) for line in lines]


def counts_headers(lang: str = "ja") -> tuple[str, ...]:
    return (*render.counts_headers(lang)[:-1], word("missing", lang))


def counts_rows(r: Impact, lang: str = "ja") -> list[tuple[str, ...]]:
    """Per certification: each kind as 「20 -> 18」, or 「20」 where it does not change."""
    rows = []
    for cert, sides in r.counts.items():
        ja, en = r.labels.get(cert, (cert, cert))
        cells = [str(sides["before"][k]) if sides["before"][k] == sides["after"][k]
                 else f"{sides['before'][k]} -> {sides['after'][k]}" for k in sides["before"]]
        rows.append((en if lang == "en" else ja, *cells))
    return rows


def document(r: Impact) -> dict[str, Any]:
    """The JSON object of ``rules impact --format json``."""
    return {
        "policy": r.policy, "fiscal_year": r.fiscal_year, "run": r.run.id, "draft": r.draft.path,
        "rules_version_before": r.run.rules_version, "rules_version_after": r.draft.sha256,
        "parameters_changed": [{"name": p.name, "label": p.label, "label_en": p.label_en, "before": p.before,
                                "after": p.after} for p in r.parameters],
        "changes": [{"staff_id": c.staff_id, "staff_name": c.staff_name, "department": c.department,
                     "certification": c.certification, "label": c.label, "label_en": c.label_en,
                     "before": c.before, "after": c.after,
                     "conditions": [{"description": k.description, "description_en": k.description_en,
                                     "met_before": k.met_before, "met_after": k.met_after} for k in c.conditions]}
                    for c in r.changes],
        "counts": {cert: {"label": r.labels.get(cert, (cert, cert))[0], **sides} for cert, sides in r.counts.items()},
        "staff": r.staff,
        "facts_imported_after_run": r.later_facts,
        "recorded_after_run": r.later_actions,
    }


def csv_parts(r: Impact, lang: str = "ja") -> Iterator[str]:
    """One row per changed decision (the outcomes in words in Japanese, as ids in English)."""
    def row(c: Change) -> tuple[str, ...]:
        before, after = (_outcome(c.before, lang), _outcome(c.after, lang)) if lang == "ja" else (c.before or "",
                                                                                               c.after or "")
        return tuple(as_text(v) for v in (c.staff_id, c.staff_name, c.department, c.certification,
                                          c.label_en if lang == "en" else c.label, before, after,
                                          "; ".join(condition_text(k, lang) for k in c.conditions)))

    return csv_lines(word("csv", lang), (row(c) for c in r.changes))
