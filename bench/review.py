"""The review benchmark: generate (or reuse) a population, import it, review it, check it.

    python bench/review.py --policy moka --staff 100000 [--workers 2] [--seed 7] [--db URL]

Prints one JSON line:
    staff, decisions, fact_rows   the population (staff on the 令和7年度 roster)
    import_s                      `import` of the generated HR exports (CSV/CP932, XLSX), fresh database
    review_s, staff_per_s         run_review: load, judge (durable_rules), store every decision (compact;
                                  explanations are rendered from it on read)
    peak_rss_mib                  the review's peak memory: the proportional set sizes (PSS) of its
                                  process and workers summed, sampled every 0.5 s (pages shared
                                  after the fork counted once); peak_rss_sum_mib: their RSS summed
    db_bytes_per_decision         database growth of the review / decisions
    baseline_python_s             the reference evaluator (engine/reference.py), plain Python, on the same
                                  facts (loading included), one process
    durable_only_s                durable_rules alone (asserting the same facts, running the rules'
                                  actions), one process
    agree                         the engine against the reference on every decision: the outcome and
                                  every condition its explanation shows (rendered from the store);
                                  exit 1 on any difference, printing the first ones
    render_s                      rendering every stored decision's explanation (for `agree`)
    cpu_s                         CPU seconds (user + system) per phase, so that a figure taken on a
                                  loaded machine still says what the work cost: generate, import
                                  (this process), review (its process and its workers, from
                                  getrusage around run_review), baseline_python, durable_only,
                                  render (process_time in the check's process); *_process: the
                                  phase's whole subprocess (start-up and imports included)
    load_avg                      the 1-minute load average (os.getloadavg, as `uptime` shows it)
                                  at the start and at the end of each phase
Progress (each phase's start and end, with the load average) goes to stderr.
The population lives in --work (default /tmp/nintei-bench), generated once per (policy, staff, seed).
--db: a SQLite URL (default: a fresh file in --work) or a PostgreSQL URL (a fresh schema per run).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2025


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _cpu_tree() -> float:
    """CPU seconds of this process and of every descendant it has waited for."""
    return _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _say(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} load {' '.join(f'{x:.2f}' for x in os.getloadavg())}: {msg}",
          file=sys.stderr, flush=True)


def _memory_tree(pid: int) -> tuple[int, int]:
    """Memory of a process and its descendants, in bytes: the sum of their proportional set sizes
    (PSS: a page shared by the parent and its forked workers counted once, split between them)
    and the sum of their resident set sizes (RSS: a shared page counted in every process)."""
    pss = rss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return pss, rss


class PeakMemory:
    def __init__(self):
        self.peak = self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(0.5)

    def _sample(self):
        pss, rss = _memory_tree(os.getpid())
        self.peak, self.peak_rss = max(self.peak, pss), max(self.peak_rss, rss)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()


def engine_for(url: str):
    from facts.db import get_engine
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine, event, text
        schema = url.rsplit("#schema=", 1)[1]
        engine = create_engine(url.rsplit("#", 1)[0])

        @event.listens_for(engine, "connect")
        def _path(dbapi_conn, _):
            with dbapi_conn.cursor() as cur:
                cur.execute(f'set search_path to "{schema}"')
            dbapi_conn.commit()
        with engine.begin() as conn:
            conn.execute(text(f'create schema if not exists "{schema}"'))
        return engine
    return get_engine(url)


def db_size(engine) -> int:
    from sqlalchemy import text
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    with engine.connect() as conn:
        return int(conn.execute(text("select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n "
                                 "on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = 'r'")
                            ).scalar() or 0)


def phase_review(url: str, policy: str, workers: int | None) -> dict:
    """In a process of its own, so that its peak memory is the review's."""
    from engine.review import run_review
    db = engine_for(url)
    before = db_size(db)
    with PeakMemory() as mem:
        t, c, c_self = time.perf_counter(), _cpu_tree(), _cpu()
        result = run_review(db, policy, YEAR, workers=workers)
        review_s = time.perf_counter() - t
        cpu_s, cpu_parent_s = _cpu_tree() - c, _cpu() - c_self
    return {"review_s": review_s, "cpu_s": cpu_s, "cpu_parent_s": cpu_parent_s, "run_id": result.run_id, "staff": result.staff_count,
            "decisions": result.decision_count, "peak_rss_mib": mem.peak / 2**20, "peak_rss_sum_mib": mem.peak_rss / 2**20,
            "db_bytes": db_size(db) - before}


def phase_check(url: str, policy_id: str, run_id: int) -> dict:
    """The reference evaluator and durable_rules alone on the same facts; then every decision."""
    from bench.differential import _nodes
    from engine import durable_seam
    from engine.compile import compile_policy
    from engine.derive import all_facts
    from engine.judge import grant_facts
    from engine.reference import judge_reference
    from engine.review import earlier_grants, render_rows
    from engine.rulebook import load_rulebook
    from engine.tables import DecisionRow
    from facts.stream import chunks
    from sqlmodel import Session, select

    db = engine_for(url)
    policy = load_rulebook().policy(policy_id)
    compiled = compile_policy(policy, YEAR)
    durable_seam.ensure_ruleset(compiled.name, compiled.build)
    with Session(db) as s:
        grants = earlier_grants(s, policy_id, YEAR)
    baseline = durable = render = 0.0
    cpu = {"baseline_python": 0.0, "durable_only": 0.0, "render": 0.0}
    bad: list[str] = []
    checked = 0
    load = 0.0
    stream = chunks(db, YEAR)
    staff_seen, next_say = 0, 50000
    while True:
        if staff_seen >= next_say:
            _say(f"check: {staff_seen} staff, {checked} decisions so far")
            next_say += 50000
        t, c = time.perf_counter(), time.process_time()
        chunk = next(stream, None)
        if chunk is None:
            cpu["baseline_python"] += time.process_time() - c
            break
        year = chunk.year([])
        t0 = time.perf_counter()
        load += t0 - t
        refs = {sf.staff_id: judge_reference(policy, YEAR, sf, year, grants.get(sf.staff_id, []), year.participants)
                for sf in year}
        t1 = time.perf_counter()
        baseline += t1 - t0
        cpu["baseline_python"] += time.process_time() - c
        staff_seen += len(refs)
        for sf in year:
            facts = all_facts(policy, compiled.values, sf, year)
            facts += grant_facts(facts, grants.get(sf.staff_id, []), YEAR)
            dicts = [f.durable(compiled.types[f.type]) for f in facts if f.type in compiled.read_types]
            t2, c2 = time.perf_counter(), time.process_time()
            compiled.firings.reset()
            durable_seam.judge(compiled.name, sf.staff_id, dicts, compiled.stages)
            durable += time.perf_counter() - t2
            cpu["durable_only"] += time.process_time() - c2
        t3, c3 = time.perf_counter(), time.process_time()
        with Session(db) as s:
            rows = s.exec(select(DecisionRow).where(DecisionRow.run_id == run_id,
                                                    DecisionRow.staff_id.in_(list(refs)))).all()
        decisions = render_rows(db, rows)
        render += time.perf_counter() - t3
        cpu["render"] += time.process_time() - c3
        for d in decisions:
            r = refs[d.staff_id][d.certification]
            checked += 1
            if d.outcome != r.outcome:
                bad.append(f"{d.staff_id} {d.certification}: outcome engine {d.outcome}, reference {r.outcome}")
            shown: dict[str, bool] = {}
            for child in d.explanation.conditions:
                _nodes(child, shown)
            for node_id, met in shown.items():
                if node_id in r.met and met != (r.met[node_id] is True):
                    bad.append(f"{d.staff_id} {d.certification}: {node_id} engine {met}, reference {r.met[node_id]}")
    return {"baseline_python_s": baseline + load, "durable_only_s": durable, "render_s": render, "cpu_s": cpu,
            "checked": checked, "disagreements": bad[:20], "disagreement_count": len(bad)}


def _child(phase: str, *args: str) -> dict:
    """A phase in a subprocess of its own; adds `process_cpu_s`, the CPU seconds of that whole
    subprocess and its descendants (getrusage of the waited-for children)."""
    before = _cpu(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, __file__, "--phase", phase, *args], stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:  # its stderr (progress, the error) went to ours
        raise SystemExit(f"bench phase {phase} failed")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_cpu_s"] = _cpu(resource.RUSAGE_CHILDREN) - before
    return result


def population_options(ap: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options that name a generated population and how to judge it (bench/impact.py too)."""
    ap.add_argument("--policy", default="moka")
    ap.add_argument("--staff", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", default="/tmp/nintei-bench")
    return ap


def main() -> None:
    ap = population_options(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    ap.add_argument("--db", default=None)
    ap.add_argument("--phase", choices=["review", "check"], help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    ap.add_argument("--run", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase == "review":
        print(json.dumps(phase_review(a.url, a.policy, a.workers)))
        return
    if a.phase == "check":
        print(json.dumps(phase_check(a.url, a.policy, a.run)))
        return

    from bench.generate import generate
    from engine.rulebook import load_rulebook
    from facts.db import init_db
    from facts.importer import import_paths

    work = Path(a.work)
    facts = work / f"{a.policy}-{a.staff}-seed{a.seed}"
    cpu: dict[str, float] = {}
    loads: dict[str, list[float]] = {}
    if not (facts / ".done").exists():
        _say(f"generating {facts}")
        loads["generate"], c = [_load()], _cpu()
        generate(a.policy, a.staff, a.seed, facts)
        (facts / ".done").write_text("ok")
        cpu["generate"] = _cpu() - c
        loads["generate"].append(_load())
    tag = uuid.uuid4().hex[:8]
    if a.db and a.db.startswith("postgresql"):
        url, backend = f"{a.db}#schema=bench_{tag}", "postgresql"
    else:
        url, backend = a.db or f"sqlite:///{work}/bench-{a.policy}-{a.staff}-{tag}.db", "sqlite"
    db = engine_for(url)
    init_db(db)
    _say(f"importing into {url}")
    loads["import"], c = [_load()], _cpu()
    t = time.perf_counter()
    import_paths(db, [facts], catalogues=load_rulebook().catalogues())
    import_s = time.perf_counter() - t
    cpu["import"] = _cpu() - c
    loads["import"].append(_load())
    db.dispose()
    from sqlalchemy import text
    with db.connect() as conn:
        fact_rows = conn.execute(text("select count(*) from fact_row")).scalar()
    _say(f"imported {fact_rows} fact rows in {import_s:.1f} s; reviewing")
    loads["review"] = [_load()]
    review = _child("review", "--url", url, "--policy", a.policy,
                    *(["--workers", str(a.workers)] if a.workers else []))
    loads["review"].append(_load())
    _say(f"reviewed {review['staff']} staff in {review['review_s']:.1f} s; checking against the reference")
    loads["check"] = [_load()]
    check = _child("check", "--url", url, "--policy", a.policy, "--run", str(review["run_id"]))
    loads["check"].append(_load())
    _say("checked")
    cpu.update({"review": review["cpu_s"], "review_parent": review["cpu_parent_s"],
                "review_process": review["process_cpu_s"], **check["cpu_s"],
                "check_process": check["process_cpu_s"]})
    line = {
        "policy": a.policy, "backend": backend, "workers": a.workers or "all cores", "staff": review["staff"],
        "decisions": review["decisions"], "fact_rows": fact_rows, "import_s": round(import_s, 2),
        "review_s": round(review["review_s"], 2), "staff_per_s": round(review["staff"] / review["review_s"]),
        "peak_rss_mib": round(review["peak_rss_mib"]), "peak_rss_sum_mib": round(review["peak_rss_sum_mib"]),
        "db_bytes_per_decision": round(review["db_bytes"] / max(1, review["decisions"])),
        "baseline_python_s": round(check["baseline_python_s"], 2), "durable_only_s": round(check["durable_only_s"], 2),
        "review_over_baseline": round(review["review_s"] / max(1e-9, check["baseline_python_s"]), 2),
        "render_s": round(check["render_s"], 2), "agree": check["disagreement_count"] == 0
        and check["checked"] == review["decisions"],
        "cpu_s": {k: round(v, 2) for k, v in cpu.items()}, "load_avg": loads,
    }
    print(json.dumps(line, ensure_ascii=False))
    if not line["agree"]:
        print(f"checked {check['checked']} of {review['decisions']} decisions; "
              f"{check['disagreement_count']} disagreements:", file=sys.stderr)
        for d in check["disagreements"]:
            print("  " + d, file=sys.stderr)
        sys.exit(1)
    if backend == "sqlite" and not a.db:
        os.remove(url.removeprefix("sqlite:///"))
    elif backend == "postgresql":
        from sqlalchemy import create_engine, text
        pg = create_engine(a.db)
        with pg.begin() as conn:
            conn.execute(text(f'drop schema "bench_{tag}" cascade'))
        pg.dispose()


if __name__ == "__main__":
    main()
