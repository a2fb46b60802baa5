"""The one-line summary of a decision that was not certified: what the person really lacks.

Used by the review table and the review CSV (engine/render.py). It reads the explanation tree
(engine/model.py) and names the deepest unmet conditions that decide the outcome, with their
figures, in the vocabulary of ../shared/policies.md:

- a gap with a figure: 「2024年度 P24-03 …（リーダー）: メンバー評価 3.33 < 3.50（0.17 不足）」;
- a condition with no such record at all (not met, not "records missing"): the observation's own
  wording, 「プロジェクト年度の評価: 該当する記録なし（役割 = リーダー）」;
- records missing, kept apart and naming what is missing: 「記録不足: 2023年度 P23-04 …: 技術的観点の評価なし」;
- alternatives marked as such: 「いずれか: A ／ B」; requirements joined by 「; 」.

How the tree is read: ``all``/``every`` are requirements (each unmet child is listed); ``any`` and
cases are alternatives (a case of kind ``not_applicable`` is left out, and so is a ``held``
alternative unless it is the only one: a permanent certification's root is any[held, condition]);
a correlated condition (``exists`` whose children are ``candidate`` nodes, one per led
project-year) lists per candidate what it lacks (its unmet figures, then the unmet parts of its
inner condition), the candidates being alternatives of each other; other nodes with observations
(``exists``, ``at_least``) show their unmet figures, one alternative per record looked at. A record
that fails on a fixed fact (a department, a grade, a fiscal year outside the window) is no way to
qualify and is not listed; when nothing but such facts fail, the condition's description is shown.
Each list is capped (``CAP``), the rest counted: 「ほか 3 件」.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

from engine.model import Decision, ExplanationNode, Observation

CAP = 4  # parts shown per list (requirements, alternatives), then 「ほか N 件」

_WORDS: dict[str, dict[str, str]] = {
    "ja": {
        "either": "いずれか",
        "alt_sep": " ／ ",
        "req_sep": "; ",
        "and": " かつ ",
        "missing": "記録不足",
        "no_value": "記録なし",
        "short_by": "（{} 不足）",
        "more": "ほか {} 件",
        "subject_sep": ": ",
    },
    "en": {
        "either": "any of",
        "alt_sep": " / ",
        "req_sep": "; ",
        "and": " and ",
        "missing": "records missing",
        "no_value": "no records",
        "short_by": " (short by {})",
        "more": "and {} more",
        "subject_sep": ": ",
    },
}

# The comparison that did not hold, as the reader sees the gap: 3.33 < 3.50.
_NEGATED = {">=": "<", "≥": "<", ">": "≤", "<=": ">", "≤": ">", "<": "≥"}
_SHOWN = {">=": "≥", "<=": "≤", "!=": "≠", "==": "="}  # a comparison that held, as the reader sees it

# Notes that engine/explain.py appends to an observation's subject: what is missing
# (「（技術的観点の評価なし）」, " (no technical scores)") and rows left out of a score.
_MISSING_NOTE = {"ja": re.compile(r"\s*（([^（）]*なし)）"), "en": re.compile(r"\s*\((no [^()]*)\)")}
_OTHER_NOTE = {"ja": re.compile(r"\s*（メンバー以外の評価を除外[^（）]*）"),
               "en": re.compile(r"\s*\(scores from non-members left out[^()]*\)")}


# --- what a summary is made of ------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """One unmet thing: a figure, a missing record, a condition's description."""

    text: str
    missing: bool = False  # records missing (not: not met)
    subject: str = ""  # the record it is about, e.g. 「2024年度 P24-03 …（リーダー）」
    figure: bool = False  # a compared value: 「メンバー評価 3.33 < 3.50（0.17 不足）」


@dataclass(frozen=True)
class Group:
    """Several things one record (a led project-year) lacks: all of them are needed."""

    subject: str
    items: tuple["Item", ...]


@dataclass(frozen=True)
class Either:
    """Alternatives: meeting any one of the options would do."""

    options: tuple[tuple["Item", ...], ...]


Item = Union[Gap, Group, Either]


# --- reading the tree ---------------------------------------------------------------------------


def _text(ja: str, en: str, lang: str) -> str:
    return en if lang == "en" and en else ja


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _fmt_shortfall(obs: Observation) -> str:
    integral = all(isinstance(v, int) and not isinstance(v, bool) for v in (obs.value, obs.threshold))
    if integral and float(obs.shortfall).is_integer():
        return str(int(obs.shortfall))
    return f"{obs.shortfall:.2f}"


def _subject(obs: Observation, lang: str) -> tuple[str, str]:
    """(the record, what is missing of it): the subject without explain's notes."""
    subject = _text(obs.subject, obs.subject_en, lang)
    missing = _MISSING_NOTE[lang].findall(subject)
    base = _OTHER_NOTE[lang].sub("", _MISSING_NOTE[lang].sub("", subject)).strip()
    return base, "・".join(missing) if lang == "ja" else "; ".join(missing)


def _no_record(obs: Observation) -> bool:
    """The observation of a condition that found no such record at all (not met)."""
    return obs.value is None and not obs.op


def _is_gap(obs: Observation) -> bool:
    """An unmet figure that more (a better score, a higher level, more years) would meet; not a
    fixed fact such as a department, a grade or a fiscal year outside the window."""
    if obs.met or obs.value is None:
        return False
    if obs.shortfall is not None:
        return True
    if obs.op not in _NEGATED:
        return False
    return not (obs.label.startswith("年度") or obs.label_en.startswith("fiscal year"))


def _observed_gap(obs: Observation, lang: str, *, with_subject: bool) -> Gap:
    """An unmet observation as a gap: records missing, no such record, or a figure."""
    w = _WORDS[lang]
    label = _text(obs.label, obs.label_en, lang)
    base, missing = _subject(obs, lang)
    if obs.value is None and obs.op:  # records missing: the record exists, the value does not
        return Gap(missing or f"{label} {w['no_value']}", missing=True, subject=base if with_subject else "")
    if _no_record(obs):
        return Gap(f"{label}{w['subject_sep']}{base}" if base else label)
    value, threshold = _value_and_threshold(obs, lang)
    text = f"{label} {value} {_NEGATED.get(obs.op, '≠')} {threshold}"
    if obs.shortfall is not None:
        text += w["short_by"].format(_fmt_shortfall(obs))
    return Gap(text, subject=base if with_subject else "", figure=True)


def _value_and_threshold(obs: Observation, lang: str) -> tuple[str, str]:
    value = (obs.value_text_en if lang == "en" else obs.value_text) or _fmt(obs.value)
    threshold = (obs.threshold_text_en if lang == "en" else obs.threshold_text) or _fmt(obs.threshold)
    named = _text(obs.threshold_label, obs.threshold_label_en, lang)
    return value, f"{named} {threshold}" if named else threshold


def figure(obs: Observation, lang: str = "ja") -> str:
    """One observation's figure, its record left out, as the review table words it: unmet
    「メンバー評価 3.60 < 3.70（0.10 不足）」 (or what is missing), met 「メンバー評価 3.60 ≥ 3.50」."""
    if not obs.met:
        return _observed_gap(obs, lang, with_subject=False).text
    value, threshold = _value_and_threshold(obs, lang)
    label = _text(obs.label, obs.label_en, lang)
    return f"{label} {value} {_SHOWN.get(obs.op, obs.op)} {threshold}" if obs.op else f"{label} {value}"


def _count(node: ExplanationNode, lang: str) -> list[Item]:
    """An ``at_least`` node: its count (the last observation, 「連続年数 1 < 2（1 不足）」) with the
    years it found; for a count of conditions, the unmet conditions below as alternatives."""
    count = node.observations[-1] if node.observations else None
    if count is None or count.met:
        return []
    base = _subject(count, lang)[0]
    gap = _observed_gap(count, lang, with_subject=False)
    items: list[Item] = [Gap(gap.text, subject=base if count.value else "", figure=True)]
    # a year that might have counted but whose records are incomplete: say what is missing
    items += [_observed_gap(o, lang, with_subject=True) for o in node.observations[:-1]
              if not o.met and o.value is None and o.op]
    if node.conditions:
        items += _either([_items(c, lang) for c in node.conditions if _applies(c)])
    return items


def _with_subject(subject: str, items: list[Item]) -> Item:
    if len(items) == 1 and isinstance(items[0], Gap) and not items[0].subject:
        return Gap(items[0].text, items[0].missing, subject, items[0].figure)
    return Group(subject, tuple(items))


def _telling(item: Item) -> bool:
    """Whether an item says more than a condition's wording: a figure or records missing."""
    if isinstance(item, Gap):
        return item.figure or item.missing
    if isinstance(item, Group):
        return any(map(_telling, item.items))
    return any(_telling(i) for o in item.options for i in o)


def _either(options: list[list[Item]]) -> list[Item]:
    options = [o for o in options if o]
    if not options:
        return []
    if len(options) == 1:
        return options[0]
    return [Either(tuple(tuple(o) for o in options))]


def _observations(node: ExplanationNode, lang: str) -> list[Item]:
    """The unmet figures of a node that looked at records: one alternative per record."""
    groups: dict[str, list[Observation]] = {}
    options: list[list[Item]] = []
    for obs in node.observations:
        if _no_record(obs):
            if not obs.met:
                options.append([_observed_gap(obs, lang, with_subject=False)])
            continue
        groups.setdefault(_subject(obs, lang)[0], []).append(obs)
    for subject, group in groups.items():
        unmet = [o for o in group if not o.met]
        # a record failing on a fixed fact is no way to qualify: leave it out
        if not unmet or any(not _is_gap(o) and o.value is not None for o in unmet):
            continue
        items: list[Item] = [_observed_gap(o, lang, with_subject=False) for o in unmet]
        options.append([_with_subject(subject, items)] if subject else items)
    return _either(options)


def _candidate(node: ExplanationNode, lang: str) -> list[Item]:
    """What one led project-year lacks: its unmet figures, then the unmet parts of its inner
    condition."""
    items: list[Item] = [_observed_gap(o, lang, with_subject=False) for o in node.observations if not o.met]
    for child in node.conditions:
        items += _items(child, lang)
    subject = _text(node.description, node.description_en, lang)
    if not items:
        return [Gap(subject, node.missing_records)]
    return [_with_subject(subject, items)]


def _applies(node: ExplanationNode) -> bool:
    return not node.met and node.kind != "not_applicable"


def _items(node: ExplanationNode, lang: str) -> list[Item]:
    """What an unmet node lacks (requirements, all needed); [] for a met or inapplicable node."""
    if not _applies(node):
        return []
    description = Gap(_text(node.description, node.description_en, lang), node.missing_records)
    unmet = [c for c in node.conditions if _applies(c)]
    if node.kind == "any":
        if not unmet:  # no case applies
            return [description]
        kept = [c for c in unmet if c.kind != "held"] or unmet  # 'held' is noise beside the rest
        options = [o for o in (_items(c, lang) for c in kept) if o]
        if len(options) > 1 and not any(_telling(i) for o in options for i in o):
            return [description]  # alternatives with no figure: the condition says it better
        return _either(options) or [description]
    if node.kind == "candidate":
        return _candidate(node, lang)
    if node.kind == "exists" and any(c.kind == "candidate" for c in node.conditions):
        return _either([_candidate(c, lang) for c in unmet if c.kind == "candidate"]) or [description]
    if node.kind in ("not", "held", "certified", "flag"):
        return [description]
    if node.kind == "at_least":
        return _count(node, lang) or [description]
    items = _observations(node, lang) if node.observations else []
    for child in unmet:
        items += _items(child, lang)
    return items or [description]


def summary_items(decision: Decision, lang: str = "ja") -> list[Item]:
    """The structured summary: requirements (each a Gap, Group or Either); [] unless not_certified."""
    if decision.outcome != "not_certified":
        return []
    return _items(decision.explanation, lang)


# --- as text ------------------------------------------------------------------------------------


def _capped(texts: list[str], lang: str) -> list[str]:
    if len(texts) <= CAP:
        return texts
    return texts[:CAP] + [_WORDS[lang]["more"].format(len(texts) - CAP)]


def _render_gap(gap: Gap, lang: str) -> str:
    w = _WORDS[lang]
    text = f"{gap.subject}{w['subject_sep']}{gap.text}" if gap.subject else gap.text
    return f"{w['missing']}{w['subject_sep']}{text}" if gap.missing else text


def _render_all(items: tuple[Item, ...] | list[Item], lang: str, sep: str) -> str:
    return sep.join(_capped([_render(i, lang, nested=True) for i in items], lang))


def _render(item: Item, lang: str, *, nested: bool = False) -> str:
    w = _WORDS[lang]
    if isinstance(item, Gap):
        return _render_gap(item, lang)
    if isinstance(item, Group):
        return f"{item.subject}{w['subject_sep']}{_render_all(item.items, lang, w['and'])}"
    options = w["alt_sep"].join(_capped([_render_all(o, lang, w["and"]) for o in item.options], lang))
    return f"{w['either']}（{options}）" if nested and lang == "ja" else (
        f"{w['either']} ({options})" if nested else f"{w['either']}{w['subject_sep']}{options}")


def decision_summary(decision: Decision, lang: str = "ja") -> str:
    """The summary line of the review table and CSV (empty for certified and held)."""
    if lang not in _WORDS:
        raise ValueError(f"unknown language {lang!r} (ja or en)")
    items = summary_items(decision, lang)
    return _WORDS[lang]["req_sep"].join(_capped([_render(i, lang) for i in items], lang))
