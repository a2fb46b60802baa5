"""Storage of review runs and their decisions (sqlmodel)."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from facts.tables import _now


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
    status: str = "running"  # running / complete / superseded
    current: bool = Field(default=False, index=True)  # the run whose decisions stand for the year


class DecisionRow(SQLModel, table=True):
    __tablename__ = "review_decision"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="review_run.id", index=True)
    policy: str = Field(index=True)
    fiscal_year: int = Field(index=True)
    staff_id: str = Field(index=True)
    certification: str
    outcome: str
    decision: str  # Decision as JSON (with its explanation tree)
