"""The annual review: load -> judge -> store, in chunks of staff, on every core.

The year's facts stream out of the database in chunks (facts/stream.py); worker processes judge
them (engine/pipeline.py: engine/judge.py per staff member, one durable_rules state at a time) and
hand back compact judgements (engine/stored.py), which are written in batches as they come. The
run is recorded first as ``running`` and not current; only when every staff member is stored does
one transaction make it current (superseding the year's earlier run). A review that fails leaves a
``failed`` run; a killed one leaves a ``running`` one; neither is ever read as the year's decisions.
"""
from __future__ import annotations

import gc
import json
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import func, update
from sqlmodel import Session, select

from facts import ledger
from facts.db import advisory_key, bulk_insert, init_db
from facts.records import Certification, Source
from facts.stream import load_rows, year_index

from . import people, pipeline, runs, stored
from .compile import compile_policy
from .errors import ReviewError
from .model import Decision, ReviewResult
from .rulebook import load_rulebook, policy_from_content
from .tables import DecisionRow, JudgementRow, ReviewRun

CHUNK = 500  # staff per chunk handed to a worker


def earlier_grants(session: Session, policy_id: str, fiscal_year: int) -> dict[str, list[Certification]]:
    """Certifications granted by the standing reviews of earlier fiscal years (overrides applied,
    revocations in force removed), as history records (engine/people.py)."""
    return people.earlier_grants(session, policy_id, fiscal_year)[0]


def run_review(db, policy_id: str, fiscal_year: int, rules_dir=None,
               progress: Callable[[int, int], None] | None = None, workers: int | None = None,
               chunk_size: int = CHUNK, before_replace: Callable[[Any], None] | None = None) -> "ReviewResult":
    """Load -> judge -> store, chunk by chunk; returns the run (its decisions are rendered from the
    store when asked for). See engine/pipeline.py for the workers. ``before_replace`` is told what
    the new run changes (engine.diff.RunDiff) before it supersedes the year's current run."""
    rulebook = load_rulebook(rules_dir)
    policy = rulebook.policy(policy_id)
    init_db(db)
    runs.reap(db)
    with db.begin() as conn:
        mark = ledger.facts_mark(conn)  # the facts this run sees: none stored after this
    with _quiet_gc():
        index = year_index(db, fiscal_year, mark[0])
    staff_ids = index.roster
    if not staff_ids:
        raise ReviewError(f"{fiscal_year}年度の職員名簿に職員がいません: 先にその年度の職員名簿を取り込んでください",
                          en=f"no staff on the roster of fiscal year {fiscal_year}: import that year's staff roster first")
    compiled = compile_policy(policy, fiscal_year)
    with Session(db) as session:
        grants, revoked = people.earlier_grants(session, policy.id, fiscal_year)
    version = rulebook.version(policy_id)
    if workers is None:  # a bad $NINTEI_WORKERS is said before any run is recorded
        workers = pipeline.default_workers()
    run_id = _start_run(db, policy_id, fiscal_year, version, policy.content, compiled.values, mark)
    held = runs.hold(db, run_id)
    staff_count = decision_count = 0
    chain = Chain(run_id)
    try:
        with _frozen_gc():
            for judged in pipeline.judged(compiled, grants, db, index, chunk_size, workers, revoked):
                _store_batch(db, run_id, policy_id, fiscal_year, judged, chain)
                staff_count += len(judged)
                decision_count += sum(len(outcomes) for _, outcomes, _ in judged)
                if progress:
                    progress(staff_count, len(staff_ids))
        if before_replace is not None:
            _tell_replacement(db, policy_id, fiscal_year, run_id, before_replace)
        _finish(db, run_id, policy_id, fiscal_year, staff_count, decision_count, chain)
    except BaseException:
        _fail(db, run_id, chain)
        raise
    finally:
        runs.release(held)
    return ReviewResult(policy=policy_id, fiscal_year=fiscal_year, rules_version=version, run_id=run_id,
                        staff_count=staff_count, decision_count=decision_count, db=db)


@contextmanager
def _quiet_gc():
    """No cyclic garbage collection while the year's index is built: hundreds of thousands of
    objects that form no cycles, each collection of which would scan all the others again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def _frozen_gc():
    """While judging: what exists now (the year's index, the rules) is frozen out of garbage
    collection (it is not garbage; forked workers then do not copy its pages by scanning it), and
    young objects are collected less often (a chunk allocates and drops ~100k objects)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _tell_replacement(db, policy_id: str, fiscal_year: int, run_id: int, tell: Callable[[Any], None]) -> None:
    previous = current_run(db, policy_id, fiscal_year)
    if previous is not None:
        from .diff import diff_runs

        tell(diff_runs(db, previous.id, run_id))


class Chain:
    """A run's judgements as a chain (facts.ledger): each row's hash covers the row before."""

    def __init__(self, run_id: int) -> None:
        self.run_id, self.count, self.head = run_id, 0, ledger.chain_start("run", run_id)

    def link(self, staff_id: str, data: str) -> tuple[str, str]:
        prev, self.head = self.head, judgement_hash(self.head, self.run_id, staff_id, data)
        self.count += 1
        return prev, self.head

    def body(self) -> dict:
        return {"count": self.count, "head": self.head}


def judgement_hash(prev: str, run_id: int, staff_id: str, data: str) -> str:
    return ledger.row_hash(prev, str(run_id), staff_id, data)


def chain_of(conn, run_id: int) -> dict:
    """The chain as stored (a run that stopped half-way): its length and last hash."""
    count = conn.execute(select(func.count()).select_from(JudgementRow).where(JudgementRow.run_id == run_id)).scalar()
    head = conn.execute(select(JudgementRow.hash).where(JudgementRow.run_id == run_id)
                        .order_by(JudgementRow.id.desc()).limit(1)).scalar()
    return {"count": count or 0, "head": head or ledger.chain_start("run", run_id)}


def _start_run(db, policy_id, fiscal_year, version, content, values, mark) -> int:
    """The run, recorded before any decision: ``running``, not current (nobody reads its decisions
    until _finish makes it current in one transaction), with the facts it sees (``mark``:
    facts.ledger.facts_mark), who runs it, with which code, and where."""
    upto, entry, facts_hash = mark
    with Session(db) as session, session.begin():
        run = ReviewRun(policy=policy_id, fiscal_year=fiscal_year, rules_version=version, rules_content=content,
                        parameters=json.dumps(values, ensure_ascii=False, default=list), status="running",
                        ran_by=ledger.login(), nintei_version=runs.code_version(), facts_upto=upto,
                        facts_entry=entry, facts_hash=facts_hash, host=runs.HOST, pid=os.getpid())
        session.add(run)
        session.flush()
        return run.id


def _store_batch(db, run_id: int, policy_id: str, fiscal_year: int, judged, chain: Chain) -> None:
    with db.begin() as conn:
        bulk_insert(conn, JudgementRow.__table__, ("run_id", "staff_id", "data", "prev", "hash"),
                    [(run_id, staff_id, data, *chain.link(staff_id, data)) for staff_id, _, data in judged])
        bulk_insert(conn, DecisionRow.__table__,
                    ("run_id", "policy", "fiscal_year", "staff_id", "certification", "outcome", "decision"),
                    [(run_id, policy_id, fiscal_year, staff_id, cert, outcome, "")
                     for staff_id, outcomes, _ in judged for cert, outcome in outcomes.items()])


def _finish(db, run_id: int, policy_id: str, fiscal_year: int, staff_count: int, decision_count: int,
            chain: Chain) -> None:
    """In one transaction: supersede the year's current run, make this one current, and append
    its entry to the ledger."""
    with Session(db) as session, session.begin():
        _lock_year(session, policy_id, fiscal_year)
        session.execute(update(ReviewRun).where(ReviewRun.policy == policy_id, ReviewRun.fiscal_year == fiscal_year,
                                                ReviewRun.id != run_id, ReviewRun.current == True)  # noqa: E712
                        .values(current=False, status="superseded"))
        session.execute(update(ReviewRun).where(ReviewRun.id == run_id).values(
            current=True, status="complete", finished_at=datetime.now(timezone.utc), staff_count=staff_count,
            decision_count=decision_count))
        _enter(session, run_id, chain.body())


def _enter(session: Session, run_id: int, decisions: dict) -> None:
    session.flush()
    run = session.get(ReviewRun, run_id, populate_existing=True)
    ledger.append(session.connection(), "run", run_id, runs.run_body(run, decisions), by=run.ran_by)


def _fail(db, run_id: int, chain: Chain) -> None:
    """A review that stops leaves its run behind as ``failed`` (never current), in the ledger too."""
    try:
        with Session(db) as session, session.begin():
            session.execute(update(ReviewRun).where(ReviewRun.id == run_id).values(
                status="failed", finished_at=datetime.now(timezone.utc)))
            _enter(session, run_id, chain_of(session.connection(), run_id))
    except Exception:  # the database itself failed: the run stays "running" (runs.reap finds it later)
        pass


def _lock_year(session: Session, policy_id: str, fiscal_year: int) -> None:
    """Hold (policy, fiscal year) until the session's transaction ends: two reviews of one year
    store one after the other, and the second supersedes the first (else both would end current,
    or one fail on the index uq_review_run_current). PostgreSQL: a transaction-scoped advisory lock
    (under READ COMMITTED, statements after it see the run the other review committed); SQLite:
    the database's write lock, taken up front with BEGIN IMMEDIATE."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(advisory_key("review_run", policy_id, fiscal_year))))
    elif conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def stored_decisions(db, policy_id: str, fiscal_year: int, staff_id: str | None = None,
                     certification: str | None = None) -> list[Decision]:
    init_db(db)
    with Session(db) as session:
        q = select(DecisionRow).join(ReviewRun, DecisionRow.run_id == ReviewRun.id).where(
            ReviewRun.current == True, DecisionRow.policy == policy_id,  # noqa: E712
            DecisionRow.fiscal_year == fiscal_year)
        if staff_id:
            q = q.where(DecisionRow.staff_id == staff_id)
        if certification:
            q = q.where(DecisionRow.certification == certification)
        rows = session.exec(q.order_by(DecisionRow.id)).all()
    if not rows:
        with Session(db) as session:
            reviewed = session.exec(select(ReviewRun.id).where(
                ReviewRun.current == True, ReviewRun.policy == policy_id,  # noqa: E712
                ReviewRun.fiscal_year == fiscal_year)).first() is not None
        if not reviewed:
            command = f"nintei review --policy {policy_id} --fiscal-year {fiscal_year}"
            raise ReviewError(f"方針 {policy_id} の {fiscal_year}年度の審査結果がありません: 先に `{command}` を実行してください",
                              en=f"no review of policy {policy_id} for FY{fiscal_year} is stored: run `{command}` first")
        what = f"職員 {staff_id}" + (f" の認定区分 {certification}" if certification else "")
        what_en = f"staff {staff_id}" + (f", certification {certification}" if certification else "")
        raise ReviewError(f"{what} の判定は、方針 {policy_id} の {fiscal_year}年度の審査にありません"
                          f"（{fiscal_year}年度の職員名簿にいない職員か、方針にない認定区分です）",
                          en=f"{what_en}: no decision in the FY{fiscal_year} review of policy {policy_id} (not on that "
                             "year's roster, or not a certification of the policy)")
    return render_rows(db, rows)


def render_rows(db, rows: list[DecisionRow]) -> list[Decision]:
    """Stored decision rows as decisions with their explanations: rendered from the stored
    judgement (engine/stored.py), or read as stored by a review before compact storage."""
    out: dict[int, Decision] = {}
    compact = [r for r in rows if not r.decision]
    for r in rows:
        if r.decision:
            out[r.id] = Decision.model_validate_json(r.decision)
    by_run: dict[int, list[DecisionRow]] = {}
    for r in compact:
        by_run.setdefault(r.run_id, []).append(r)
    for run_id, same in by_run.items():
        with Session(db) as session:
            run = session.get(ReviewRun, run_id)
            docs = {j.staff_id: stored.load(j.data) for j in session.exec(select(JudgementRow).where(
                JudgementRow.run_id == run_id, JudgementRow.staff_id.in_({r.staff_id for r in same})))}
        compiled = compiled_for_run(run)
        records = load_rows(db, {rid for doc in docs.values() for rid in stored.row_ids(doc)})
        corrected = people.corrections_of(db, records)
        rendered: dict[str, dict[str, Decision]] = {}
        for staff_id, doc in docs.items():
            notes = [corrected[rid] for rid in dict.fromkeys(stored.row_ids(doc)) if rid in corrected]
            rendered[staff_id] = {d.certification: d.model_copy(update={"corrections": notes}) if notes else d
                                  for d in stored.render(doc, records, compiled)}
        for r in same:
            out[r.id] = rendered[r.staff_id][r.certification]
    return _with_people(db, [out[r.id] for r in rows])


def _with_people(db, decisions: list[Decision]) -> list[Decision]:
    """Each decision with the reviewer's latest override of it and the revocation that ended it."""
    if not decisions:
        return decisions
    staff = {d.staff_id for d in decisions}
    by_policy: dict[str, tuple] = {}
    with Session(db) as session:
        for policy in {d.policy for d in decisions}:
            by_policy[policy] = people.actions_for(session, policy, staff)
    out = []
    for d in decisions:
        overrides, revocations = by_policy[d.policy]
        o = [x for x in overrides if (x.staff_id, x.fiscal_year, x.certification) == (d.staff_id, d.fiscal_year,
                                                                                     d.certification)]
        granted = d.outcome in ("certified", "held") or (o and o[-1].outcome == "certified")
        r = [x for x in revocations if (x.staff_id, x.certification) == (d.staff_id, d.certification)
             and x.fiscal_year >= d.fiscal_year] if granted else []
        if o or r:
            d = d.model_copy(update={
                "override": {"outcome": o[-1].outcome, "reason": o[-1].reason, "by": o[-1].by,
                             "at": runs.local_iso(o[-1].at)} if o else None,
                "revoked": {"reason": r[0].reason, "by": r[0].by, "date": r[0].date.isoformat()} if r else None})
        out.append(d)
    return out


def iter_run_decisions(db, run_id: int, batch: int = 500):
    """Every decision of a run, in the order stored (the roster's), rendered batch by batch."""
    last = 0
    while True:
        with Session(db) as session:
            rows = session.exec(select(DecisionRow).where(DecisionRow.run_id == run_id, DecisionRow.id > last)
                                .order_by(DecisionRow.id).limit(batch)).all()
        if not rows:
            return
        yield from render_rows(db, rows)
        last = rows[-1].id


def compiled_for_run(run: ReviewRun):
    """The run's rule file as it was judged (its stored content), compiled for its year."""
    rulebook = load_rulebook()
    policy = rulebook.policies.get(run.policy)
    if policy is None or rulebook.version(run.policy) != run.rules_version:
        policy = policy_from_content(run.policy, run.rules_content)
    return compile_policy(policy, run.fiscal_year)


def current_run(db, policy_id: str, fiscal_year: int) -> ReviewRun | None:
    """The review run whose decisions stand for that policy and year (None: never reviewed):
    `explain --format json` cites its rules_version and id."""
    init_db(db)
    with Session(db) as session:
        return session.exec(select(ReviewRun).where(
            ReviewRun.current == True, ReviewRun.policy == policy_id,  # noqa: E712
            ReviewRun.fiscal_year == fiscal_year).order_by(ReviewRun.id.desc())).first()
