"""A database made before the ledger gets one, once (``engine.tables.upgrade``, in init_db's
transaction): every import's rows chained and entered, then every finished run's judgements
chained and entered, in the order they were stored, by ``nintei（台帳導入時に取り込み）``.

From then on ``audit verify`` checks them like any other entry. What it cannot tell is whether
anything was altered *before* the ledger existed: docs/audit.md says so.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import Connection, func, insert, select, update

from facts import ledger
from facts.tables import FactRow, ImportBatch

from .tables import DecisionRow, JudgementRow, ReviewRun

BY = "nintei（台帳導入時に取り込み）"


def needed(conn: Connection) -> bool:
    if conn.execute(select(ledger.LedgerEntry.seq).limit(1)).first() is not None:
        return False
    return (conn.execute(select(FactRow.id).limit(1)).first() is not None
            or conn.execute(select(ReviewRun.id).limit(1)).first() is not None)


def adopt(conn: Connection) -> None:
    if conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    ledger.lock(conn)
    if not needed(conn):  # another command adopted it meanwhile
        return
    orphans = conn.execute(select(func.count()).select_from(FactRow).where(FactRow.import_id == None)).scalar()  # noqa: E711
    if orphans:
        batch = conn.execute(insert(ImportBatch).values(
            started_at=datetime.now(timezone.utc), files=json.dumps(["（台帳導入前の記録）"], ensure_ascii=False),
            counts="{}").returning(ImportBatch.id)).scalar()
        conn.execute(update(FactRow).where(FactRow.import_id == None).values(import_id=batch))  # noqa: E711
    for b in conn.execute(select(ImportBatch).order_by(ImportBatch.id)).all():
        head, count = ledger.chain_start("import", b.id), 0
        updates = []
        for r in conn.execute(select(FactRow.id, FactRow.record_type, FactRow.staff_id, FactRow.fiscal_year,
                                     FactRow.data, FactRow.source_file, FactRow.source_sheet, FactRow.source_row)
                              .where(FactRow.import_id == b.id).order_by(FactRow.id)).all():
            head = ledger.fact_hash(head, r.record_type, r.staff_id, r.fiscal_year, r.data, r.source_file,
                                    r.source_sheet, r.source_row)
            updates.append({"rid": r.id, "h": head})
            count += 1
        _update_many(conn, FactRow.__table__, "hash", updates)
        ledger.append(conn, "import", b.id, ledger.import_body(b, count, head), by=BY)
    from .review import judgement_hash
    from .runs import run_body

    for run in conn.execute(select(ReviewRun).where(ReviewRun.status.in_(("complete", "superseded", "failed")))
                            .order_by(ReviewRun.finished_at, ReviewRun.id)).all():
        run = ReviewRun.model_validate(run._mapping)
        head, count, updates = ledger.chain_start("run", run.id), 0, []
        for j in conn.execute(select(JudgementRow.id, JudgementRow.staff_id, JudgementRow.data)
                              .where(JudgementRow.run_id == run.id).order_by(JudgementRow.id)).all():
            prev, head = head, judgement_hash(head, run.id, j.staff_id, j.data)
            updates.append({"rid": j.id, "p": prev, "h": head})
            count += 1
        _update_many(conn, JudgementRow.__table__, ("prev", "hash"), updates)
        decisions = {"count": count, "head": head}
        if not count:  # decisions stored whole, before compact judgements
            decisions["legacy"] = legacy_digest(conn, run.id)
        if run.status == "superseded":
            run.status = "complete"  # as it ended; the ledger's order says it was superseded
        ledger.append(conn, "run", run.id, run_body(run, decisions), by=BY)


def legacy_digest(conn: Connection, run_id: int) -> str:
    """The decisions of a run stored whole (before compact judgements), as one hash."""
    h = hashlib.sha256()
    for row in conn.execute(select(DecisionRow.id, DecisionRow.staff_id, DecisionRow.certification,
                                   DecisionRow.outcome, DecisionRow.decision)
                            .where(DecisionRow.run_id == run_id).order_by(DecisionRow.id)):
        h.update(ledger.canonical(list(row)).encode("utf-8"))
    return h.hexdigest()


def _update_many(conn: Connection, table, columns, values: list[dict]) -> None:
    if not values:
        return
    from sqlalchemy import bindparam

    names = (columns,) if isinstance(columns, str) else columns
    keys = {"hash": "h", "prev": "p"}
    stmt = update(table).where(table.c.id == bindparam("rid")).values(
        {n: bindparam(keys[n]) for n in names})
    for start in range(0, len(values), 5000):
        conn.execute(stmt, values[start:start + 5000])
