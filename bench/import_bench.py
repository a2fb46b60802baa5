"""Time one import of a folder of fact files into a fresh database; print one JSON line.

    python bench/generate.py --policy moka --staff 100000 --seed 7 --out /tmp/moka100k
    python bench/import_bench.py /tmp/moka100k [--db sqlite] [--db postgres] [--profile out.prof]

``--db sqlite`` (default): a new SQLite file in a temporary folder. ``--db postgres``: a new schema
on ``$NINTEI_TEST_POSTGRES`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``),
dropped afterwards. Prints ``{"staff", "fact_rows", "import_s", "rows_per_s", "peak_rss_mib",
"db"}``: staff members on the roster, rows stored, seconds spent in ``import_paths`` (reading,
validating, storing, commit; not loading the rule files), and the process's peak resident memory;
also ``cpu_s``, the CPU seconds of this process and of the workers it forked in the import (the
database server's not counted), a figure that other work on the machine disturbs less than
``import_s``; ``cpu_parent_s``, this process's alone; ``load``, the machine's load average (1 min)
at the end.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_URL = os.environ.get("NINTEI_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def fresh_engine(backend: str) -> Iterator:
    """An initialised engine on an empty database of ``backend`` (``sqlite`` or ``postgres``)."""
    from sqlalchemy import text
    from sqlmodel import create_engine

    from facts.db import get_engine, init_db

    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            engine = get_engine(f"sqlite:///{tmp}/bench.db")
            init_db(engine)
            try:
                yield engine
            finally:
                engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = get_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-c search_path={schema}"})
    try:
        init_db(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def bench(folder: Path, backend: str, profile: str | None = None) -> dict:
    from sqlalchemy import text

    from engine.rulebook import load_rulebook
    from facts.importer import import_paths

    catalogues = load_rulebook().catalogues()
    with fresh_engine(backend) as engine:
        profiler = cProfile.Profile() if profile else None
        start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        if profiler:
            profiler.enable()
        report = import_paths(engine, [folder], catalogues=catalogues)
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        children = _children_cpu() - children
        if profiler:
            profiler.dump_stats(profile)
        with engine.connect() as conn:
            staff = conn.execute(text(
                "select count(distinct staff_id) from fact_row where record_type = 'staff'")).scalar_one()
            rows = conn.execute(text("select count(*) from fact_row")).scalar_one()
    assert rows == report.new, (rows, report.new)
    return {"staff": staff, "fact_rows": rows, "import_s": round(seconds, 2), "cpu_s": round(cpu + children, 2),
            "cpu_parent_s": round(cpu, 2), "load": round(os.getloadavg()[0], 2),
            "rows_per_s": round(rows / seconds), "peak_rss_mib": round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),  # KiB on Linux
            "db": backend}


def _children_cpu() -> float:
    """CPU seconds of this process's ended children (the import's forked workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="fact files (bench/generate.py --out)")
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--profile", metavar="FILE", help="write cProfile stats of the import to FILE")
    args = ap.parse_args(argv)
    print(json.dumps(bench(args.folder, args.db, args.profile)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
