"""People's decisions beside the engine's: overrides and revocations.

An override (a reviewer decides certified / not certified for one decision of a year's standing
review) never replaces the engine's decision: both are shown, and later reviews count the
reviewer's. A revocation ends a granted certification: reviews of the fiscal year of its date and
later no longer read it as held, whether the engine, an override or the imported history granted
it. Each is an entry of the ledger (facts.ledger), appended in the transaction that stores it.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from sqlmodel import Session, select

from facts import ledger
from facts.dates import fiscal_year_of, wareki_year
from facts.db import init_db
from facts.records import Certification, Source
from facts.tables import FactCorrection, FactRow

from .errors import ReviewError
from .rulebook import load_rulebook
from .runs import iso, local_iso
from .tables import DecisionRow, Override, ReviewRun, Revocation

OUTCOME_JA = {"certified": "認定", "not_certified": "非認定", "held": "認定済（保持）"}  # as engine.render words them


def override_body(o: Override) -> dict[str, Any]:
    return {"override": o.id, "staff_id": o.staff_id, "policy": o.policy, "fiscal_year": o.fiscal_year,
            "certification": o.certification, "outcome": o.outcome, "reason": o.reason, "by": o.by,
            "at": iso(o.at), "run": o.run_id, "engine_outcome": o.engine_outcome}


def revocation_body(r: Revocation) -> dict[str, Any]:
    return {"revocation": r.id, "staff_id": r.staff_id, "policy": r.policy, "certification": r.certification,
            "reason": r.reason, "by": r.by, "date": r.date.isoformat(), "fiscal_year": r.fiscal_year,
            "at": iso(r.at)}


def _label(policy, cert_id: str) -> str:
    try:
        return policy.certification(cert_id).label.ja
    except KeyError:
        known = [c.id for c in policy.certifications]
        raise ReviewError(f"方針 {policy.id} に認定区分 {cert_id} はありません（あるもの: {'、'.join(known)}）",
                          en=f"policy {policy.id} has no certification {cert_id} (it has: {', '.join(known)})") from None


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("--reason に理由を書いてください（台帳に残ります）",
                          en="write the reason in --reason (it is kept in the ledger)")
    return reason


def override(db, staff_id: str, policy_id: str, fiscal_year: int, certification: str, outcome: str,
             reason: str, by: str | None = None) -> tuple[Override, ledger.LedgerEntry]:
    policy = load_rulebook().policy(policy_id)
    label = _label(policy, certification)
    reason = _reason(reason)
    init_db(db)
    with Session(db) as session, session.begin():
        run = session.exec(select(ReviewRun).where(ReviewRun.policy == policy_id, ReviewRun.fiscal_year == fiscal_year,
                                                   ReviewRun.current == True)).first()  # noqa: E712
        if run is None:
            raise ReviewError(f"方針 {policy_id} の {fiscal_year}年度の審査がありません: 上書きは審査の判定の横に"
                              "記録します。先に審査を実行してください",
                              en=f"policy {policy_id} has no review of FY{fiscal_year}: an override is recorded "
                                 "beside a review's decision. Run the review first")
        decision = session.exec(select(DecisionRow).where(
            DecisionRow.run_id == run.id, DecisionRow.staff_id == staff_id,
            DecisionRow.certification == certification)).first()
        if decision is None:
            raise ReviewError(f"職員 {staff_id} の {label} の判定は {fiscal_year}年度の審査（run {run.id}）に"
                              "ありません（その年度の職員名簿にいるか確かめてください）",
                              en=f"the FY{fiscal_year} review (run {run.id}) has no {certification} decision for "
                                 f"staff {staff_id} (check that they are on that year's staff roster)")
        row = Override(staff_id=staff_id, policy=policy_id, fiscal_year=fiscal_year, certification=certification,
                       outcome=outcome, reason=reason, by=by or ledger.login(), run_id=run.id,
                       engine_outcome=decision.outcome)
        session.add(row)
        session.flush()
        entry = ledger.append(session.connection(), "override", row.id, override_body(row), by=row.by, at=row.at)
        session.expunge(row)
    return row, entry


def revoke(db, staff_id: str, policy_id: str, certification: str, reason: str, by: str | None = None,
           on: date | None = None) -> tuple[Revocation, ledger.LedgerEntry]:
    policy = load_rulebook().policy(policy_id)
    label = _label(policy, certification)
    reason = _reason(reason)
    on = on or date.today()
    init_db(db)
    with Session(db) as session, session.begin():
        granted = grants_of(session, policy_id, staff_id, fiscal_year_of(on) + 1)
        if not any(g.certification == certification for g in granted):
            raise ReviewError(f"職員 {staff_id} は {wareki_year(fiscal_year_of(on))}までに {label} を認定されていない"
                              "ため、取り消せません（審査の判定・上書き・取り込んだ認定履歴のどれにもありません）",
                              en=f"staff {staff_id} was not granted {certification} by FY{fiscal_year_of(on)}, so it "
                                 "cannot be revoked (no review's decision, override or imported certification "
                                 "history holds it)")
        latest = max(g.fiscal_year for g in granted if g.certification == certification)
        earlier = session.exec(select(Revocation).where(
            Revocation.staff_id == staff_id, Revocation.policy == policy_id, Revocation.certification == certification,
            Revocation.fiscal_year >= latest, Revocation.date <= on).order_by(Revocation.id)).first()
        if earlier is not None:
            raise ReviewError(f"職員 {staff_id} の {label} は {earlier.date.isoformat()} 付けで取り消し済みです（{earlier.by}; "
                              f"根拠: {earlier.reason}）。同じ認定を二度取り消すことはしません",
                              en=f"staff {staff_id}'s {certification} was already revoked as of {earlier.date.isoformat()} "
                                 f"({earlier.by}; reason: {earlier.reason}): it is not revoked twice")
        row = Revocation(staff_id=staff_id, policy=policy_id, certification=certification, reason=reason,
                         by=by or ledger.login(), date=on, fiscal_year=fiscal_year_of(on))
        session.add(row)
        session.flush()
        entry = ledger.append(session.connection(), "revocation", row.id, revocation_body(row), by=row.by, at=row.at)
        session.expunge(row)
    return row, entry


def grants_of(session: Session, policy_id: str, staff_id: str, before_year: int) -> list[Certification]:
    """What a review of ``before_year`` would read as granted to one staff member (revocations
    ignored): the engine's grants, overrides, and the imported history."""
    grants = earlier_grants(session, policy_id, before_year, staff_id=staff_id, revocations=False)[0]
    out = list(grants.get(staff_id, []))
    for (data,) in session.execute(select(FactRow.data).where(FactRow.record_type == "certification",
                                                             FactRow.replaced_by == None,  # noqa: E711
                                                             FactRow.staff_id == staff_id)).all():
        rec = orjson.loads(data)
        if rec.get("policy") == policy_id and int(rec.get("fiscal_year") or 0) < before_year:
            out.append(Certification(staff_id=staff_id, policy=policy_id, certification=rec["certification"],
                                     fiscal_year=int(rec["fiscal_year"]), source="history",
                                     provenance=Source(file="history", row=0)))
    return out


def earlier_grants(session: Session, policy_id: str, fiscal_year: int, staff_id: str | None = None,
                   revocations: bool = True) -> tuple[dict[str, list[Certification]], dict[str, dict[str, int]]]:
    """What a review of ``fiscal_year`` reads as granted by earlier fiscal years' standing reviews,
    with the reviewers' overrides applied (certified: granted; not certified: not granted), and the
    revocations in force by that year: ({staff: [grants]}, {staff: {certification: revocation id}})."""
    q = (select(DecisionRow).join(ReviewRun, DecisionRow.run_id == ReviewRun.id)
         .where(DecisionRow.policy == policy_id, DecisionRow.fiscal_year < fiscal_year,
                DecisionRow.outcome == "certified", ReviewRun.current == True)  # noqa: E712
         .order_by(DecisionRow.id))
    if staff_id is not None:
        q = q.where(DecisionRow.staff_id == staff_id)
    granted: dict[tuple[str, str, int], Certification] = {}
    for r in session.exec(q).all():
        granted[(r.staff_id, r.certification, r.fiscal_year)] = Certification(
            staff_id=r.staff_id, policy=r.policy, certification=r.certification, fiscal_year=r.fiscal_year,
            source=f"review run {r.run_id}", provenance=Source(file=f"review-run-{r.run_id}", row=r.id))
    oq = select(Override).where(Override.policy == policy_id, Override.fiscal_year < fiscal_year).order_by(Override.id)
    if staff_id is not None:
        oq = oq.where(Override.staff_id == staff_id)
    for o in session.exec(oq).all():  # the latest override of a decision stands
        key = (o.staff_id, o.certification, o.fiscal_year)
        if o.outcome == "certified":
            decision = session.exec(select(DecisionRow.id).where(
                DecisionRow.run_id == o.run_id, DecisionRow.staff_id == o.staff_id,
                DecisionRow.certification == o.certification)).first()
            granted[key] = Certification(
                staff_id=o.staff_id, policy=o.policy, certification=o.certification, fiscal_year=o.fiscal_year,
                source=f"override {o.id}", provenance=Source(file=f"review-run-{o.run_id}", row=decision or 0))
        else:
            granted.pop(key, None)
    revoked: dict[str, dict[str, int]] = {}
    if revocations:
        rq = select(Revocation).where(Revocation.policy == policy_id, Revocation.fiscal_year <= fiscal_year)
        if staff_id is not None:
            rq = rq.where(Revocation.staff_id == staff_id)
        for r in session.exec(rq.order_by(Revocation.id)).all():
            revoked.setdefault(r.staff_id, {})[r.certification] = r.id
    out: dict[str, list[Certification]] = {}
    for (staff, cert, _), rec in granted.items():
        if cert not in revoked.get(staff, {}):
            out.setdefault(staff, []).append(rec)
    return out, revoked


def actions_for(session: Session, policy_id: str, staff_ids: set[str] | None = None) -> tuple[list[Override], list[Revocation]]:
    """Overrides and revocations of a policy (of those staff members), in the order recorded."""
    oq, rq = select(Override).where(Override.policy == policy_id), select(Revocation).where(Revocation.policy == policy_id)
    if staff_ids is not None:
        oq, rq = oq.where(Override.staff_id.in_(staff_ids)), rq.where(Revocation.staff_id.in_(staff_ids))
    return session.exec(oq.order_by(Override.id)).all(), session.exec(rq.order_by(Revocation.id)).all()


def corrections_of(db, records: dict[int, Any]) -> dict[int, dict[str, Any]]:
    """For the fact rows among ``records`` (id -> record) that a correction made or replaced:
    what to show beside a decision that used them (the value corrected, the earlier row, why, who,
    when; or that the row was corrected after the decision)."""
    if not records:
        return {}
    ids = list(records)
    out: dict[int, dict[str, Any]] = {}
    with Session(db) as session:
        if session.exec(select(FactCorrection.id).limit(1)).first() is None:
            return out  # nothing was ever corrected (the usual case): one query
        rows = []
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            rows += session.exec(select(FactCorrection).where(
                FactCorrection.new_row.in_(part) | FactCorrection.old_row.in_(part))).all()
        others = {c.old_row for c in rows} | {c.new_row for c in rows}
        sources = {r.id: _source(r) for r in session.exec(select(FactRow).where(FactRow.id.in_(others))).all()}
    for c in rows:
        note = {"reason": c.reason, "by": c.by, "at": local_iso(c.at), "earlier": sources.get(c.old_row),
                "corrected": sources.get(c.new_row)}
        if c.new_row in records:
            out[c.new_row] = {"kind": "corrected", **note}
        if c.old_row in records:
            out[c.old_row] = {"kind": "corrected_later", **note}
    return out


def _source(row: FactRow) -> str:
    return f"{row.source_file}:{row.source_sheet}:{row.source_row}" if row.source_sheet else f"{row.source_file}:{row.source_row}"
