"""The impact benchmark: `rules impact` on a generated population, beside the review it compares with.

    python bench/impact.py [--policy moka] [--staff 10000] [--workers N] [--seed 7] [--work DIR]

Generates (or reuses, as bench/review.py does) the population, imports it into a fresh SQLite file,
reviews 令和7年度, then judges a draft that raises the first score parameter of the rule file by
0.2 (Moka: report_threshold 3.5 -> 3.7) with ``engine.impact.impact`` and prints one JSON line:
staff, review_s, impact_s (load the year, judge it, compare every judgement with the stored one,
render the decisions that change or are not certified), changes, and the CPU seconds of each (this
process and its workers).
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2025


def _cpu() -> float:
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


def _timed(f, *args, **kwargs):
    t, c = time.perf_counter(), _cpu()
    out = f(*args, **kwargs)
    return out, round(time.perf_counter() - t, 2), round(_cpu() - c, 2)


def main() -> None:
    from bench.review import population_options

    a = population_options(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()

    from bench.generate import generate
    from engine.impact import impact, load_draft
    from engine.review import run_review
    from engine.rulebook import load_rulebook
    from facts.db import get_engine, init_db
    from facts.importer import import_paths

    work = Path(a.work)
    facts = work / f"{a.policy}-{a.staff}-seed{a.seed}"
    if not (facts / ".done").exists():
        generate(a.policy, a.staff, a.seed, facts)
        (facts / ".done").write_text("ok")
    path = work / f"impact-{a.policy}-{a.staff}.db"
    path.unlink(missing_ok=True)
    db = get_engine(f"sqlite:///{path}")
    init_db(db)
    import_paths(db, [facts], catalogues=load_rulebook().catalogues())
    result, review_s, review_cpu = _timed(run_review, db, a.policy, YEAR, workers=a.workers)
    text = (ROOT / "rules" / f"{a.policy}.yaml").read_text(encoding="utf-8")
    edited = re.sub(r"(type: score\n(?:    .*\n)*?    value: )([0-9.]+)",
                    lambda m: f"{m[1]}{float(m[2]) + 0.2:.1f}", text, count=1)
    draft = work / "impact-draft" / f"{a.policy}.yaml"
    draft.parent.mkdir(exist_ok=True)
    draft.write_text(edited, encoding="utf-8")
    out, impact_s, impact_cpu = _timed(impact, db, load_draft(draft), YEAR, workers=a.workers)
    print(json.dumps({"policy": a.policy, "staff": result.staff_count, "workers": a.workers or "all cores",
                      "review_s": review_s, "impact_s": impact_s, "changes": len(out.changes),
                      "parameters": [f"{p.name}: {p.before} -> {p.after}" for p in out.parameters],
                      "cpu_s": {"review": review_cpu, "impact": impact_cpu}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
