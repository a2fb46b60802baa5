"""`nintei rules lint`: static checks of rule files, one `file:line:col: message` per problem.

Errors are everything the loader rejects (engine/rulefile/). Warnings are what loads but would
leave an auditor or a policy writer without an answer: a parameter that quotes no sentence and
gives no reading, a condition without the text its explanation shows, a target for an unknown
certification, a target's appointments of an unknown certification or role.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import RuleError
from .rulefile import Policy, load_rule_file


@dataclass(frozen=True)
class Finding:
    location: str
    level: str  # error / warning
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.level}: {self.message}"


def rule_files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.yaml")) if p.is_dir() else [p])
    return out


def lint(paths: list[str]) -> list[Finding]:
    return checked(paths)[1]


def checked(paths: list[str]) -> tuple[list[Policy], list[Finding]]:
    """The rule files of ``paths`` (files, or folders of ``*.yaml``) that load, and the findings of
    all of them: what ``rules lint`` prints, and what ``rules impact`` checks its draft with."""
    policies: list[Policy] = []
    findings: list[Finding] = []
    for path in rule_files(paths):
        try:
            policy = load_rule_file(path, _display(path))
        except RuleError as e:
            findings.extend(Finding(p.location, "error", p.message) for p in e.problems)
            continue
        policies.append(policy)
        findings.extend(warnings(policy))
    return policies, findings


def warnings(policy: Policy) -> list[Finding]:
    out = []
    for name, p in policy.parameters.items():
        if not p.quote and not p.reading:
            out.append(Finding(str(p.loc), "warning", f"parameter '{name}' quotes no sentence and gives no reading: "
                                                      "add 'quote' (the document's words) or 'reading' (how they are read)"))
    nodes = [n for c in policy.certifications for n in c.condition.walk()]
    nodes += [n for c in policy.conditions.values() for n in c.walk()]
    seen = set()
    for n in nodes:
        if n.kind == "ref" or (n.loc.line, n.loc.col) in seen:
            continue  # a ref shows its named condition's text; an 'each' template is checked once
        seen.add((n.loc.line, n.loc.col))
        if n.text.ja == n.id:
            out.append(Finding(str(n.loc), "warning", f"condition '{n.id}' has no 'text': its explanation would show "
                                                      "the id instead of a sentence"))
    ids = {c.id for c in policy.certifications}
    targets = policy.targets or {}
    named = list((targets.get("plan") or {}).keys())
    for year_targets in (targets.get("by_year") or {}).values():
        named += list((year_targets or {}).keys())
    for cid in dict.fromkeys(named):
        if cid not in ids:
            out.append(Finding(f"{policy.path}:1:1", "warning", f"target for unknown certification '{cid}'"))
    out += _appointments(policy, ids)
    return out


def _appointments(policy: Policy, ids: set[str]) -> list[Finding]:
    """``targets.appointments``: certification -> the role whose new holders its target counts
    (engine/report/appointments.py); both must be known."""
    from facts.aliases import VALUE_ALIASES

    roles = set(VALUE_ALIASES["role"][1].values())
    out = []
    for cid, role in ((policy.targets or {}).get("appointments") or {}).items():
        if cid not in ids:
            out.append(Finding(f"{policy.path}:1:1", "warning", f"appointments for unknown certification '{cid}'"))
        if role not in roles:
            out.append(Finding(f"{policy.path}:1:1", "warning",
                               f"appointments of unknown role '{role}' (roles: {', '.join(sorted(roles))})"))
    return out


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
