"""The draft a policy writer wants to see the impact of: a rule file (or a folder of them),
validated as the rules are on load and reported as ``rules lint`` reports them; the policy it
defines (or the one ``--policy`` names); the parameters whose values differ from those a stored
review used."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compile import Compiled
from ..errors import Problem, ReviewError, RuleError
from ..lint import checked, rule_files
from ..rulefile import Policy


@dataclass(frozen=True)
class ParameterChange:
    name: str
    label: str
    label_en: str
    before: Any  # as the run stored it (JSON); None: no such parameter then
    after: Any


def load_draft(path: Path, policy_id: str | None = None) -> Policy:
    """The draft's policy. Every rule file of ``path`` must load (a folder is read as the rules
    folder is: all of it); one that does not is a RuleError whose lines are those of ``rules lint``."""
    if not rule_files([str(path)]):
        raise ReviewError(f"{path} に規則ファイル（*.yaml）がありません", en=f"{path} holds no rule file (*.yaml)")
    policies, findings = checked([str(path)])
    errors = [Problem("", str(f)) for f in findings if f.level == "error"]
    seen: dict[str, Policy] = {}
    for p in policies:
        if p.id in seen:
            errors.append(Problem("", f"{p.path}:1:1: error: policy '{p.id}' is defined twice (also {seen[p.id].path})"))
        seen[p.id] = p
    if errors:
        raise RuleError(errors, summary=f"下書きの規則ファイルに誤りが {len(errors)} 件あります（`nintei rules lint "
                                        f"{path}` と同じ検査）。直してから、もう一度実行してください:",
                        summary_en=f"the draft has {len(errors)} error(s) (as `nintei rules lint {path}` checks): "
                                   "correct them and run it again:")
    if policy_id is not None:
        if policy_id not in seen:
            raise ReviewError(f"{path} に方針 {policy_id} の規則ファイルがありません（あるもの: {', '.join(sorted(seen))}）",
                              en=f"{path} holds no rule file of policy {policy_id} (it holds: {', '.join(sorted(seen))})")
        return seen[policy_id]
    if len(seen) > 1:
        raise ReviewError(f"{path} には方針が {len(seen)} つあります（{', '.join(sorted(seen))}）: --policy で"
                          "一つ選んでください", en=f"{path} holds {len(seen)} policies ({', '.join(sorted(seen))}): "
                                              "choose one with --policy")
    return next(iter(seen.values()))


def plain_values(compiled: Compiled) -> dict[str, Any]:
    """The parameter values in force, as a run stores them (review_run.parameters)."""
    return json.loads(json.dumps(compiled.values, ensure_ascii=False, default=list))


def parameter_changes(stored: dict[str, Any], before: Policy, draft: Compiled) -> list[ParameterChange]:
    """The parameters whose value for the year differs between a run (``stored``: its values,
    ``before``: its rule file) and the draft, in the draft's order (then those it dropped)."""
    after = plain_values(draft)
    out = []
    for name in dict.fromkeys([*after, *stored]):
        if stored.get(name) != after.get(name) or (name in stored) != (name in after):
            p = draft.policy.parameters.get(name) or before.parameters.get(name)
            out.append(ParameterChange(name, p.label.ja if p else name, (p.label.en or p.label.ja) if p else name,
                                       stored.get(name), after.get(name)))
    return out
