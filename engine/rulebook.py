"""All rule files of a folder, loaded and validated together."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, ReviewError, RuleError
from .rulefile import Policy, load_rule_file

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


@dataclass
class Rulebook:
    policies: dict[str, Policy]

    def policy(self, policy_id: str) -> Policy:
        try:
            return self.policies[policy_id]
        except KeyError:
            known = ", ".join(sorted(self.policies)) or "(none)"
            raise ReviewError(f"方針 '{policy_id}' はありません（あるもの: {known}）",
                              en=f"unknown policy '{policy_id}' (policies: {known})") from None

    def catalogues(self) -> dict[str, dict[str, list[str]]]:
        """The course catalogues of every policy, for resolving course names at import:
        ``{policy_id: {course_id: [names and aliases]}}`` (facts.importer.Catalogues). A training
        row names no policy, so the importer checks it against every policy's catalogue."""
        return {pid: p.catalogues() for pid, p in self.policies.items() if p.catalogues()}

    def certification_names(self) -> dict[str, tuple[list[str], dict[str, list[str]]]]:
        """For reading imported certification history (facts.importer.CertificationNames): per
        policy id, the names a record may give the policy (the id, the municipality's name) and,
        per certification id, the names it may give the certification (the id, its labels)."""
        return {pid: ([pid, p.municipality.ja, p.municipality.en],
                      {c.id: [c.id, c.label.ja, c.label.en] for c in p.certifications})
                for pid, p in self.policies.items()}

    def version(self, policy_id: str) -> str:
        return hashlib.sha256(self.policy(policy_id).content.encode("utf-8")).hexdigest()


_LOADED: dict[tuple, Rulebook] = {}
_FROM_CONTENT: dict[str, Policy] = {}


def policy_from_content(policy_id: str, content: str) -> Policy:
    """A policy as a review stored its rule file (review_run.rules_content), whatever the rule
    files on disk say now; its locations read ``rules/<policy>.yaml`` as they did."""
    import tempfile

    key = hashlib.sha256(content.encode("utf-8")).hexdigest()
    if key not in _FROM_CONTENT:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{policy_id}.yaml"
            path.write_text(content, encoding="utf-8")
            _FROM_CONTENT[key] = load_rule_file(path, f"rules/{policy_id}.yaml")
    return _FROM_CONTENT[key]


def load_rulebook(rules_dir: str | Path | None = None) -> Rulebook:
    """Every rule file of the folder, validated; reloaded whenever a file changes (the last
    loaded version is kept per folder, keyed by the files' names, sizes and modification times)."""
    folder = Path(rules_dir or os.environ.get("NINTEI_RULES_DIR") or RULES_DIR)
    paths = sorted(folder.glob("*.yaml"))
    stamp = (folder.resolve(), tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in paths))
    if stamp not in _LOADED:
        if len(_LOADED) > 16:
            _LOADED.clear()
        _LOADED[stamp] = _load(folder, paths)
    return _LOADED[stamp]


def _load(folder: Path, paths: list[Path]) -> Rulebook:
    problems: list[Problem] = []
    policies: dict[str, Policy] = {}
    for path in paths:
        display = f"{folder.name}/{path.name}"
        try:
            p = load_rule_file(path, display)
        except RuleError as e:
            problems.extend(e.problems)
            continue
        if p.id in policies:
            problems.append(Problem(f"{display}:1:1", f"policy '{p.id}' is defined twice (also {policies[p.id].path})"))
        policies[p.id] = p
    if problems:
        raise RuleError(problems, summary=f"rule files in {folder}: {len(problems)} problem(s)")
    return Rulebook(policies)
