"""``audit verify``: the ledger (facts.ledger) checked against itself and against every table it
attests, naming the first entry that does not verify and every problem found.

Checked, in the ledger's order:
- the chain of entries: each entry's hash over (prev, kind, ref, body), each prev the entry
  before's hash (an entry edited, deleted or inserted);
- each run entry: the run's row rebuilt into the same body (engine.runs.run_body); its judgements'
  chain row by row (a row edited: its own hash; deleted or inserted: the link of the row after, or
  the head and count of the body); every review_decision row of the run against the outcomes its
  judgement holds (edited, deleted, inserted); the facts it saw (the ledger's entry it names);
- the tables against the ledger: a run that no entry attests (inserted, or stopped before the
  ledger existed), the status and current flag of every run as the ledger's order implies.
"""
from __future__ import annotations

import zlib

import orjson
from dataclasses import dataclass, field

from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from facts import ledger
from facts.db import init_db
from facts.ledger import GENESIS, LedgerEntry

from . import people, runs, stored
from .review import judgement_hash
from .tables import DecisionRow, JudgementRow, Override, ReviewRun, Revocation

KIND_JA = {"run": "審査", "import": "取込", "override": "上書き", "revocation": "取消", "correction": "訂正"}
KIND_EN = {"run": "review", "import": "import", "override": "override", "revocation": "revocation",
           "correction": "correction"}


@dataclass
class Problem:
    seq: int | None  # the ledger entry concerned (None: a row no entry attests)
    message: str
    message_en: str = ""  # the same in English (``audit verify --lang en``)

    def text(self, lang: str = "ja") -> str:
        return self.message_en if lang == "en" and self.message_en else self.message


@dataclass
class Verification:
    entries: int = 0
    head: str = GENESIS
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    runs_checked: int = 0
    decisions_checked: int = 0
    facts_checked: int = 0

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(db, run_id: int | None = None) -> Verification:
    """Check the whole ledger (``run_id``: the chain of entries, and that run's rows only)."""
    init_db(db)
    runs.reap(db)
    out = Verification()
    with Session(db) as session:
        entries = session.exec(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
        _chain(entries, out)
        run_entries: dict[int, LedgerEntry] = {}
        for e in entries:
            if e.kind == "run":
                if e.ref in run_entries:
                    out.problems.append(Problem(e.seq, f"台帳 #{e.seq}: 審査 run {e.ref} の項目が二つあります"
                                                       f"（#{run_entries[e.ref].seq} と #{e.seq}）",
                                                f"ledger #{e.seq}: review run {e.ref} has two entries "
                                                f"(#{run_entries[e.ref].seq} and #{e.seq})"))
                run_entries[e.ref] = e
        by_seq = {e.seq: e for e in entries}
        table_runs = {r.id: r for r in session.exec(select(ReviewRun)).all()}
        for rid, e in run_entries.items():
            if run_id is not None and rid != run_id:
                continue
            _run(session, e, table_runs.get(rid), by_seq, out)
        _unattested(table_runs, run_entries, run_id, out)
        _statuses(table_runs, entries, run_entries, out)
        _people(session, entries, out)
        if run_id is None:
            from .audit_facts import check_facts

            check_facts(session, entries, out)
    out.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return out


def _chain(entries: list[LedgerEntry], out: Verification) -> None:
    prev = GENESIS
    for e in entries:
        out.entries += 1
        out.counts[e.kind] = out.counts.get(e.kind, 0) + 1
        what = f"台帳 #{e.seq}（{KIND_JA.get(e.kind, e.kind)} {e.ref}）"
        what_en = f"ledger #{e.seq} ({KIND_EN.get(e.kind, e.kind)} {e.ref})"
        if e.prev != prev:
            out.problems.append(Problem(e.seq, f"{what}: 直前の項目とつながっていません"
                                               "（この前の項目が削除・挿入・改変されています）",
                                        f"{what_en}: not linked to the entry before it (an entry before it has been "
                                        "deleted, inserted or altered)"))
        if ledger.entry_hash(e.prev, e.kind, e.ref, e.body) != e.hash:
            out.problems.append(Problem(e.seq, f"{what}: 内容がハッシュと一致しません（項目が改変されています）",
                                        f"{what_en}: its content does not match its hash (the entry has been altered)"))
        prev = e.hash
    out.head = prev


def _run(session: Session, e: LedgerEntry, run: ReviewRun | None, by_seq: dict, out: Verification) -> None:
    name, name_en = f"台帳 #{e.seq}（審査 run {e.ref}）", f"ledger #{e.seq} (review run {e.ref})"
    if run is None:
        out.problems.append(Problem(e.seq, f"{name}: 審査 run {e.ref} が review_run にありません（削除されています）",
                                    f"{name_en}: review run {e.ref} is not in review_run (it has been deleted)"))
        return
    out.runs_checked += 1
    recorded = orjson.loads(e.body)
    decisions = _judgements(session, e, run, recorded.get("decisions") or {}, out)
    body = runs.run_body(run, decisions)
    if recorded.get("status") == "complete" and run.status == "superseded":
        body["status"] = "complete"  # superseded later: the ledger's order says so (checked below)
    for key in sorted(set(body) | set(recorded)):
        if key != "decisions" and body.get(key) != recorded.get(key):
            was, now = _short(recorded.get(key)), _short(body.get(key))
            out.problems.append(Problem(e.seq, f"{name}: {key} が台帳の記録と異なります（台帳: {was}、現在: {now}）",
                                        f"{name_en}: {key} differs from the ledger's record (ledger: {was}, now: {now})"))
    facts = recorded.get("facts") or {}
    if facts.get("entry") is not None:
        seen = by_seq.get(facts["entry"])
        if seen is None or seen.hash != facts.get("hash"):
            out.problems.append(Problem(e.seq, f"{name}: 判定に使った事実の台帳項目 #{facts['entry']} が"
                                               "記録と一致しません",
                                        f"{name_en}: the ledger entry #{facts['entry']} of the facts it judged does "
                                        "not match the record"))


def _judgements(session: Session, e: LedgerEntry, run: ReviewRun, recorded: dict, out: Verification) -> dict:
    """The run's judgement chain, row by row; and its decision rows against the judgements."""
    name, name_en = f"台帳 #{e.seq}（審査 run {run.id}）", f"ledger #{e.seq} (review run {run.id})"
    prev = ledger.chain_start("run", run.id)
    count = 0
    outcomes: dict[str, dict] = {}
    rows = session.execute(sa_select(JudgementRow.id, JudgementRow.staff_id, JudgementRow.data, JudgementRow.prev,
                                     JudgementRow.hash).where(JudgementRow.run_id == run.id)
                           .order_by(JudgementRow.id))
    for jid, staff_id, data, row_prev, row_hash in rows:
        count += 1
        where = f"{name}: 職員 {staff_id} の判定（review_judgement id {jid}）"
        where_en = f"{name_en}: staff {staff_id}'s judgement (review_judgement id {jid})"
        if row_prev != prev:
            out.problems.append(Problem(e.seq, f"{where}: 直前の判定とつながっていません"
                                               "（この前の判定が削除または挿入されています）",
                                        f"{where_en}: not linked to the judgement before it (a judgement before it "
                                        "has been deleted or inserted)"))
        if row_prev is None or judgement_hash(row_prev, run.id, staff_id, data) != row_hash:
            out.problems.append(Problem(e.seq, f"{where}: 内容がハッシュと一致しません（改変されています）",
                                        f"{where_en}: its content does not match its hash (it has been altered)"))
        prev = row_hash or prev
        try:
            outcomes[staff_id] = stored.load(data).get("o", {})
        except (orjson.JSONDecodeError, ValueError, zlib.error):
            out.problems.append(Problem(e.seq, f"{where}: JSON として読めません（改変されています）",
                                        f"{where_en}: cannot be read as JSON (it has been altered)"))
    if not count and recorded.get("legacy"):  # decisions stored whole, before compact judgements
        from .adopt import legacy_digest

        if legacy_digest(session.connection(), run.id) != recorded["legacy"]:
            out.problems.append(Problem(e.seq, f"{name}: 判定（台帳導入前の形式）が台帳の記録と異なります"
                                               "（改変・削除・挿入されています）",
                                        f"{name_en}: the decisions (stored in the form from before the ledger) differ "
                                        "from the ledger's record (altered, deleted or inserted)"))
        return recorded
    if recorded and (recorded.get("count") != count or recorded.get("head") != prev):
        out.problems.append(Problem(e.seq, f"{name}: 判定の数または末尾が台帳の記録と異なります（台帳: "
                                           f"{recorded.get('count')} 件、現在: {count} 件; 末尾の判定が削除・追加されています）",
                                    f"{name_en}: the number or the last of the judgements differs from the ledger's "
                                    f"record (ledger: {recorded.get('count')}, now: {count}; judgements at the end "
                                    "have been deleted or added)"))
    _decision_rows(session, e, run, outcomes, out)
    return {"count": recorded.get("count"), "head": recorded.get("head")} if recorded else {"count": count, "head": prev}


def _decision_rows(session: Session, e: LedgerEntry, run: ReviewRun, outcomes: dict[str, dict],
                   out: Verification) -> None:
    name, name_en = f"台帳 #{e.seq}（審査 run {run.id}）", f"ledger #{e.seq} (review run {run.id})"
    seen: set[tuple[str, str]] = set()
    rows = session.execute(sa_select(DecisionRow.id, DecisionRow.staff_id, DecisionRow.certification,
                                     DecisionRow.outcome, DecisionRow.policy, DecisionRow.fiscal_year,
                                     DecisionRow.decision).where(DecisionRow.run_id == run.id).order_by(DecisionRow.id))
    for did, staff_id, cert, outcome, policy, year, legacy in rows:
        out.decisions_checked += 1
        where = f"{name}: 職員 {staff_id} の {cert} の判定（review_decision id {did}）"
        where_en = f"{name_en}: staff {staff_id}'s {cert} decision (review_decision id {did})"
        judged = outcomes.get(staff_id, {}).get(cert)
        if judged is None or (staff_id, cert) in seen:
            out.problems.append(Problem(e.seq, f"{where}: 判定の記録にない行です（挿入されています）",
                                        f"{where_en}: a row the judgements do not hold (it has been inserted)"))
        elif outcome != judged or policy != run.policy or year != run.fiscal_year or legacy:
            out.problems.append(Problem(e.seq, f"{where}: 結果が判定の記録（{judged}）と異なります"
                                               f"（{outcome} に改変されています）",
                                        f"{where_en}: the outcome differs from the judgement's record ({judged}) "
                                        f"(altered to {outcome})"))
        seen.add((staff_id, cert))
    for staff_id, certs in outcomes.items():
        for cert in certs:
            if (staff_id, cert) not in seen:
                out.problems.append(Problem(e.seq, f"{name}: 職員 {staff_id} の {cert} の判定の行がありません"
                                                   "（削除されています）",
                                            f"{name_en}: the row of staff {staff_id}'s {cert} decision is missing "
                                            "(it has been deleted)"))


def _unattested(table_runs: dict[int, ReviewRun], run_entries: dict, run_id: int | None, out: Verification) -> None:
    for rid, run in sorted(table_runs.items()):
        if rid in run_entries or (run_id is not None and rid != run_id) or run.status == "running":
            continue
        out.problems.append(Problem(None, f"審査 run {rid}（{run.policy} {run.fiscal_year}年度、{run.status}）: "
                                          "台帳に記録がありません（挿入されたか、台帳より前の審査です）",
                                    f"review run {rid} ({run.policy} FY{run.fiscal_year}, {run.status}): not in the "
                                    "ledger (inserted, or a review from before the ledger)"))


def _statuses(table_runs: dict[int, ReviewRun], entries: list[LedgerEntry], run_entries: dict,
              out: Verification) -> None:
    """The ledger's order says which run of a year is current: the last complete one."""
    last: dict[tuple[str, int], int] = {}
    for e in entries:
        if e.kind == "run" and orjson.loads(e.body).get("status") == "complete":
            body = orjson.loads(e.body)
            last[(body.get("policy"), body.get("fiscal_year"))] = e.ref
    for rid, e in run_entries.items():
        run = table_runs.get(rid)
        if run is None:
            continue
        status = orjson.loads(e.body).get("status")
        if status == "complete":
            expected = ("complete", True) if last.get((run.policy, run.fiscal_year)) == rid else ("superseded", False)
        else:
            expected = (status, False)
        if (run.status, bool(run.current)) != expected:
            out.problems.append(Problem(e.seq, f"台帳 #{e.seq}（審査 run {rid}）: 状態が {run.status}"
                                               f"{'（現行）' if run.current else ''} ですが、台帳によれば {expected[0]}"
                                               f"{'（現行）' if expected[1] else ''} です",
                                        f"ledger #{e.seq} (review run {rid}): its status is {run.status}"
                                        f"{' (current)' if run.current else ''}, but by the ledger it is {expected[0]}"
                                        f"{' (current)' if expected[1] else ''}"))


PEOPLE = {"override": (Override, people.override_body, "上書き", "override", "review_override"),
          "revocation": (Revocation, people.revocation_body, "取消", "revocation", "certification_revocation")}


def _people(session: Session, entries: list[LedgerEntry], out: Verification) -> None:
    """Each override and revocation against its entry: edited, deleted, or inserted without one."""
    for kind, (table, body_of, ja, en, name) in PEOPLE.items():
        rows = {r.id: r for r in session.exec(select(table)).all()}
        attested = set()
        for e in entries:
            if e.kind != kind:
                continue
            attested.add(e.ref)
            row = rows.get(e.ref)
            what, what_en = f"台帳 #{e.seq}（{ja} {e.ref}）", f"ledger #{e.seq} ({en} {e.ref})"
            if row is None:
                out.problems.append(Problem(e.seq, f"{what}: {name} の行 id {e.ref} がありません（削除されています）",
                                            f"{what_en}: {name} row id {e.ref} is missing (it has been deleted)"))
                continue
            recorded, now = orjson.loads(e.body), body_of(row)
            changed = [k for k in sorted(set(recorded) | set(now)) if recorded.get(k) != now.get(k)]
            if changed:
                out.problems.append(Problem(e.seq, f"{what}: 職員 {row.staff_id} の{ja}の {', '.join(changed)} が"
                                                   f"台帳の記録と異なります（{name} id {row.id} が改変されています）",
                                            f"{what_en}: staff {row.staff_id}'s {en}: {', '.join(changed)} differs from "
                                            f"the ledger's record ({name} id {row.id} has been altered)"))
        for rid in sorted(set(rows) - attested):
            out.problems.append(Problem(None, f"{ja} {rid}（{name}、職員 {rows[rid].staff_id}）: 台帳に記録が"
                                              "ありません（挿入されています）",
                                        f"{en} {rid} ({name}, staff {rows[rid].staff_id}): not in the ledger (it has "
                                        "been inserted)"))


def _short(value) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= 60 else text[:57] + "…"
