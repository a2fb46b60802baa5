"""Judging chunks of staff on every core.

``judged(compiled, grants, engine, index, size, workers)`` yields, chunk by chunk and in roster
order, the list of ``(staff_id, {certification: outcome}, stored judgement)`` of each chunk. With
more than one worker (and more than one chunk) the chunks go to forked worker processes, each with
its own durable_rules ruleset (a C engine that never releases the GIL: processes, not threads;
notes/durable-rules.md). A worker is handed a chunk's staff ids only: it reads that chunk's records
itself (connections of its own), inherits the year's index from the fork, and sends back the
compact judgements, which the parent writes as they come. The judge is the same function either
way (engine/judge.py).
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable, Iterator

from facts.stream import YearIndex, chunk, slices

from .compile import Compiled
from .errors import FactError, Problem, ReviewError
from .judge import judge
from . import stored

_STATE: dict[str, Any] = {}  # the compiled policy and the earlier grants, set before the fork


def default_workers() -> int:
    env = os.environ.get("NINTEI_WORKERS", "").strip()
    if env:
        if not env.isdigit() or int(env) < 1:
            raise ReviewError(f"NINTEI_WORKERS='{env}' は1以上の整数ではありません（判定に使うプロセス数）")
        return int(env)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _worker_start() -> None:
    """In a forked worker: connections of its own (the parent's pool is not shared across a fork;
    the engine keeps its configuration and event hooks)."""
    _STATE["engine"].dispose(close=False)


def judge_chunk(ids: list[str]) -> tuple[str, Any]:
    """One chunk of staff: read, judged, encoded: ("ok", judged) or ("bad", problems) or ("error",
    message). Errors come back as values: an exception raised in a worker would lose its fields on
    the way back."""
    compiled: Compiled = _STATE["compiled"]
    grants, revoked = _STATE["grants"], _STATE["revoked"]
    bad: list[Problem] = []
    year = chunk(_STATE["engine"], _STATE["index"], ids).year(bad)
    if bad:
        return "bad", bad
    out = []
    try:
        for staff_facts in year:
            ended = revoked.get(staff_facts.staff_id, {})
            j = judge(compiled, staff_facts, year, grants.get(staff_facts.staff_id, ()), frozenset(ended))
            out.append((staff_facts.staff_id, j.outcomes, stored.encode(j, year.row_id, sorted(ended.values()))))
    except ReviewError as e:
        return "error", str(e)
    return "ok", out


def _unwrap(result: tuple[str, Any], fiscal_year: int) -> list:
    kind, value = result
    if kind == "bad":
        raise FactError(value, summary=(
            f"登録済みの事実 {len(value)} 件に使えない値があるため、{fiscal_year}年度の審査を行えません。"
            "次の記録の元の行を確かめ、正しい値で登録し直してください。"))
    if kind == "error":
        raise ReviewError(value)
    return value


def judged(compiled: Compiled, grants: dict, engine, index: YearIndex, size: int,
           workers: int | None = None, revoked: dict | None = None,
           work: Callable[[list[str]], tuple[str, Any]] | None = None) -> Iterator[list]:
    """Each chunk's judged staff, in roster order. The workers read their chunks themselves (each
    with its own connections) and inherit the year's index: the parent only writes. ``work``: what
    a worker does with a chunk's ids (default ``judge_chunk``; ``rules impact`` judges and then
    compares in the worker, engine/impact/compare.py), returning what ``judge_chunk`` does."""
    work = work or judge_chunk
    _STATE.update(compiled=compiled, grants=grants, engine=engine, index=index, revoked=revoked or {})
    parts = slices(index, size)
    workers = default_workers() if workers is None else max(1, workers)
    memory = engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")
    if workers == 1 or len(parts) < 2 or memory or "fork" not in multiprocessing.get_all_start_methods():
        for ids in parts:
            yield _unwrap(work(ids), compiled.fiscal_year)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, initializer=_worker_start) as pool:
        # in order, as they finish; imap feeds the workers ahead of the writer (a few chunks each)
        for result in pool.imap(work, parts, chunksize=1):
            yield _unwrap(result, compiled.fiscal_year)
