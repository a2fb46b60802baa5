"""Synthetic HR exports for one policy: a roster of N staff over fiscal years 2021-2025 and the
records that policy reads, written in the import format (spec/fact-records.md) the way
municipal systems export them: Japanese headers (a few English), the roster in CP932, one file
UTF-8 with BOM, XLSX, 和暦 and full-width digits in some cells, grades as Japanese titles.

    python bench/generate.py --policy moka --staff 20000 --seed 7 --out /tmp/moka [--years 2021-2025]

Every condition of the policy is exercised with plenty of near misses (one requirement short,
scores at and just below thresholds, records dated after the review year). Deterministic for a
given seed: one random.Random, lists only, no set or hash order.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ is on the path, the project root is not
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.population import goka, kakamigahara, moka, oyama, tarumizu  # noqa: E402
from bench.population.base import POLICIES, Gen  # noqa: E402

__all__ = ["POLICIES", "generate", "main"]

# --- entry points ------------------------------------------------------------------------------------

BUILDERS = {"moka": moka.build, "goka": goka.build, "oyama": oyama.build, "tarumizu": tarumizu.build,
            "kakamigahara": kakamigahara.build}


def generate(policy: str, staff: int, seed: int, out: Path, first_year: int = 2021, last_year: int = 2025,
             extras: bool = True) -> dict:
    """Write one policy's fact files into ``out``; the number of records written per record type.
    ``extras``: also columns that are no field of the record (備考), which the import must ignore."""
    if policy not in BUILDERS:
        raise ValueError(f"unknown policy {policy!r} (one of {', '.join(POLICIES)})")
    if not 2019 <= first_year < last_year:
        raise ValueError("years: first < last, from 2019 (令和)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    g = Gen(policy, staff, seed, out, first_year, last_year, extras)
    BUILDERS[policy](g)
    return dict(g.counts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--policy", required=True, choices=POLICIES)
    ap.add_argument("--staff", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--years", default="2021-2025", help="first-last fiscal year (default 2021-2025)")
    ap.add_argument("--no-extras", action="store_true", help="leave out the columns the import must ignore (備考)")
    a = ap.parse_args(argv)
    first, _, last = a.years.partition("-")
    t0 = time.perf_counter()
    counts = generate(a.policy, a.staff, a.seed, a.out, int(first), int(last or first), not a.no_extras)
    print(f"policy {a.policy}, seed {a.seed}, {a.staff} staff, {time.perf_counter() - t0:.1f} s -> {a.out}")
    for rtype, n in counts.items():
        print(f"  {rtype:14} {n:8d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
