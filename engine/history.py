"""``history STAFF_ID``: one staff member's decisions across fiscal years, each with its run, and
the people's actions on them (overrides, revocations) and the corrections of the facts they used."""
from __future__ import annotations

from dataclasses import dataclass, field

import orjson
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from facts.db import init_db
from facts.tables import FactRow

from . import stored
from .errors import ReviewError
from .tables import DecisionRow, JudgementRow, ReviewRun


@dataclass
class Entry:
    run: ReviewRun
    outcomes: dict[str, str]  # certification -> the engine's outcome
    fact_rows: set[int] = field(default_factory=set)


def history(db, staff_id: str, policy: str | None = None) -> list[Entry]:
    """Every run (complete or superseded) that judged the staff member, by policy, year and run."""
    init_db(db)
    with Session(db) as session:
        q = select(ReviewRun).where(ReviewRun.status.in_(("complete", "superseded")))
        if policy:
            q = q.where(ReviewRun.policy == policy)
        run_by_id = {r.id: r for r in session.exec(q).all()}
        rows = session.execute(sa_select(JudgementRow.run_id, JudgementRow.data).where(
            JudgementRow.staff_id == staff_id, JudgementRow.run_id.in_(list(run_by_id)))).all()
        legacy = session.exec(select(DecisionRow).where(
            DecisionRow.staff_id == staff_id, DecisionRow.decision != "", DecisionRow.run_id.in_(list(run_by_id)))).all()
        known = session.execute(sa_select(FactRow.id).where(FactRow.staff_id == staff_id).limit(1)).first()
    out: dict[int, Entry] = {}
    for run_id, data in rows:
        doc = stored.load(data)
        rows_used = {doc["s"], *(r for _, r in doc.get("b", [])), *(r for d in doc.get("d", []) for r in d[3])}
        out[run_id] = Entry(run_by_id[run_id], dict(doc.get("o", {})), rows_used)
    for d in legacy:  # runs stored before compact judgements
        out.setdefault(d.run_id, Entry(run_by_id[d.run_id], {})).outcomes[d.certification] = d.outcome
    if not out and known is None:
        raise ReviewError(f"職員 {staff_id} の記録も判定もありません（職員番号を確かめてください）",
                          en=f"there are no records and no decisions of staff {staff_id} (check the staff number)")
    return sorted(out.values(), key=lambda e: (e.run.policy, e.run.fiscal_year, e.run.id))
