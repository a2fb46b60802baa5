"""The same facts, the same decisions, every time: one policy's samples multiplied to N staff,
reviewed again and again in fresh processes under different PYTHONHASHSEEDs, with the other core
kept busy, and every run's decisions compared (outcome and explanation, byte for byte).

    python bench/stress.py [--policy goka] [--staff 10000] [--runs 5] [--no-busy]

Prints one line per run (hash seed, seconds, digest) and exits 1 if any run fails or differs.
The test suite runs it small (tests/test_review_stress.py); issue 13 ran it at 10k staff.
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import hashlib, sys
sys.path.insert(0, {root!r})
from engine.review import run_review
from facts.db import get_engine
result = run_review(get_engine({url!r}), {policy!r}, 2025)
h = hashlib.sha256()
for d in result.decisions:
    h.update(f"{{d.staff_id}}|{{d.certification}}|{{d.outcome}}|".encode())
    h.update(d.explanation.model_dump_json().encode())
print(len(result.decisions), h.hexdigest())
"""


def _burn(stop_at: float) -> None:  # keeps a core busy
    x = 0
    while time.time() < stop_at:
        x = (x * 31 + 7) % 1000003


def stress(policy: str, staff: int, runs: int, busy: bool = True, out=print) -> list[str]:
    """Import once, review ``runs`` times in child processes (hash seeds 0, 1, ...); the digests."""
    from bench.review_policies import multiplied
    from engine.rulebook import load_rulebook
    from facts.db import get_engine, init_db
    from facts.importer import import_paths

    digests = []
    with tempfile.TemporaryDirectory() as tmp:
        facts = multiplied(policy, staff, Path(tmp))
        url = f"sqlite:///{tmp}/stress.db"
        db = get_engine(url)
        init_db(db)
        import_paths(db, [facts], catalogues=load_rulebook().catalogues())
        db.dispose()
        for seed in range(runs):
            burner = None
            if busy:
                burner = multiprocessing.Process(target=_burn, args=(time.time() + 3600,), daemon=True)
                burner.start()
            t0 = time.perf_counter()
            try:
                child = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), url=url, policy=policy)],
                                       capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": str(seed)})
            finally:
                if burner:
                    burner.terminate()
                    burner.join()
            seconds = time.perf_counter() - t0
            if child.returncode != 0:
                out(f"run {seed}: PYTHONHASHSEED={seed} FAILED after {seconds:.1f} s\n{child.stderr[-2000:]}")
                digests.append(f"failed: {child.stderr.strip().splitlines()[-1] if child.stderr.strip() else child.returncode}")
                continue
            decisions, digest = child.stdout.split()
            out(f"run {seed}: PYTHONHASHSEED={seed} {decisions} decisions in {seconds:.1f} s, digest {digest[:16]}")
            digests.append(digest)
    return digests


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--policy", default="goka")
    ap.add_argument("--staff", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-busy", action="store_true")
    a = ap.parse_args()
    digests = stress(a.policy, a.staff, a.runs, busy=not a.no_busy)
    same = len(set(digests)) == 1 and not digests[0].startswith("failed")
    print("identical" if same else "DIFFERENT or FAILED")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
