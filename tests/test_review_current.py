"""One current run per policy and fiscal year, always (issue: two overlapping reviews of the same
year both ended ``current`` on PostgreSQL, every decision doubled).

- two reviews of one year storing at the same time end with one current run and one set of
  decisions (engine.review._finish, the transaction that makes a run current, locks the year);
- the schema itself refuses a second current run (a partial unique index on review_run);
- init_db repairs a database that the bug already doubled and then adds the index.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
import threading
import time

import pytest
from sqlalchemy import event, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, create_engine, select

import engine.review as review
from engine.review import run_review, stored_decisions
from engine.tables import CURRENT_RUN_INDEX, DecisionRow, ReviewRun
from facts.db import get_engine, init_db
from facts.importer import import_paths

SAMPLES = Path(__file__).resolve().parent.parent / "facts" / "samples" / "moka"
WAIT = 15.0  # seconds: a safety net against a hang, never the synchronisation itself


def _twin(db):
    """Another engine on the same database (and schema): connections of its own."""
    url = db.url.render_as_string(hide_password=False)
    if db.dialect.name == "sqlite":
        return get_engine(url)
    with db.connect() as conn:
        schema = conn.execute(text("select current_schema()")).scalar_one()
    return create_engine(url, connect_args={"options": f"-c search_path={schema}"})


def _wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.005)


class _Reviewer:
    """One review in a thread of its own, on an engine of its own, with hooks on its storing
    transaction: ``storing`` once its first statement is issued, ``superseded`` once it has run
    its UPDATE of the year's runs; before its COMMIT it waits until the other reviewer is storing
    too (past its UPDATE, or blocked on a lock) or done."""

    def __init__(self, engine, monitor):
        self.engine, self.monitor = engine, monitor
        self.other: _Reviewer | None = None
        self.pids: set[int] = set()
        self.in_store = self.storing = self.superseded = self.judging = False
        self.overlapped = False  # the other was mid-store when this one committed
        self.done = threading.Event()
        self.result = self.error = None
        event.listen(engine, "connect", self._connect)
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "commit", self._commit)

    def _connect(self, dbapi_conn, _record):
        if self.engine.dialect.name == "postgresql":
            self.pids.add(dbapi_conn.info.backend_pid)

    def _before(self, conn, cursor, statement, *args):
        # storing: in the finishing transaction, or (SQLite) writing at all once judging: a review
        # writes its run and decisions as it goes, and on SQLite that first write already waits
        # in the busy handler for the other's finishing transaction
        if self.in_store or (self.judging and self.engine.dialect.name == "sqlite"
                             and statement.lstrip().upper().startswith(("INSERT", "UPDATE"))):
            self.storing = True

    def _after(self, conn, cursor, statement, *args):
        if self.in_store and statement.lstrip().upper().startswith("UPDATE REVIEW_RUN"):
            self.superseded = True

    def blocked(self) -> bool:
        """Waiting on a lock held by the other's storing transaction."""
        if self.engine.dialect.name != "postgresql":
            return self.storing  # SQLite: its first write waits in the busy handler
        with self.monitor.connect() as conn:  # a fresh transaction: a fresh pg_stat_activity
            return bool(conn.execute(text(
                "select count(*) from pg_stat_activity where pid = any(:pids) and wait_event_type = 'Lock'"),
                {"pids": list(self.pids)}).scalar_one())

    def _commit(self, conn):
        if not self.in_store:
            return
        other = self.other
        _wait_until(lambda: other.done.is_set() or other.superseded or other.blocked(),
                    "the other review stores too")
        self.overlapped = other.storing and not other.done.is_set()

    def run(self, judging: threading.Lock, local: threading.local) -> None:
        local.reviewer = self
        judging.acquire()
        self.judging = True
        try:
            self.result = run_review(self.engine, "moka", 2025)
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            if not self.in_store:
                judging.release()
            self.done.set()


def test_two_reviews_of_one_year_storing_at_once_leave_one_current_run(db, monkeypatch):
    import_paths(db, [SAMPLES])
    # durable_rules holds one live state per process: the two judge (and write their decisions)
    # one after the other (the first releases `judging` as it starts the transaction that makes
    # its run current), and then finish at the same time.
    judging, local = threading.Lock(), threading.local()
    real_store = review._finish

    def store(*args, **kwargs):
        local.reviewer.in_store = True
        judging.release()
        return real_store(*args, **kwargs)

    monkeypatch.setattr(review, "_finish", store)
    monitor = _twin(db)
    a, b = _Reviewer(_twin(db), monitor), _Reviewer(_twin(db), monitor)
    a.other, b.other = b, a
    threads = [threading.Thread(target=r.run, args=(judging, local)) for r in (a, b)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(4 * WAIT)
        assert not any(t.is_alive() for t in threads)
    finally:
        for e in (a.engine, b.engine, monitor):
            e.dispose()
    for r in (a, b):
        if r.error is not None:
            raise r.error
    assert a.overlapped or b.overlapped  # the two stores did overlap
    with Session(db) as s:
        runs = s.exec(select(ReviewRun).order_by(ReviewRun.finished_at)).all()
        current_rows = s.exec(select(DecisionRow).join(ReviewRun, DecisionRow.run_id == ReviewRun.id)
                              .where(ReviewRun.current == True)).all()  # noqa: E712
    assert [(r.status, r.current) for r in runs] == [("superseded", False), ("complete", True)]
    assert {a.result.run_id, b.result.run_id} == {r.id for r in runs}
    assert len(current_rows) == len(stored_decisions(db, "moka", 2025)) == 90


def _run(policy: str, year: int, current: bool, finished: datetime | None = None) -> ReviewRun:
    return ReviewRun(policy=policy, fiscal_year=year, rules_version="v", rules_content="", parameters="{}",
                     status="complete" if current else "superseded", current=current, finished_at=finished)


def test_the_schema_refuses_a_second_current_run(db):
    with Session(db) as s:
        s.add_all([_run("moka", 2025, True), _run("moka", 2025, False), _run("moka", 2025, False),
                   _run("moka", 2024, True), _run("goka", 2025, True)])
        s.commit()
    with Session(db) as s:
        s.add(_run("moka", 2025, True))
        with pytest.raises(IntegrityError):
            s.commit()


def test_init_db_repairs_a_year_with_two_current_runs(db, capsys):
    with db.begin() as conn:  # a database of before the index, doubled by the race
        conn.execute(text(f"drop index if exists {CURRENT_RUN_INDEX}"))
    t = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)
    with Session(db) as s:
        runs = [_run("moka", 2025, True, t), _run("moka", 2025, True, t + timedelta(seconds=1)),
                _run("moka", 2024, False, t), _run("moka", 2024, True, t)]
        s.add_all(runs)
        s.flush()
        for r in runs:
            s.add(DecisionRow(run_id=r.id, policy=r.policy, fiscal_year=r.fiscal_year, staff_id="11001",
                              certification="dx_advisor", outcome="certified", decision="{}"))
        s.commit()
        ids = [r.id for r in runs]
    capsys.readouterr()

    init_db(db)
    err = capsys.readouterr().err
    assert "moka" in err and "2025" in err and f"{ids[1]}" in err and f"{ids[0]}" in err, err
    with Session(db) as s:
        state = {r.id: (r.status, r.current) for r in s.exec(select(ReviewRun)).all()}
    assert state == {ids[0]: ("superseded", False), ids[1]: ("complete", True),
                     ids[2]: ("superseded", False), ids[3]: ("complete", True)}
    assert inspect(db).has_index("review_run", CURRENT_RUN_INDEX)

    init_db(db)  # idempotent, and quiet once repaired
    assert capsys.readouterr().err == ""
    with Session(db) as s:
        s.add(_run("moka", 2025, True))
        with pytest.raises(IntegrityError):
            s.commit()
