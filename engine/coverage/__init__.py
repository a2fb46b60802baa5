"""``nintei check --coverage``: which parts of each rule the policy writers' examples exercise.

The examples of features/ are run as ``nintei check`` runs them (engine/check.py); each example
that passes hands over the decisions its outcome steps asserted (「ならば 職員 "…" の "…" は "…"
である」), with their explanation trees: what the engine judged, node by node. Over them are laid
the items of each certification (universe.py): every condition node, each alternative, each
required record, each order test (threshold), and the held alternative of a permanent
certification. An item is covered when at least one example met it and one did not; met only,
or unmet only, is half-covered. Each numeric parameter is checked at its boundary: an example
whose value equals the threshold or lies within one step of it (tally.py).

    universe.py  what there is to cover, keyed by the path of the explanation tree
    tally.py     the examples' judgements laid over it, and the values at each boundary
    render.py    the report: text (ja / en) and JSON
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..check import CheckResult, _display, check
from ..rulebook import load_rulebook
from ..rulefile import Policy
from .tally import lay
from .universe import Boundary, CertItems, Item, boundaries, cert_items


@dataclass
class PolicyCoverage:
    policy: Policy
    certs: list[CertItems]
    bounds: dict[str, Boundary]

    @property
    def items(self) -> list[Item]:
        return [i for c in self.certs for i in c.items]


@dataclass
class Coverage:
    result: CheckResult
    policies: list[PolicyCoverage] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # policies the examples name that no rule file defines

    @property
    def items(self) -> list[Item]:
        return [i for p in self.policies for i in p.items]

    @property
    def percent(self) -> float | None:
        return percent(self.items)


def percent(items: list[Item]) -> float | None:
    """Each item counts both ways: met and not met. Half-covered is half; None when there is none."""
    return 100.0 * sum(i.ways for i in items) / (2 * len(items)) if items else None


def coverage(paths: list[str]) -> Coverage:
    """Run the examples under ``paths`` and lay their judgements over the policies they name."""
    return measure(check(paths, judged=True))


def measure(result: CheckResult) -> Coverage:
    """The judgements of a check run with ``judged=True`` laid over the policies its examples name."""
    out = Coverage(result)
    book = load_rulebook()
    by_id: dict[str, PolicyCoverage] = {}
    for record in result.judged:
        for pid in [record.get("policy")] + [d["policy"] for d in record["decisions"]]:
            if not pid or pid in by_id or pid in out.unknown:
                continue
            if pid not in book.policies:
                out.unknown.append(pid)
                continue
            policy = book.policies[pid]
            by_id[pid] = PolicyCoverage(policy, [cert_items(policy, c) for c in policy.certifications],
                                        boundaries(policy))
        example = f"{_display(record['file'])}:{record['line']}"
        for d in record["decisions"]:
            pc = by_id.get(d["policy"])
            certs = [c for c in pc.certs if c.cert.id == d["certification"]] if pc else []
            if certs:
                lay({i.key: i for i in certs[0].items}, pc.bounds, d["explanation"], example)
    out.policies = list(by_id.values())
    return out


def run_coverage(paths: list[str], lang: str = "ja", fmt: str = "text", fail_under: float | None = None) -> int:
    """Print the examples' report and the coverage (text), or one JSON document; the exit status:
    0, or 1 when an example fails or the total is below ``fail_under``."""
    import json
    import sys

    from facts.shown import in_json, one_line

    from ..check import report
    from .render import as_data, ok, text

    cov = coverage(paths)
    if fmt == "json":
        sys.stdout.write(in_json(json.dumps(as_data(cov, lang, fail_under), ensure_ascii=False, indent=2)) + "\n")
    else:
        lines = report(cov.result, lang).splitlines() + [""] + text(cov, lang, fail_under)
        sys.stdout.write("".join(one_line(line) + "\n" for line in lines))
    return 0 if ok(cov, fail_under) else 1
