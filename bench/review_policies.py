"""Review throughput per policy: each policy's samples multiplied to N staff, reviewed end to end
(load facts, judge in durable_rules, explain, store decisions) in one process, SQLite.

    python bench/review_policies.py [N]        # default N = 2000 staff per policy

Prints staff/s per policy. The target of the scale work (Moka, 100k staff in about 10 s on two
cores) is measured by its own benchmark when that work lands; this one shows where each policy's
rule file stands today.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402

from engine.review import run_review  # noqa: E402
from engine.rulebook import load_rulebook  # noqa: E402
from facts.db import get_engine, init_db  # noqa: E402
from facts.importer import import_paths  # noqa: E402
from facts.tables import FactRow  # noqa: E402

POLICIES = ["moka", "goka", "oyama", "tarumizu", "kakamigahara"]
STAFF_KEYS = ("staff_id", "target_staff_id")


def multiplied(policy: str, n: int, folder: Path) -> Path:
    """The policy's samples as JSON Lines, every staff member copied until there are n on the roster."""
    db = get_engine(f"sqlite:///{folder}/{policy}-samples.db")
    init_db(db)
    import_paths(db, [ROOT / "facts" / "samples" / policy], catalogues=load_rulebook().catalogues())
    with Session(db) as s:
        rows = s.exec(select(FactRow)).all()
    roster = {r.staff_id for r in rows if r.record_type == "staff" and r.fiscal_year == 2025}
    copies = max(1, -(-n // max(1, len(roster))))
    out = folder / f"{policy}-x{copies}"
    out.mkdir()
    by_type: dict[str, list[str]] = {}
    for r in rows:
        data = json.loads(r.data)
        for c in range(copies):
            d = dict(data)
            for k in STAFF_KEYS:
                if d.get(k):
                    d[k] = f"{d[k]}-{c}"
            if r.record_type == "evaluation":  # evaluations belong to projects: copy the project ids too
                d["project_id"] = f"{d['project_id']}-{c}"
            if r.record_type == "project":
                d["project_id"] = f"{d['project_id']}-{c}"
            by_type.setdefault(r.record_type, []).append(json.dumps(d, ensure_ascii=False, default=str))
    for rtype, lines in by_type.items():
        (out / f"{rtype}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    print(f"{'policy':14} {'staff':>7} {'decisions':>9} {'import s':>9} {'review s':>9} {'staff/s':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for policy in POLICIES:
            folder = Path(tmp) / policy
            folder.mkdir()
            facts = multiplied(policy, n, folder)
            db = get_engine(f"sqlite:///{folder}/bench.db")
            init_db(db)
            t0 = time.perf_counter()
            import_paths(db, [facts], catalogues=load_rulebook().catalogues())
            t1 = time.perf_counter()
            result = run_review(db, policy, 2025)
            t2 = time.perf_counter()
            staff = len({d.staff_id for d in result.decisions})
            print(f"{policy:14} {staff:7d} {len(result.decisions):9d} {t1 - t0:9.2f} {t2 - t1:9.2f} {staff / (t2 - t1):8.0f}")


if __name__ == "__main__":
    main()
