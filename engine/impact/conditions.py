"""The conditions whose result a draft changes, for one decision: its explanation tree under the
stored run's rules beside its tree under the draft.

Nodes are matched by their path of ids from the root (a led project-year's candidate node is named
for its project-year, so the same record is the same node in both trees; a named condition used
twice has two paths). A node whose ``met`` differs (or that only one version of the rules has) has
changed; of those, the deepest are reported (a changed leaf explains its changed parents), each
with the figures that changed, worded as the review table words them
(「メンバー評価 3.60 < 3.70（0.10 不足）」, engine/summary.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import ExplanationNode, Observation
from ..summary import figure

FIGURES_SHOWN = 3  # figures per condition, then 「ほか N 件」


@dataclass(frozen=True)
class ConditionChange:
    description: str  # the condition and its figures under the draft, in Japanese
    description_en: str
    met_before: bool | None  # None: the rules of that side have no such condition
    met_after: bool | None


def changed_conditions(before: ExplanationNode | None, after: ExplanationNode | None) -> list[ConditionChange]:
    b, a = _by_path(before), _by_path(after)
    changed = [p for p in dict.fromkeys([*b, *a]) if _met(b.get(p)) != _met(a.get(p))]
    deepest = [p for p in changed if not any(len(q) > len(p) and q[:len(p)] == p for q in changed)]
    return [ConditionChange(_describe(b.get(p), a.get(p), "ja"), _describe(b.get(p), a.get(p), "en"),
                            _met(b.get(p)), _met(a.get(p))) for p in deepest]


def _by_path(root: ExplanationNode | None) -> dict[tuple[str, ...], ExplanationNode]:
    out: dict[tuple[str, ...], ExplanationNode] = {}

    def walk(node: ExplanationNode, above: tuple[str, ...]) -> None:
        path = (*above, node.id)
        out.setdefault(path, node)
        for child in node.conditions:
            walk(child, path)

    if root is not None:
        walk(root, ())
    return out


def _met(node: ExplanationNode | None) -> bool | None:
    return None if node is None else node.met


def _describe(before: ExplanationNode | None, after: ExplanationNode | None, lang: str) -> str:
    node = after or before
    text = node.description_en if lang == "en" and node.description_en else node.description
    shown = after if after is not None else before
    others = {_key(o): o for o in ((before.observations if before is not None and after is not None else []))}
    figures = []
    for obs in shown.observations:
        earlier = others.get(_key(obs))
        if earlier is not None and earlier.met == obs.met:
            continue
        subject = obs.subject_en if lang == "en" and obs.subject_en else obs.subject
        own = subject and subject != text and subject != node.description and obs.value is not None
        figures.append(f"{subject}: {figure(obs, lang)}" if own else figure(obs, lang))
    if not figures:
        return text
    more = len(figures) - FIGURES_SHOWN
    if more > 0:
        figures = figures[:FIGURES_SHOWN] + [f"and {more} more" if lang == "en" else f"ほか {more} 件"]
    return f"{text}: {'; '.join(figures)}"


def _key(obs: Observation) -> tuple[str, str]:
    return obs.subject, obs.label
