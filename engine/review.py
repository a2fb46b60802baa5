"""The annual review: judge every staff member on the year's roster, explain, store.

Staff stream through durable_rules one at a time (one state each, deleted before the next);
decisions are written in one transaction with the run, so a failed review leaves no half set.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import func, insert, update
from sqlmodel import Session, select

from facts.db import advisory_key, init_db
from facts.records import Certification, Source
from facts.store import load_year

from . import durable_seam
from .compile import compile_policy
from .derive import Fact, all_facts
from .errors import ReviewError
from .explain import Explainer
from .model import Decision, ReviewResult
from .rulebook import load_rulebook
from .tables import DecisionRow, ReviewRun

BATCH = 1000


def earlier_grants(session: Session, policy_id: str, fiscal_year: int) -> dict[str, list[Certification]]:
    """Certifications granted by the standing reviews of earlier fiscal years, as history records."""
    rows = session.exec(
        select(DecisionRow).join(ReviewRun, DecisionRow.run_id == ReviewRun.id)
        .where(DecisionRow.policy == policy_id, DecisionRow.fiscal_year < fiscal_year,
               DecisionRow.outcome == "certified", ReviewRun.current == True)  # noqa: E712
    ).all()
    out: dict[str, list[Certification]] = {}
    for r in rows:
        rec = Certification(staff_id=r.staff_id, policy=r.policy, certification=r.certification,
                            fiscal_year=r.fiscal_year, source=f"review run {r.run_id}",
                            provenance=Source(file=f"review-run-{r.run_id}", row=r.id))
        out.setdefault(r.staff_id, []).append(rec)
    return out


def run_review(db, policy_id: str, fiscal_year: int, rules_dir=None,
               progress: Callable[[int, int], None] | None = None) -> ReviewResult:
    rulebook = load_rulebook(rules_dir)
    policy = rulebook.policy(policy_id)
    init_db(db)
    year = load_year(db, fiscal_year)
    if not year.roster:
        raise ReviewError(f"no staff on the roster of fiscal year {fiscal_year}: import the 職員名簿 first")
    compiled = compile_policy(policy, fiscal_year)
    durable_seam.ensure_ruleset(compiled.name, compiled.build)
    types = policy.fact_types()
    decisions: list[Decision] = []
    with Session(db) as session:
        grants = earlier_grants(session, policy.id, fiscal_year)
    total = len(year.roster)
    for i, staff in enumerate(year.roster, 1):
        sf = year.staff(staff.staff_id)
        facts = all_facts(policy, compiled.values, sf, year)
        for rec in grants.get(staff.staff_id, []):
            if rec.fiscal_year < fiscal_year and not any(f.type == "certification" and f.fields.get("certification")
                                                         == rec.certification for f in facts):
                facts.append(Fact("certification", f"certification/review/{rec.certification}",
                                  {**rec.fields(), "fiscal_year": rec.fiscal_year}, rec))
        compiled.firings.reset()
        durable_seam.judge(compiled.name, staff.staff_id, [f.durable(types[f.type]) for f in facts],
                           compiled.stages)
        explainer = Explainer(compiled, facts, compiled.firings)
        decisions.extend(explainer.decision(c, staff) for c in policy.certifications)
        if progress:
            progress(i, total)
    version = rulebook.version(policy_id)
    run_id = _store(db, policy_id, fiscal_year, version, policy.content, compiled.values, total, decisions)
    return ReviewResult(policy=policy_id, fiscal_year=fiscal_year, rules_version=version,
                        run_id=run_id, decisions=decisions)


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


def _store(db, policy_id, fiscal_year, version, content, values, staff_count, decisions) -> int:
    with Session(db) as session, session.begin():
        _lock_year(session, policy_id, fiscal_year)
        run = ReviewRun(policy=policy_id, fiscal_year=fiscal_year, rules_version=version, rules_content=content,
                        parameters=json.dumps(values, ensure_ascii=False, default=list),
                        staff_count=staff_count, decision_count=len(decisions))
        session.add(run)
        session.flush()
        for start in range(0, len(decisions), BATCH):  # plain inserts in batches: no ORM object per row
            session.execute(insert(DecisionRow), [
                {"run_id": run.id, "policy": d.policy, "fiscal_year": d.fiscal_year, "staff_id": d.staff_id,
                 "certification": d.certification, "outcome": d.outcome, "decision": d.model_dump_json()}
                for d in decisions[start:start + BATCH]])
        session.execute(update(ReviewRun).where(ReviewRun.policy == policy_id, ReviewRun.fiscal_year == fiscal_year,
                                                ReviewRun.id != run.id).values(current=False, status="superseded"))
        run.current, run.status, run.finished_at = True, "complete", datetime.now(timezone.utc)
        return run.id


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
            raise ReviewError(f"方針 {policy_id} の {fiscal_year}年度の審査結果がありません: 先に "
                              f"`nintei review --policy {policy_id} --fiscal-year {fiscal_year}` を実行してください")
        what = f"職員 {staff_id}" + (f" の認定区分 {certification}" if certification else "")
        raise ReviewError(f"{what} の判定は、方針 {policy_id} の {fiscal_year}年度の審査にありません"
                          f"（{fiscal_year}年度の職員名簿にいない職員か、方針にない認定区分です）")
    return [Decision.model_validate_json(r.decision) for r in rows]


def current_run(db, policy_id: str, fiscal_year: int) -> ReviewRun | None:
    """The review run whose decisions stand for that policy and year (None: never reviewed):
    `explain --format json` cites its rules_version and id."""
    init_db(db)
    with Session(db) as session:
        return session.exec(select(ReviewRun).where(
            ReviewRun.current == True, ReviewRun.policy == policy_id,  # noqa: E712
            ReviewRun.fiscal_year == fiscal_year).order_by(ReviewRun.id.desc())).first()
