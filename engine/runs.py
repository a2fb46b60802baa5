"""Review runs in the ledger: what a run's entry attests, which code judged it, and runs that
were killed (found and recorded as ``failed``).

A run's ledger entry (``facts.ledger``, kind ``run``) is appended when the run ends, complete or
failed; its body is :func:`run_body`: the run's own columns (rules, parameters, code, who, when,
the facts it saw) and the head of its judgements' chain. ``audit verify`` rebuilds the same body
from the tables and compares.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from facts import ledger
from facts.ledger import iso
from facts.db import advisory_key

from .tables import ReviewRun

HOST = socket.gethostname()


def local_iso(value: datetime) -> str:
    """A stored time in Japan's time, to the second, with its offset: 2026-12-01T16:21:22+09:00."""
    from zoneinfo import ZoneInfo

    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo("Asia/Tokyo")).isoformat(timespec="seconds")


@lru_cache(maxsize=1)
def code_version() -> str:
    """``nintei 0.1.0+<sha256 of the engine's and facts' source, 12 digits>``: which code judged."""
    try:
        version = metadata.version("nintei")
    except metadata.PackageNotFoundError:
        version = "0"
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for package in ("engine", "facts"):
        for path in sorted((root / package).rglob("*.py")):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return f"nintei {version}+{h.hexdigest()[:12]}"


def run_body(run: ReviewRun, decisions: dict[str, Any]) -> dict[str, Any]:
    """What a run's ledger entry attests. ``decisions``: {"count": staff judged, "head": hash}."""
    return {
        "run": run.id, "policy": run.policy, "fiscal_year": run.fiscal_year, "status": run.status,
        "rules_version": run.rules_version,
        "rules_sha256": hashlib.sha256(run.rules_content.encode("utf-8")).hexdigest(),
        "parameters": json.loads(run.parameters), "code": run.nintei_version, "by": run.ran_by,
        "started_at": iso(run.started_at), "finished_at": iso(run.finished_at),
        "staff_count": run.staff_count, "decision_count": run.decision_count,
        "facts": {"upto": run.facts_upto, "entry": run.facts_entry, "hash": run.facts_hash},
        "decisions": decisions,
    }


def _run_key(conn, run_id: int) -> int:
    """The run's advisory lock key: database-wide on PostgreSQL, so the schema is part of it."""
    schema = conn.execute(sa_select(func.current_schema())).scalar()
    return advisory_key("run", schema, run_id)


def hold(db, run_id: int):
    """On PostgreSQL, a connection holding the run's session lock while the review runs: a run
    whose lock anybody can take is no longer running (killed, or its machine gone). None elsewhere."""
    if db.dialect.name != "postgresql":
        return None
    conn = db.connect()
    key = _run_key(conn, run_id)
    conn.execute(sa_select(func.pg_try_advisory_lock(key)))
    conn.commit()
    conn.info["nintei_run_key"] = key
    return conn


def release(conn) -> None:
    """Let go of the run's lock (a pooled connection outlives close(): unlock explicitly)."""
    if conn is None:
        return
    try:
        conn.execute(sa_select(func.pg_advisory_unlock(conn.info.pop("nintei_run_key"))))
        conn.commit()
        conn.close()
    except Exception:  # the connection is gone: so is its session lock
        conn.invalidate()


def _alive(db, run: ReviewRun) -> bool:
    if db.dialect.name == "postgresql":
        with db.connect() as conn:
            key = _run_key(conn, run.id)
            if conn.execute(sa_select(func.pg_try_advisory_lock(key))).scalar():
                conn.execute(sa_select(func.pg_advisory_unlock(key)))
                return False
            return True
    if run.host != HOST or not run.pid:
        return True  # another machine's (SQLite over a network share): cannot tell
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap(db) -> list[int]:
    """Runs left ``running`` by a review that no longer runs (killed, or the machine stopped):
    recorded as ``failed`` in the table and the ledger. Their ids."""
    with Session(db) as session:
        running = session.exec(select(ReviewRun).where(ReviewRun.status == "running")).all()
    dead = [r.id for r in running if not _alive(db, r)]
    for run_id in dead:
        from .review import chain_of  # the review's chain helpers

        with Session(db) as session, session.begin():
            conn = session.connection()
            ledger.lock(conn)
            run = session.get(ReviewRun, run_id, with_for_update=conn.dialect.name == "postgresql")
            if run is None or run.status != "running":
                continue
            run.status, run.finished_at = "failed", datetime.now(timezone.utc)
            session.flush()
            ledger.append(conn, "run", run.id, run_body(run, chain_of(conn, run.id)),
                          by=f"nintei（中断の検出: {ledger.login()}）")
    return dead
