"""What a review granted: the certifications a 認定証 (engine/certificate.py) or an Open Badge
(engine/badges.py) is made for, with what they cite.

A certification is granted by the review of a fiscal year when its stored decision is
``certified`` and no reviewer overrode it to ``not_certified``, or when a reviewer overrode a
``not_certified`` decision to ``certified``. A ``held`` decision was granted by an earlier review
(its certificate was made then); a revoked certification gets nothing. The date of the grant is
the day the review finished (a reviewer's override: the day of the override), in Japan's time.

Each grant cites the review run, its ledger entry's hash (facts.ledger: ``audit verify`` checks it)
and the hash of the staff member's judgement in that run's chain (engine.tables.JudgementRow).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import or_, tuple_
from sqlmodel import Session, select

from facts.ledger import LedgerEntry

from .errors import ReviewError, RuleError
from .model import Decision
from .review import current_run, render_rows, stored_decisions
from .rulebook import load_rulebook
from .rulefile import CertificateDef, Policy
from .tables import DecisionRow, JudgementRow, Override

JST = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Grant:
    decision: Decision
    granted_at: datetime  # aware, Japan's time
    by_override: bool  # granted by a reviewer's override of a not_certified decision
    judgement_hash: str | None  # the staff member's judgement in the run's chain (None: before the ledger)


@dataclass(frozen=True)
class GrantedReview:
    policy: Policy  # today's rule file: the issuer and the number template (its certificate: section)
    fiscal_year: int
    run_id: int
    rules_version: str
    finished_at: datetime  # aware, Japan's time
    ledger_hash: str | None  # the run's ledger entry (None: a run stored before the ledger)
    grants: list[Grant]
    staff_id: str | None = None  # the grants of this staff member only

    @property
    def certificate(self) -> CertificateDef:
        """The rule file's issuer and number template; RuleError when it declares none."""
        if self.policy.certificate is None:
            raise RuleError(f"{self.policy.path}: 'certificate'（issuer: 発行者、number: 番号の形）の節が"
                            "ありません。認定証とバッジの発行者は規則ファイルに書いてください（docs/rules.md）")
        return self.policy.certificate


def local(value: datetime) -> datetime:
    """A stored time (naive: UTC) in Japan's time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(JST)


def is_granted(decision: Decision) -> bool:
    """Granted by the review that made the decision (see the module's docstring)."""
    if decision.revoked:
        return False
    override = (decision.override or {}).get("outcome")
    if decision.outcome == "certified":
        return override != "not_certified"
    return decision.outcome == "not_certified" and override == "certified"


def granted(db, policy_id: str, fiscal_year: int, staff_id: str | None = None) -> GrantedReview:
    """The certifications the current review of that policy and year granted (of one staff member
    when ``staff_id`` is given), in the roster's order. ReviewError for an unknown policy, a year
    never reviewed, a staff member not in that review."""
    policy = load_rulebook().policy(policy_id)
    run = current_run(db, policy_id, fiscal_year)
    if run is None:
        command = f"nintei review --policy {policy_id} --fiscal-year {fiscal_year}"
        raise ReviewError(f"方針 {policy_id} の {fiscal_year}年度の審査結果がありません: 先に `{command}` を実行してください",
                          en=f"no review of policy {policy_id} for FY{fiscal_year} is stored: run `{command}` first")
    if staff_id is not None:
        decisions = stored_decisions(db, policy_id, fiscal_year, staff_id=staff_id)  # says when unknown
    else:
        decisions = _candidates(db, run.id, policy_id, fiscal_year)
    chosen = [d for d in decisions if is_granted(d)]
    with Session(db) as session:
        ledger_hash = session.exec(select(LedgerEntry.hash).where(LedgerEntry.kind == "run",
                                                                  LedgerEntry.ref == run.id)).first()
        hashes = dict(session.exec(select(JudgementRow.staff_id, JudgementRow.hash).where(
            JudgementRow.run_id == run.id, JudgementRow.staff_id.in_({d.staff_id for d in chosen}))).all()) \
            if chosen else {}
    finished = local(run.finished_at or run.started_at)
    grants = []
    for d in chosen:
        by_override = d.outcome != "certified"
        at = datetime.fromisoformat(d.override["at"]).astimezone(JST) if by_override else finished
        grants.append(Grant(d, at, by_override, hashes.get(d.staff_id)))
    return GrantedReview(policy, fiscal_year, run.id, run.rules_version, finished, ledger_hash, grants, staff_id)


def _candidates(db, run_id: int, policy_id: str, fiscal_year: int) -> list[Decision]:
    """The run's decisions that may be grants: those certified, and those a reviewer overrode
    (rendered with their overrides and revocations); a large review's others are never rendered."""
    with Session(db) as session:
        overridden = set(session.exec(select(Override.staff_id, Override.certification).where(
            Override.policy == policy_id, Override.fiscal_year == fiscal_year)).all())
        q = select(DecisionRow).where(DecisionRow.run_id == run_id)
        if overridden:
            q = q.where(or_(DecisionRow.outcome == "certified",
                            tuple_(DecisionRow.staff_id, DecisionRow.certification).in_(list(overridden))))
        else:
            q = q.where(DecisionRow.outcome == "certified")
        rows = session.exec(q.order_by(DecisionRow.id)).all()
    out: list[Decision] = []
    for start in range(0, len(rows), 500):
        out.extend(render_rows(db, rows[start:start + 500]))
    return out
