"""Decisions as text, table rows and JSON: pure functions, no I/O (the CSV: engine/results.py).

The data lives in engine/model.py; this module only presents it. Japanese is the default
language; ``lang="en"`` uses the ``*_en`` fields where they are filled and falls back to the
Japanese ones. JSON is built from ``Decision.public()`` (pydantic), never by string formatting.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any, Iterable, Iterator

from engine import summary, words
from engine.model import OUTCOMES, Decision, Evidence, ExplanationNode, Observation, ParameterValue, ReviewResult
from facts.dates import wareki_year, wareki_year_en
from facts.shown import one_line

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
        "from_start": "当初から",
        "table": "表 {} 行",
        "parameters": "基準値",
        "why": "認定の理由: {}",
        "why_not": "認定されなかった理由: {}",
        "run": "審査の実行番号",
        "rules_version": "規則バージョン（sha256）",
        "ledger_hash": "台帳ハッシュ",
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
        "from_start": "from the start",
        "table": "table of {} rows",
        "parameters": "values in force",
        "why": "granted because: {}",
        "why_not": "not certified because: {}",
        "run": "review run",
        "rules_version": "rules version (sha256)",
        "ledger_hash": "ledger hash",
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

def _lang(lang: str) -> str:
    if lang not in OUTCOME_WORDS:
        raise ValueError(f"unknown language {lang!r} (ja or en)")
    return lang


def _w(lang: str, key: str) -> str:
    return _WORDS[lang][key]


# --- small formatters ---------------------------------------------------------------------------


def fiscal_year_text(year: int, lang: str = "ja") -> str:
    """'令和7年度 (2025年度)' in Japanese, 'FY2025 (Reiwa 7)' in English."""
    if _lang(lang) == "en":
        return f"FY{year} ({wareki_year_en(year)})"
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


def _paren(text: str, lang: str) -> str:
    return f" ({text})" if lang == "en" else f"（{text}）"


def _own(ja: str, en: str, lang: str) -> str:
    """A text in that language only: no Japanese fallback where the English reads as stored."""
    return en if lang == "en" else ja


def _obs_value(obs: Observation, lang: str) -> str:
    return _own(obs.value_text, obs.value_text_en, lang) or _fmt_value(obs.value, lang)


def _obs_threshold(obs: Observation, lang: str) -> str:
    text = _own(obs.threshold_text, obs.threshold_text_en, lang) or _fmt_value(obs.threshold, lang)
    named = _label(obs.threshold_label, obs.threshold_label_en, lang)
    return f"{named} {text}" if named else text


def parameter_note(obs: Observation, lang: str = "ja") -> str:
    """The parameter that set a threshold, by its label and the year its value took effect."""
    if not obs.parameter:
        return ""
    text = _label(obs.parameter_label, obs.parameter_label_en, lang) or _w(lang, "parameter").format(obs.parameter)
    if obs.parameter_since is not None:
        text += ("、" if lang == "ja" else ", ") + _w(lang, "since").format(obs.parameter_since)
    return text


def observation_line(obs: Observation, lang: str = "ja") -> str:
    """'[2024年度 P24-03 …（リーダー）] 報告会評価 3.20 ≥ 3.50 ✘（0.30 不足）（報告会評価の基準点）';
    a setting of the rule file as 「設定「…を求める」: いいえ ✔」."""
    lang = _lang(lang)
    label = _label(obs.label, obs.label_en, lang)
    if obs.setting:
        line = (f"setting '{label}': {_obs_value(obs, lang)} {_mark(obs.met)}" if lang == "en"
                else f"設定「{label}」: {_obs_value(obs, lang)} {_mark(obs.met)}")
        if not obs.met:
            line += _paren(f"this condition needs {_obs_threshold(obs, lang)}" if lang == "en"
                           else f"この条件は {_obs_threshold(obs, lang)} のとき", lang)
        return line
    parts: list[str] = []
    subject = obs.subject_en if lang == "en" and obs.subject_en else obs.subject
    if subject:
        parts.append(f"[{subject}]")
    parts.append(label)
    parts.append(_obs_value(obs, lang))
    if obs.op:
        parts.append(_OPS[lang].get(obs.op, obs.op))
        parts.append(_obs_threshold(obs, lang))
    parts.append(_mark(obs.met))
    line = " ".join(parts)
    if not obs.met and obs.shortfall is not None and obs.value is not None:
        line += _paren(_w(lang, "short_by").format(_fmt_shortfall(obs)), lang)
    if obs.parameter:
        line += _paren(parameter_note(obs, lang), lang)
    return line


def evidence_source(ev: Evidence, lang: str = "ja") -> str:
    """Where a record came from: 'file:row' (or 'file:sheet:row'), an earlier review's decision,
    or, for a derived fact, that it was computed from the records listed below it."""
    if ev.source == "derived":
        return "(computed from the records below)" if lang == "en" else "（下記の記録から算出）"
    return words.review_run_source(ev.source, lang) or ev.source


def evidence_fields(ev: Evidence, lang: str = "ja") -> str:
    """A record's fields in words: 「年度: 2022；プロジェクト番号: P22-01；…」 (the stored
    ``key=value`` form only for evidence stored before it had words)."""
    if ev.shown:
        sep = "; " if lang == "en" else "；"
        return sep.join(f"{_label(f.label, f.label_en, lang)}: {_label(f.value, f.value_en, lang)}" for f in ev.shown)
    return _fields_text(ev.fields, lang, {})


def evidence_lines(ev: Evidence, lang: str = "ja", *, staff_id: str | None = None,
                   depth: int = 0, derived: bool = False) -> list[str]:
    """'根拠: プロジェクト.csv:12 プロジェクト参加 — 年度: 2022；役割: リーダー', derived facts with the
    records they came from nested below ('由来: 評価.xlsx:評価:3 評価 — …').

    ``staff_id`` is left out of a record stored without words when it is the decision's own.
    """
    lang = _lang(lang)
    word = _w(lang, "derived_from" if derived else "evidence")
    label = _label(ev.label, ev.label_en, lang) or ev.record_type
    fields = evidence_fields(ev, lang) if ev.shown else _fields_text(ev.fields, lang, {"staff_id": staff_id})
    head = (f"{evidence_source(ev, lang)} {label}" if ev.source != "derived"
            else label + (" " if lang == "en" else "") + evidence_source(ev, lang))
    lines = [f"{INDENT * depth}{word}: {head}" + (f" — {fields}" if fields else "")]
    for child in ev.derived_from:
        lines += evidence_lines(child, lang, staff_id=staff_id, depth=depth + 1, derived=True)
    return lines


def _fields_text(fields: dict[str, Any], lang: str, skip: dict[str, Any]) -> str:
    shown = []
    for key, value in fields.items():
        if value is None or value == "" or skip.get(key) == value:
            continue
        shown.append(f"{key}={_fmt_value(value, lang)}")
    return " ".join(shown)


def shown_order(node: ExplanationNode) -> list[ExplanationNode]:
    """A node's children as they are shown: where it is met by one of alternatives (``any``), the
    alternatives met first, so that what was granted comes before what was not needed."""
    if node.kind == "any" and node.met:
        return sorted(node.conditions, key=lambda k: not k.met)
    return list(node.conditions)


def node_lines(node: ExplanationNode, lang: str = "ja", *, depth: int = 0,
               staff_id: str | None = None) -> list[str]:
    """One explanation node and its children, indented by depth."""
    lang = _lang(lang)
    pad, inner = INDENT * depth, INDENT * (depth + 1)
    head = f"{pad}{_mark(node.met)} {_description(node, lang)}"
    if node.missing_records:
        head += _paren(_w(lang, "records_missing"), lang)
    if node.location:
        head += f" [{node.location}]"
    lines = [head]
    if node.criterion:
        lines.append(f"{inner}「{node.criterion}」")
    lines += [inner + observation_line(obs, lang) for obs in node.observations]
    for ev in node.evidence:
        lines += evidence_lines(ev, lang, staff_id=staff_id, depth=depth + 1)
    for child in shown_order(node):
        lines += node_lines(child, lang, depth=depth + 1, staff_id=staff_id)
    return lines


def decision_header(decision: Decision, lang: str = "ja") -> str:
    """'A001 山田 太郎（市民課） — DXスペシャリスト — 認定 — 令和7年度 (2025年度)'."""
    lang = _lang(lang)
    who = " ".join(p for p in (decision.staff_id, decision.staff_name) if p)
    if decision.department:
        who += _paren(decision.department, lang)
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
    for c in decision.corrections or []:
        at = c["at"][:16].replace("T", " ")
        if c["kind"] == "corrected":
            out.append(f"  Uses a corrected record: {c['corrected']} (before: {c['earlier']}; {c['by']}, {at}; "
                       f"reason: {c['reason']})" if lang == "en" else
                       f"  訂正された記録を使っています: {c['corrected']}（訂正前: {c['earlier']}; {c['by']}、{at}; "
                       f"理由: {c['reason']}）")
        else:
            out.append(f"  A record it used was corrected afterwards: {c['earlier']} -> {c['corrected']} ({c['by']}, "
                       f"{at}; reason: {c['reason']})" if lang == "en" else
                       f"  この判定が使った記録 {c['earlier']} は、判定の後に訂正されました（訂正後: {c['corrected']}; "
                       f"{c['by']}、{at}; 理由: {c['reason']}）")
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


def reasons(decision: Decision, lang: str = "ja") -> str:
    """Why, in one line: for a decision granted or held, the conditions that granted it; for one
    not certified, what is lacking (engine/summary.py)."""
    lang = _lang(lang)
    root = decision.explanation
    if decision.outcome == "not_certified":
        return _w(lang, "why_not").format(decision_summary(decision, lang) or _description(root, lang))
    met = [c for c in shown_order(root) if c.met] if root.kind == "any" else list(root.conditions)
    if decision.outcome == "held":
        met = [c for c in met if c.kind == "held"] or met
    sep = "; " if lang == "en" else "；"
    return _w(lang, "why").format(sep.join(_description(c, lang) for c in met) or _description(root, lang))


def parameter_value_text(p: ParameterValue, lang: str = "ja") -> str:
    """「報告会評価の基準点 3.50（2022年度から）」: a parameter's value in force and since when."""
    lang = _lang(lang)
    value = _own(p.value_text, p.value_text_en, lang) or (
        _fmt_value(p.value, lang) if not isinstance(p.value, dict) else _w(lang, "table").format(len(p.value)))
    since = _w(lang, "since").format(p.since) if p.since is not None else _w(lang, "from_start")
    return f"{_label(p.label, p.label_en, lang)} {value}" + _paren(since, lang)


def parameters_line(decision: Decision, lang: str = "ja") -> str:
    if not decision.parameters:
        return ""
    sep = "; " if lang == "en" else "；"
    return _w(lang, "parameters") + ": " + sep.join(parameter_value_text(p, lang) for p in decision.parameters)


def run_line(run_id: int | None, rules_version: str | None, lang: str = "ja",
             ledger_hash: str | None = None) -> str:
    """「審査の実行番号 3；規則バージョン（sha256） 9f2c…」: which review made the decisions."""
    lang = _lang(lang)
    parts = [f"{_w(lang, key)} {value}" for key, value in run_fields(run_id, rules_version, ledger_hash)]
    return ("; " if lang == "en" else "；").join(parts)


def run_fields(run_id: int | None, rules_version: str | None, ledger_hash: str | None = None) -> list[tuple[str, Any]]:
    """(word key, value) of what names the review: run, rules version, ledger hash (those given)."""
    return [(k, v) for k, v in (("run", run_id), ("rules_version", rules_version), ("ledger_hash", ledger_hash))
            if v is not None and v != ""]


def render_decision(decision: Decision, lang: str = "ja") -> str:
    """The decision as text, line by line: a line break or a terminal's escape sequence in a name,
    a reason or a record is written out (facts/shown.py), never a line of its own or obeyed."""
    lines = [decision_header(decision, lang), *people_lines(decision, lang), INDENT + reasons(decision, lang)]
    if decision.parameters:
        lines.append(INDENT + parameters_line(decision, lang))
    lines += node_lines(decision.explanation, lang, depth=1, staff_id=decision.staff_id)
    return "\n".join(map(one_line, lines))


def render_text(decisions: list[Decision], lang: str = "ja", *, run_id: int | None = None,
                rules_version: str | None = None, ledger_hash: str | None = None) -> str:
    """The explanation trees of the decisions, for auditors, separated by blank lines; the run
    that made them and its rules version first, when given."""
    _lang(lang)
    head = run_line(run_id, rules_version, lang, ledger_hash)
    body = "\n\n".join(render_decision(d, lang) for d in decisions)
    if head and decisions:
        body = head + "\n\n" + body
    return body + ("\n" if decisions else "")


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
