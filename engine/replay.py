"""``audit replay RUN``: judge a stored run again from what the ledger kept, and compare.

What the run judged with, and nothing of today's: its stored rule file (not the files on disk),
compiled for its year (the parameter values must come out as the run stored them), the facts as
they stood when it started (fact_row ids up to its ``facts_upto``), and the earlier grants each
staff member's judgement recorded having read. Every staff member is judged again by the same
pure judge (engine/judge.py, through the same workers) and the new judgement is compared with the
stored one: outcome by outcome, and then as a whole (the evidence, what fired, the figures).
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field

import orjson
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from facts.db import init_db
from facts.records import Certification
from facts.stream import ALL, year_index

from . import pipeline, runs, stored
from .compile import compile_policy
from .errors import ReviewError
from .rulebook import policy_from_content
from .tables import JudgementRow, ReviewRun, Revocation


@dataclass
class Difference:
    staff_id: str
    certification: str | None  # None: the judgement as a whole (same outcomes, other grounds)
    stored: str | None  # outcome (None: not in the stored run)
    replayed: str | None

    def line(self, lang: str = "ja") -> str:
        en = lang == "en"
        if self.certification is None:
            if self.stored is None:
                return (f"staff {self.staff_id}: judged again, but not in the record" if en else
                        f"職員 {self.staff_id}: 記録にない職員が再判定されました")
            if self.replayed is None:
                return (f"staff {self.staff_id}: a recorded judgement was not judged again (not on the roster)" if en
                        else f"職員 {self.staff_id}: 記録にある判定が再判定されませんでした（名簿にいません）")
            return (f"staff {self.staff_id}: the same outcomes, but the grounds (evidence, figures, conditions met) "
                    "differ from the record" if en else
                    f"職員 {self.staff_id}: 結果は同じですが、判定の根拠（証拠・数値・満たした条件）が記録と異なります")
        if en:
            return (f"staff {self.staff_id}, {self.certification}: recorded {self.stored or 'none'} -> "
                    f"judged again {self.replayed or 'none'}")
        return (f"職員 {self.staff_id} の {self.certification}: 記録 {self.stored or 'なし'} → "
                f"再判定 {self.replayed or 'なし'}")


@dataclass
class Replay:
    run: ReviewRun
    code_now: str
    staff: int = 0
    decisions: int = 0
    differences: list[Difference] = field(default_factory=list)
    parameters_differ: bool = False

    @property
    def identical(self) -> bool:
        return not self.differences and not self.parameters_differ


def replay(db, run_id: int, workers: int | None = None, chunk_size: int = 500) -> Replay:
    init_db(db)
    with Session(db) as session:
        run = session.get(ReviewRun, run_id)
    if run is None:
        raise ReviewError(f"審査 run {run_id} はありません（`nintei runs` で一覧を確かめてください）",
                          en=f"there is no review run {run_id} (`nintei runs` lists them)")
    if run.status not in ("complete", "superseded"):
        raise ReviewError(f"審査 run {run_id} は{'実行中' if run.status == 'running' else '失敗した審査'}"
                          "です: 完了した審査だけを再判定できます",
                          en=f"review run {run_id} {'is running' if run.status == 'running' else 'failed'}: only "
                             "a complete review can be judged again")
    compiled = compile_policy(policy_from_content(run.policy, run.rules_content), run.fiscal_year)
    out = Replay(run=run, code_now=runs.code_version())
    stored_values = json.loads(run.parameters)
    out.parameters_differ = json.loads(json.dumps(compiled.values, ensure_ascii=False, default=list)) != stored_values
    index = year_index(db, run.fiscal_year, run.facts_upto if run.facts_upto is not None else ALL)
    revocation_ids: dict[str, set[int]] = {}
    grants = _grants_read(db, run, revocation_ids)
    revoked = _revoked(db, revocation_ids)
    seen: set[str] = set()
    for judged in pipeline.judged(compiled, grants, db, index, chunk_size, workers, revoked):
        kept = _stored(db, run.id, [staff_id for staff_id, _, _ in judged])
        for staff_id, outcomes, data in judged:
            seen.add(staff_id)
            out.staff += 1
            out.decisions += len(outcomes)
            _compare(staff_id, outcomes, data, kept.get(staff_id), out.differences)
    for staff_id in _stored_staff(db, run.id) - seen:
        out.differences.append(Difference(staff_id, None, "stored", None))
    return out


def _grants_read(db, run: ReviewRun, revoked: dict | None = None) -> dict[str, list[Certification]]:
    """The earlier grants each stored judgement says it read (certification, year, run, row,
    override); ``revoked`` gets the revocation ids each says kept something from being held."""
    out: dict[str, list[Certification]] = {}
    revoked = {} if revoked is None else revoked
    with db.connect() as conn:
        for staff_id, data in conn.execute(sa_select(JudgementRow.staff_id, JudgementRow.data)
                                           .where(JudgementRow.run_id == run.id)):
            doc = stored.load(data)
            for grant in doc.get("g", []):
                out.setdefault(staff_id, []).append(stored.grant_record(staff_id, run.policy, grant))
            if doc.get("r"):
                revoked[staff_id] = set(doc["r"])
    return out


def _revoked(db, ids: dict[str, set[int]]) -> dict[str, dict[str, int]]:
    """The revocations the run applied, as the review passes them: {staff: {certification: id}}."""
    wanted = {i for v in ids.values() for i in v}
    if not wanted:
        return {}
    with Session(db) as session:
        rows = session.exec(select(Revocation).where(Revocation.id.in_(wanted))).all()
    gone = sorted(wanted - {r.id for r in rows})
    if gone:
        raise ReviewError(f"審査が読んだ取消 {', '.join(map(str, gone))} が見つかりません（削除されています: "
                          "`nintei audit verify` で確かめてください）",
                          en=f"the revocations {', '.join(map(str, gone))} that the review read are missing (they "
                             "have been deleted: check with `nintei audit verify`)")
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        out.setdefault(r.staff_id, {})[r.certification] = r.id
    return out


def _stored(db, run_id: int, staff_ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    with db.connect() as conn:
        for start in range(0, len(staff_ids), 500):
            part = staff_ids[start:start + 500]
            out.update(conn.execute(sa_select(JudgementRow.staff_id, JudgementRow.data).where(
                JudgementRow.run_id == run_id, JudgementRow.staff_id.in_(part))).all())
    return out


def _stored_staff(db, run_id: int) -> set[str]:
    with db.connect() as conn:
        return set(conn.execute(sa_select(JudgementRow.staff_id).where(JudgementRow.run_id == run_id)).scalars())


def _compare(staff_id: str, outcomes: dict, data: str, kept: str | None, diffs: list[Difference]) -> None:
    if kept is None:
        diffs.append(Difference(staff_id, None, None, "replayed"))
        return
    if kept == data:
        return
    try:
        before = stored.load(kept).get("o", {})
    except (orjson.JSONDecodeError, ValueError, zlib.error):
        before = {}
    changed = [c for c in sorted(set(before) | set(outcomes)) if before.get(c) != outcomes.get(c)]
    for cert in changed:
        diffs.append(Difference(staff_id, cert, before.get(cert), outcomes.get(cert)))
    if not changed:
        diffs.append(Difference(staff_id, None, "same", "same"))
