"""Storage of review runs and their decisions (sqlmodel)."""
from __future__ import annotations

from datetime import date as date_type
from datetime import datetime
import sys

from sqlalchemy import Column, Connection, Index, Text, UniqueConstraint, inspect, select, text, update
from sqlalchemy.schema import CreateIndex
from sqlmodel import Field, SQLModel

from facts.tables import _now, add_missing_columns


class ReviewRun(SQLModel, table=True):
    __tablename__ = "review_run"
    id: int | None = Field(default=None, primary_key=True)
    policy: str = Field(index=True)
    fiscal_year: int = Field(index=True)
    rules_version: str  # sha256 of the rule file
    rules_content: str  # the rule file as judged, for replay
    parameters: str  # JSON: parameter values in force
    started_at: datetime = Field(default_factory=_now)
    finished_at: datetime | None = None
    staff_count: int = 0
    decision_count: int = 0
    status: str = "running"  # running / complete / superseded / failed
    current: bool = Field(default=False, index=True)  # the run whose decisions stand for the year
    # the ledger (issue 15): who judged, with which code, from which facts
    ran_by: str | None = None
    nintei_version: str | None = None  # package version + sha256 of the engine's source
    facts_upto: int | None = None  # the last fact_row id when the run started: it saw none after
    facts_entry: int | None = None  # the ledger's last import/correction entry then (seq) ...
    facts_hash: str | None = None  # ... and its hash: the content of every fact up to there
    host: str | None = None  # where a running review runs (a killed one is found by its pid)
    pid: int | None = None


CURRENT_RUN_INDEX = "uq_review_run_current"
# One current run per (policy, fiscal year), whatever the writers do (engine.review._store also
# locks the year, so that two overlapping reviews queue instead of one failing on this index).
current_run_index = Index(CURRENT_RUN_INDEX, ReviewRun.policy, ReviewRun.fiscal_year, unique=True,
                          postgresql_where=ReviewRun.current, sqlite_where=ReviewRun.current)


class DecisionRow(SQLModel, table=True):
    __tablename__ = "review_decision"
    # every read goes through a run (the current one, or one named): (run, staff) is the index;
    # databases made before it keep their single-column indexes too (upgrade adds this one)
    __table_args__ = (Index("ix_review_decision_run_staff", "run_id", "staff_id"),)
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="review_run.id")
    policy: str
    fiscal_year: int
    staff_id: str
    certification: str
    outcome: str
    # "" since compact storage: the decision is rendered from the run's JudgementRow of the staff
    # member (engine/stored.py); a run stored before that holds the Decision as JSON here
    decision: str = ""


class JudgementRow(SQLModel, table=True):
    """What a review judged for one staff member: the facts (by fact_row id) and what fired in
    durable_rules, from which the member's decisions are rendered (engine/stored.py)."""

    __tablename__ = "review_judgement"
    __table_args__ = (UniqueConstraint("run_id", "staff_id", name="uq_review_judgement_run_staff"),)
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="review_run.id")
    staff_id: str
    data: str = Field(sa_column=Column(Text, nullable=False))
    # the run's chain (facts.ledger): the row before's hash, and sha256(prev, run, staff, data)
    prev: str | None = None
    hash: str | None = None


class Override(SQLModel, table=True):
    """A reviewer's decision beside the engine's (which stays as it was): later reviews count it."""

    __tablename__ = "review_override"
    id: int | None = Field(default=None, primary_key=True)
    staff_id: str = Field(index=True)
    policy: str
    fiscal_year: int
    certification: str
    outcome: str  # certified / not_certified
    reason: str = Field(sa_column=Column(Text, nullable=False))
    by: str
    at: datetime = Field(default_factory=_now)
    run_id: int  # the current run of that year when it was recorded
    engine_outcome: str  # the engine's outcome in that run


class Revocation(SQLModel, table=True):
    """A granted certification ended: reviews of the fiscal year of ``date`` and later no longer
    read it as held."""

    __tablename__ = "certification_revocation"
    id: int | None = Field(default=None, primary_key=True)
    staff_id: str = Field(index=True)
    policy: str
    certification: str
    reason: str = Field(sa_column=Column(Text, nullable=False))
    by: str
    date: date_type  # in effect from
    fiscal_year: int  # the fiscal year of ``date``
    at: datetime = Field(default_factory=_now)


class BadgeStatusEntry(SQLModel, table=True):
    """A badge's position in a status list (engine/badge_status.py): kept, so that badges written
    again keep theirs; ``revoked_at`` once set is never cleared (a revocation is final: a grant that
    stands again gets a new position)."""

    __tablename__ = "badge_status_entry"
    __table_args__ = (UniqueConstraint("list_url", "idx", name="uq_badge_status_position"),
                      Index("uq_badge_status_active", "list_url", "policy", "fiscal_year", "staff_id", "certification",
                            unique=True, sqlite_where=text("revoked_at IS NULL"),
                            postgresql_where=text("revoked_at IS NULL")))
    id: int | None = Field(default=None, primary_key=True)
    list_url: str = Field(sa_column=Column(Text, nullable=False))
    idx: int
    policy: str
    fiscal_year: int
    staff_id: str
    certification: str
    at: datetime = Field(default_factory=_now)
    revoked_at: datetime | None = None


class RecipientCode(SQLModel, table=True):
    """A staff member's 受領者コード (engine/recipients.py): the secret their badges' recipient hash
    is made of, in place of the 職員番号 (five digits: a hash of it is read back in a second)."""

    __tablename__ = "badge_recipient_code"
    id: int | None = Field(default=None, primary_key=True)
    staff_id: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    code: str
    at: datetime = Field(default_factory=_now)


def upgrade(conn: Connection) -> None:
    """Bring an existing database up to this schema (``facts.db.init_db``, in its transaction).

    A database created before ``uq_review_run_current`` may hold two current runs of one policy
    and year (the race it closes): the latest (by finished_at, then id) stays current, the others
    become ``superseded`` (their decisions kept, as for any re-review), said on stderr; then the
    index is added. Once the index exists this is a single catalogue lookup."""
    for index in DecisionRow.__table__.indexes:  # (run, staff), added in issue 14
        conn.execute(CreateIndex(index, if_not_exists=True))
    add_missing_columns(conn, ReviewRun.__table__)  # the ledger's columns, issue 15
    add_missing_columns(conn, JudgementRow.__table__)
    from . import adopt  # a database made before the ledger gets one, once

    if adopt.needed(conn):
        adopt.adopt(conn)
    if inspect(conn).has_index(ReviewRun.__tablename__, CURRENT_RUN_INDEX):
        return
    runs = conn.execute(select(ReviewRun.id, ReviewRun.policy, ReviewRun.fiscal_year, ReviewRun.finished_at)
                        .where(ReviewRun.current == True)).all()  # noqa: E712
    by_year: dict[tuple[str, int], list] = {}
    for r in runs:
        by_year.setdefault((r.policy, r.fiscal_year), []).append(r)
    for (policy, year), same in sorted(by_year.items()):
        if len(same) < 2:
            continue
        same.sort(key=lambda r: (r.finished_at is not None, r.finished_at or datetime.min, r.id))
        keep, older = same[-1], [r.id for r in same[:-1]]
        conn.execute(update(ReviewRun).where(ReviewRun.id.in_(older)).values(current=False, status="superseded"))
        print(f"nintei: 方針 {policy} の {year}年度に現行の審査が {len(same)} 件ありました（run "
              f"{', '.join(str(r.id) for r in same)}）: 最新の run {keep.id} を現行とし、run "
              f"{', '.join(map(str, older))} を superseded にしました", file=sys.stderr)
    conn.execute(CreateIndex(current_run_index, if_not_exists=True))
