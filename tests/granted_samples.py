"""What the samples' reviews grant, worked out from tests/data/<policy>_samples_expected.csv (the
hand-written expectations, never the program's output), and the samples reviewed into a database
of their own per policy: shared by tests/test_certificates.py and tests/test_badges.py."""
from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ["moka", "goka", "oyama", "tarumizu", "kakamigahara"]


def expected_grants(policy: str) -> set[tuple[str, str]]:
    """(staff id, certification) of every decision the expectations call ``certified``: granted by
    the 2025 review itself (``held`` ones were granted earlier)."""
    path = ROOT / "tests" / "data" / f"{policy}_samples_expected.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return {(row["staff_id"], row["certification"]) for row in csv.DictReader(f) if row["outcome"] == "certified"}


def review_samples(policy: str, folder: Path) -> str:
    """A database URL holding the 2025 review of that policy's samples."""
    db = f"sqlite:///{folder / 'n.db'}"
    r = CliRunner().invoke(main, ["--db", db, "review", "--policy", policy, "--fiscal-year", "2025",
                                  "--facts", str(ROOT / "facts" / "samples" / policy), "--format", "json"])
    assert r.exit_code == 0, r.output
    return db


def label(policy: str, certification: str) -> str:
    from engine.rulebook import load_rulebook

    return load_rulebook().policy(policy).certification(certification).label.ja


def criterion(policy: str, certification: str) -> str:
    from engine.rulebook import load_rulebook

    return load_rulebook().policy(policy).certification(certification).criterion


def run_ledger_hash(db: str) -> tuple[int, str]:
    """The current run's id and its ledger entry's hash."""
    from sqlalchemy import text

    from facts.db import get_engine

    with get_engine(db).connect() as conn:
        return tuple(conn.execute(text(
            "select r.id, l.hash from review_run r join ledger_entry l on l.kind = 'run' and l.ref = r.id "
            "where r.current")).one())
