"""Decisions as text, table rows, CSV and JSON: pure functions, no I/O.

The data lives in engine/model.py; this module only presents it. Japanese is the default
language; ``lang="en"`` uses the ``*_en`` fields where they are filled and falls back to the
Japanese ones. JSON is built from ``Decision.public()`` (pydantic), never by string formatting.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any, Iterable, Iterator

from engine import summary
from engine.model import OUTCOMES, Decision, Evidence, ExplanationNode, Observation, ReviewResult
from facts.dates import wareki_year

MET, UNMET = "✔", "✘"
INDENT = "  "

OUTCOME_WORDS: dict[str, dict[str, str]] = {
    "ja": {"certified": "認定", "held": "認定済（保持）", "not_certified": "非認定"},
    "en": {"certified": "certified", "held": "held", "not_certified": "not certified"},
}

# Comparison operators as an auditor reads them; unknown operators are shown as written.
_OPS: dict[str, dict[str, str]] = {
    "ja": {">=": "≥", "<=": "≤", "!=": "≠", "==": "=", "in": "∈", "not in": "∉"},
    "en": {"==": "="},
}

_WORDS: dict[str, dict[str, str]] = {
    "ja": {
        "no_records": "記録なし",
        "short_by": "{} 不足",
        "records_missing": "記録不足",
        "evidence": "根拠",
        "derived_from": "由来",
        "parameter": "パラメータ {}",
        "since": "{}年度から",
        "yes": "はい",
        "no": "いいえ",
        "list_sep": "、",
        "staff": "職員",
        "name": "氏名",
        "department": "所属",
        "certification": "認定区分",
        "outcome": "結果",
        "unmet": "未充足の条件",
        "total": "計",
    },
    "en": {
        "no_records": "no records",
        "short_by": "short by {}",
        "records_missing": "records missing",
        "evidence": "evidence",
        "derived_from": "from",
        "parameter": "parameter {}",
        "since": "since FY{}",
        "yes": "yes",
        "no": "no",
        "list_sep": ", ",
        "staff": "staff",
        "name": "name",
        "department": "department",
        "certification": "certification",
        "outcome": "outcome",
        "unmet": "unmet conditions",
        "total": "total",
    },
}

CSV_COLUMNS = ("staff_id", "staff_name", "department", "certification", "label", "outcome", "summary")


def _lang(lang: str) -> str:
    if lang not in OUTCOME_WORDS:
        raise ValueError(f"unknown language {lang!r} (ja or en)")
    return lang


def _w(lang: str, key: str) -> str:
    return _WORDS[lang][key]


# --- small formatters ---------------------------------------------------------------------------


def fiscal_year_text(year: int, lang: str = "ja") -> str:
    """'令和7年度 (2025年度)' in Japanese, 'FY2025 (令和7年度)' in English."""
    if _lang(lang) == "en":
        return f"FY{year} ({wareki_year(year)})"
    return f"{wareki_year(year)} ({year}年度)"


def outcome_word(outcome: str, lang: str = "ja") -> str:
    return OUTCOME_WORDS[_lang(lang)].get(outcome, outcome)


def _mark(met: bool) -> str:
    return MET if met else UNMET


def _fmt_value(value: Any, lang: str) -> str:
    if value is None:
        return _w(lang, "no_records")
    if isinstance(value, bool):
        return _w(lang, "yes" if value else "no")
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return "[" + _w(lang, "list_sep").join(_fmt_value(v, lang) for v in items) + "]"
    return str(value)


def _fmt_shortfall(obs: Observation) -> str:
    amount = obs.shortfall
    integral = all(isinstance(v, int) and not isinstance(v, bool) for v in (obs.value, obs.threshold))
    if integral and float(amount).is_integer():
        return str(int(amount))
    return f"{amount:.2f}"


def _label(ja: str, en: str, lang: str) -> str:
    return en if lang == "en" and en else ja


def _description(node: ExplanationNode, lang: str) -> str:
    return _label(node.description, node.description_en, lang)


def decision_label(decision: Decision, lang: str = "ja") -> str:
    return _label(decision.label, decision.label_en, _lang(lang))


# --- the explanation tree -----------------------------------------------------------------------


def observation_line(obs: Observation, lang: str = "ja") -> str:
    """'報告会評価 3.20 ≥ 3.50 ✘ (0.30 不足)' / 'report score 3.20 >= 3.50 ✘ (short by 0.30)'."""
    lang = _lang(lang)
    parts: list[str] = []
    subject = obs.subject_en if lang == "en" and obs.subject_en else obs.subject
    if subject:
        parts.append(f"[{subject}]")
    parts.append(_label(obs.label, obs.label_en, lang))
    parts.append(_fmt_value(obs.value, lang))
    if obs.op:
        parts.append(_OPS[lang].get(obs.op, obs.op))
        parts.append(_fmt_value(obs.threshold, lang))
    parts.append(_mark(obs.met))
    line = " ".join(parts)
    if not obs.met and obs.shortfall is not None and obs.value is not None:
        line += f" ({_w(lang, 'short_by').format(_fmt_shortfall(obs))})"
    if obs.parameter:
        param = _w(lang, "parameter").format(obs.parameter)
        if obs.parameter_since is not None:
            sep = "、" if lang == "ja" else ", "
            param += sep + _w(lang, "since").format(obs.parameter_since)
        line += f" ({param})" if lang == "en" else f"（{param}）"
    return line


def _fields_text(fields: dict[str, Any], lang: str, skip: dict[str, Any]) -> str:
    shown = []
    for key, value in fields.items():
        if value is None or value == "" or skip.get(key) == value:
            continue
        shown.append(f"{key}={_fmt_value(value, lang)}")
    return " ".join(shown)


def evidence_lines(ev: Evidence, lang: str = "ja", *, staff_id: str | None = None,
                   depth: int = 0, derived: bool = False) -> list[str]:
    """'根拠: projects.csv:12 project project_id=P22-01 role=leader', derived facts nested below.

    ``staff_id`` is left out of the field list when it is the decision's own staff member.
    """
    lang = _lang(lang)
    word = _w(lang, "derived_from" if derived else "evidence")
    skip = {"staff_id": staff_id} if staff_id else {}
    text = " ".join(p for p in (ev.source, ev.record_type, _fields_text(ev.fields, lang, skip)) if p)
    lines = [f"{INDENT * depth}{word}: {text}"]
    for child in ev.derived_from:
        lines += evidence_lines(child, lang, staff_id=staff_id, depth=depth + 1, derived=True)
    return lines


def node_lines(node: ExplanationNode, lang: str = "ja", *, depth: int = 0,
               staff_id: str | None = None) -> list[str]:
    """One explanation node and its children, indented by depth."""
    lang = _lang(lang)
    pad, inner = INDENT * depth, INDENT * (depth + 1)
    head = f"{pad}{_mark(node.met)} {_description(node, lang)}"
    if node.missing_records:
        note = _w(lang, "records_missing")
        head += f" ({note})" if lang == "en" else f"（{note}）"
    if node.location:
        head += f" [{node.location}]"
    lines = [head]
    if node.criterion:
        lines.append(f"{inner}「{node.criterion}」")
    lines += [inner + observation_line(obs, lang) for obs in node.observations]
    for ev in node.evidence:
        lines += evidence_lines(ev, lang, staff_id=staff_id, depth=depth + 1)
    for child in node.conditions:
        lines += node_lines(child, lang, depth=depth + 1, staff_id=staff_id)
    return lines


def decision_header(decision: Decision, lang: str = "ja") -> str:
    """'A001 山田 太郎 — DXスペシャリスト — 認定 — 令和7年度 (2025年度)'."""
    lang = _lang(lang)
    who = " ".join(p for p in (decision.staff_id, decision.staff_name) if p)
    return " — ".join((who, decision_label(decision, lang), outcome_word(decision.outcome, lang),
                       fiscal_year_text(decision.fiscal_year, lang)))


def people_lines(decision: Decision, lang: str = "ja") -> list[str]:
    """The reviewer's override and the revocation beside the engine's decision."""
    out = []
    o, r = decision.override, decision.revoked
    if o:
        o = {**o, "at": o["at"][:16].replace("T", " ")}
        if lang == "en":
            out.append(f"  Reviewer's decision (override): {outcome_word(o['outcome'], lang)} — {o['by']}, {o['at']}; "
                       f"reason: {o['reason']} (the engine's decision above stands beside it)")
        else:
            out.append(f"  審査担当者の判断（上書き）: {outcome_word(o['outcome'], lang)} — {o['by']}、{o['at']}; "
                       f"理由: {o['reason']}（エンジンの判定はこのまま残ります）")
    if r:
        if lang == "en":
            out.append(f"  Revoked from {r['date']} — {r['by']}; grounds: {r['reason']}")
        else:
            out.append(f"  取消: {r['date']} 付け — {r['by']}; 根拠: {r['reason']}")
    return out


def outcome_cell(decision: Decision, lang: str = "ja") -> str:
    """The engine's outcome, with the people's actions on it in brackets."""
    word = outcome_word(decision.outcome, lang)
    if decision.override:
        word += (f" (override: {outcome_word(decision.override['outcome'], lang)})" if lang == "en"
                 else f"（上書き: {outcome_word(decision.override['outcome'], lang)}）")
    if decision.revoked:
        word += f" (revoked {decision.revoked['date']})" if lang == "en" else f"（取消 {decision.revoked['date']}）"
    return word


def render_decision(decision: Decision, lang: str = "ja") -> str:
    lines = [decision_header(decision, lang)]
    lines += people_lines(decision, lang)
    lines += node_lines(decision.explanation, lang, depth=1, staff_id=decision.staff_id)
    return "\n".join(lines)


def render_text(decisions: list[Decision], lang: str = "ja") -> str:
    """The explanation trees of the decisions, for auditors, separated by blank lines."""
    _lang(lang)
    return "\n\n".join(render_decision(d, lang) for d in decisions) + ("\n" if decisions else "")


# --- tables and CSV -----------------------------------------------------------------------------


def unmet_leaves(node: ExplanationNode) -> list[ExplanationNode]:
    """The deepest unmet nodes: what is missing. A ``not`` node whose child was met is itself
    the deepest unmet node, so it is reported rather than lost."""
    if node.met or node.kind == "not_applicable":  # a case that does not apply lacks nothing
        return []
    below = [leaf for child in node.conditions if not child.met for leaf in unmet_leaves(child)]
    return below or [node]


def decision_summary(decision: Decision, lang: str = "ja") -> str:
    """What a not-certified decision lacks, in one line (engine/summary.py): the deciding gaps
    with their figures, records missing kept apart, alternatives marked 「いずれか」. Empty for
    certified and held."""
    return summary.decision_summary(decision, _lang(lang))


def table_headers(lang: str = "ja") -> tuple[str, ...]:
    lang = _lang(lang)
    return tuple(_w(lang, k) for k in ("staff", "name", "department", "certification", "outcome", "unmet"))


def decisions_table(decisions: Iterable[Decision], lang: str = "ja") -> list[tuple[str, ...]]:
    """Rows (staff id, name, 所属, certification label, outcome word, summary) under table_headers()."""
    lang = _lang(lang)
    return [(d.staff_id, d.staff_name, d.department, decision_label(d, lang), outcome_cell(d, lang),
             decision_summary(d, lang)) for d in decisions]


def counts_headers(lang: str = "ja") -> tuple[str, ...]:
    lang = _lang(lang)
    return (_w(lang, "certification"), *(outcome_word(o, lang) for o in OUTCOMES), _w(lang, "total"))


def counts_table(decisions: Iterable[Decision], lang: str = "ja") -> list[tuple[str, ...]]:
    """One row per certification (in order of first appearance): its label and the count of
    each outcome, then the total."""
    lang = _lang(lang)
    labels: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    for d in decisions:
        labels.setdefault(d.certification, decision_label(d, lang))
        row = counts.setdefault(d.certification, {o: 0 for o in OUTCOMES})
        row[d.outcome] += 1
    return [(labels[c], *(str(n) for n in row.values()), str(sum(row.values())))
            for c, row in counts.items()]


def decisions_csv(decisions: Iterable[Decision], lang: str = "ja") -> str:
    """CSV with CSV_COLUMNS; ``outcome`` is the id (certified/held/not_certified), the label and
    the summary in ``lang`` (Japanese by default)."""
    lang = _lang(lang)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d in decisions:
        writer.writerow((d.staff_id, d.staff_name, d.department, d.certification, decision_label(d, lang), d.outcome,
                         decision_summary(d, lang)))
    return buf.getvalue()


# --- JSON (spec/cli.md) -------------------------------------------------------------------------


def _document(policy: str, fiscal_year: int, rules_version: str | None,
              decisions: Iterable[Decision]) -> str:
    doc = {
        "policy": policy,
        "fiscal_year": fiscal_year,
        "rules_version": rules_version,
        "decisions": [d.public() for d in decisions],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def review_json(result: ReviewResult) -> str:
    """The object ``review --format json`` prints (spec/cli.md)."""
    return "".join(review_json_parts(result))


def review_json_parts(result: ReviewResult, decisions: Iterable[Decision] | None = None) -> Iterator[str]:
    """review_json, piece by piece (the same text): a review of 100,000 staff is written decision
    by decision, each rendered from the store as it is written."""
    head = json.dumps({"policy": result.policy, "fiscal_year": result.fiscal_year,
                       "rules_version": result.rules_version, "decisions": []}, ensure_ascii=False, indent=2)
    before, after = head.rsplit('"decisions": []', 1)
    yield before + '"decisions": ['
    first = True
    for d in (result.iter_decisions() if decisions is None else decisions):
        body = json.dumps(d.public(), ensure_ascii=False, indent=2).replace("\n", "\n")
        yield ("\n" if first else ",\n") + "\n".join("    " + line for line in body.split("\n"))
        first = False
    yield ("]" if first else "\n  ]") + after


def explain_json(decisions: list[Decision], policy: str, fiscal_year: int,
                 rules_version: str | None = None, run_id: int | None = None) -> str:
    """The same shape as review_json, holding one staff member's decisions. Stored decisions do
    not carry the rules version: `explain` passes those of the run that made them
    (engine.review.current_run); ``run_id`` follows ``rules_version`` when given."""
    if run_id is None:
        return _document(policy, fiscal_year, rules_version, decisions)
    doc = {"policy": policy, "fiscal_year": fiscal_year, "rules_version": rules_version, "run_id": run_id,
           "decisions": [d.public() for d in decisions]}
    return json.dumps(doc, ensure_ascii=False, indent=2)
