"""The engine against the reference evaluator on a generated population: every decision's outcome
and, node by node, which conditions were met.

    python bench/differential.py --policy moka --staff 20000 [--seed 1]    # every policy: --policy all

Generates the population (bench/generate.py), imports it into a fresh SQLite file, reviews it once
(one run: judge, explain, store), judges every staff member again with engine/reference.py, and
prints one line per policy: staff, decisions, seconds for each part, disagreements. Exit 1 on any
disagreement, printing the first ones with the staff member's facts and both verdicts.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import POLICIES, generate  # noqa: E402
from engine.reference import judge_reference  # noqa: E402
from engine.render import render_text  # noqa: E402
from engine.review import earlier_grants, run_review  # noqa: E402
from engine.rulebook import load_rulebook  # noqa: E402
from facts.db import get_engine, init_db  # noqa: E402
from facts.importer import import_paths  # noqa: E402
from facts.store import load_year  # noqa: E402

YEAR = 2025


@dataclass
class Disagreement:
    staff_id: str
    certification: str
    what: str  # "outcome" or a node id
    engine: object
    reference: object
    facts: list[str] = field(default_factory=list)
    engine_explanation: str = ""  # the engine's explanation, as explain prints it
    reference_verdicts: str = ""  # the reference's verdict on every node (None: records missing)

    def __str__(self) -> str:
        lines = [f"職員 {self.staff_id} {self.certification} {self.what}: engine {self.engine!r}, "
                 f"reference {self.reference!r}", "  facts:", *(f"    {f}" for f in self.facts)]
        if self.engine_explanation:
            lines += ["  engine:", *(f"    {line}" for line in self.engine_explanation.splitlines())]
        if self.reference_verdicts:
            lines += ["  reference:", f"    {self.reference_verdicts}"]
        return "\n".join(lines)


def _nodes(node, out: dict, inside_candidate: bool = False) -> None:
    """node id -> met over the engine's tree (a node shown more than once: met if met anywhere),
    leaving out what only the engine shows: held, candidates, and conditions judged per candidate."""
    if node.kind in ("candidate",) or node.id.endswith("#held"):
        inside_candidate = inside_candidate or node.kind == "candidate"
    elif not inside_candidate and node.kind != "not_applicable":
        out[node.id] = out.get(node.id, False) or node.met
    for child in node.conditions:
        _nodes(child, out, inside_candidate or node.kind == "candidate")


def compare(db, policy_id: str, result) -> list[Disagreement]:
    policy = load_rulebook().policy(policy_id)
    year = load_year(db, YEAR)
    from sqlmodel import Session
    with Session(db) as s:
        grants = earlier_grants(s, policy_id, YEAR)
    by_staff: dict[str, list] = {}
    for d in result.decisions:
        by_staff.setdefault(d.staff_id, []).append(d)
    out = []
    for staff in year:
        ref = judge_reference(policy, YEAR, staff, year, grants.get(staff.staff_id, []), year.participants)
        for d in by_staff.get(staff.staff_id, []):
            r = ref[d.certification]
            bad = []
            if d.outcome != r.outcome:
                bad.append(("outcome", d.outcome, r.outcome))
            shown: dict[str, bool] = {}
            root = d.explanation
            for child in root.conditions:
                _nodes(child, shown)
            for node_id, met in shown.items():
                if node_id in r.met and met != (r.met[node_id] is True):
                    bad.append((node_id, met, r.met[node_id]))
            if bad:
                facts = [f"{type(rec).__name__} {rec.provenance}: {rec.fields()}" for rec in staff.records()]
                text = render_text([d])
                verdicts = f"outcome {r.outcome}; " + ", ".join(f"{k}={v}" for k, v in sorted(r.met.items()))
                out.extend(Disagreement(d.staff_id, d.certification, w, e, x, facts, text, verdicts)
                           for w, e, x in bad)
    return out


def run(policy: str, staff: int, seed: int, folder: Path, out=print) -> list[Disagreement]:
    t0 = time.perf_counter()
    generate(policy, staff, seed, folder / "facts")
    t1 = time.perf_counter()
    db = get_engine(f"sqlite:///{folder}/diff.db")
    init_db(db)
    import_paths(db, [folder / "facts"], catalogues=load_rulebook().catalogues())
    t2 = time.perf_counter()
    result = run_review(db, policy, YEAR)
    t3 = time.perf_counter()
    bad = compare(db, policy, result)
    t4 = time.perf_counter()
    out(f"{policy:13} seed {seed}: {len({d.staff_id for d in result.decisions})} staff, {len(result.decisions)} decisions; "
        f"generate {t1 - t0:.1f} s, import {t2 - t1:.1f} s, review {t3 - t2:.1f} s, reference {t4 - t3:.1f} s; "
        f"{len(bad)} disagreements")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--policy", default="all", choices=[*POLICIES, "all"])
    ap.add_argument("--staff", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    failed = False
    for policy in POLICIES if a.policy == "all" else [a.policy]:
        with tempfile.TemporaryDirectory() as tmp:
            bad = run(policy, a.staff, a.seed, Path(tmp))
        for d in bad[:5]:
            print(d)
        failed = failed or bool(bad)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
