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
from facts.tables import FactCorrection, FactRow, ImportBatch

from . import people, runs, stored
from .review import judgement_hash
from .tables import DecisionRow, JudgementRow, Override, ReviewRun, Revocation

KIND_JA = {"run": "審査", "import": "取込", "override": "上書き", "revocation": "取消", "correction": "訂正"}


@dataclass
class Problem:
    seq: int | None  # the ledger entry concerned (None: a row no entry attests)
    message: str


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
                                                       f"（#{run_entries[e.ref].seq} と #{e.seq}）"))
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
            _facts(session, entries, out)
    out.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return out


def _chain(entries: list[LedgerEntry], out: Verification) -> None:
    prev = GENESIS
    for e in entries:
        out.entries += 1
        out.counts[e.kind] = out.counts.get(e.kind, 0) + 1
        what = f"台帳 #{e.seq}（{KIND_JA.get(e.kind, e.kind)} {e.ref}）"
        if e.prev != prev:
            out.problems.append(Problem(e.seq, f"{what}: 直前の項目とつながっていません"
                                               "（この前の項目が削除・挿入・改変されています）"))
        if ledger.entry_hash(e.prev, e.kind, e.ref, e.body) != e.hash:
            out.problems.append(Problem(e.seq, f"{what}: 内容がハッシュと一致しません（項目が改変されています）"))
        prev = e.hash
    out.head = prev


def _run(session: Session, e: LedgerEntry, run: ReviewRun | None, by_seq: dict, out: Verification) -> None:
    name = f"台帳 #{e.seq}（審査 run {e.ref}）"
    if run is None:
        out.problems.append(Problem(e.seq, f"{name}: 審査 run {e.ref} が review_run にありません（削除されています）"))
        return
    out.runs_checked += 1
    recorded = orjson.loads(e.body)
    decisions = _judgements(session, e, run, recorded.get("decisions") or {}, out)
    body = runs.run_body(run, decisions)
    if recorded.get("status") == "complete" and run.status == "superseded":
        body["status"] = "complete"  # superseded later: the ledger's order says so (checked below)
    for key in sorted(set(body) | set(recorded)):
        if key != "decisions" and body.get(key) != recorded.get(key):
            out.problems.append(Problem(e.seq, f"{name}: {key} が台帳の記録と異なります"
                                               f"（台帳: {_short(recorded.get(key))}、現在: {_short(body.get(key))}）"))
    facts = recorded.get("facts") or {}
    if facts.get("entry") is not None:
        seen = by_seq.get(facts["entry"])
        if seen is None or seen.hash != facts.get("hash"):
            out.problems.append(Problem(e.seq, f"{name}: 判定に使った事実の台帳項目 #{facts['entry']} が"
                                               "記録と一致しません"))


def _judgements(session: Session, e: LedgerEntry, run: ReviewRun, recorded: dict, out: Verification) -> dict:
    """The run's judgement chain, row by row; and its decision rows against the judgements."""
    name = f"台帳 #{e.seq}（審査 run {run.id}）"
    prev = ledger.chain_start("run", run.id)
    count = 0
    outcomes: dict[str, dict] = {}
    rows = session.execute(sa_select(JudgementRow.id, JudgementRow.staff_id, JudgementRow.data, JudgementRow.prev,
                                     JudgementRow.hash).where(JudgementRow.run_id == run.id)
                           .order_by(JudgementRow.id))
    for jid, staff_id, data, row_prev, row_hash in rows:
        count += 1
        where = f"{name}: 職員 {staff_id} の判定（review_judgement id {jid}）"
        if row_prev != prev:
            out.problems.append(Problem(e.seq, f"{where}: 直前の判定とつながっていません"
                                               "（この前の判定が削除または挿入されています）"))
        if row_prev is None or judgement_hash(row_prev, run.id, staff_id, data) != row_hash:
            out.problems.append(Problem(e.seq, f"{where}: 内容がハッシュと一致しません（改変されています）"))
        prev = row_hash or prev
        try:
            outcomes[staff_id] = stored.load(data).get("o", {})
        except (orjson.JSONDecodeError, ValueError, zlib.error):
            out.problems.append(Problem(e.seq, f"{where}: JSON として読めません（改変されています）"))
    if not count and recorded.get("legacy"):  # decisions stored whole, before compact judgements
        from .adopt import legacy_digest

        if legacy_digest(session.connection(), run.id) != recorded["legacy"]:
            out.problems.append(Problem(e.seq, f"{name}: 判定（台帳導入前の形式）が台帳の記録と異なります"
                                               "（改変・削除・挿入されています）"))
        return recorded
    if recorded and (recorded.get("count") != count or recorded.get("head") != prev):
        out.problems.append(Problem(e.seq, f"{name}: 判定の数または末尾が台帳の記録と異なります（台帳: "
                                           f"{recorded.get('count')} 件、現在: {count} 件; 末尾の判定が削除・追加されています）"))
    _decision_rows(session, e, run, outcomes, out)
    return {"count": recorded.get("count"), "head": recorded.get("head")} if recorded else {"count": count, "head": prev}


def _decision_rows(session: Session, e: LedgerEntry, run: ReviewRun, outcomes: dict[str, dict],
                   out: Verification) -> None:
    name = f"台帳 #{e.seq}（審査 run {run.id}）"
    seen: set[tuple[str, str]] = set()
    rows = session.execute(sa_select(DecisionRow.id, DecisionRow.staff_id, DecisionRow.certification,
                                     DecisionRow.outcome, DecisionRow.policy, DecisionRow.fiscal_year,
                                     DecisionRow.decision).where(DecisionRow.run_id == run.id).order_by(DecisionRow.id))
    for did, staff_id, cert, outcome, policy, year, legacy in rows:
        out.decisions_checked += 1
        where = f"{name}: 職員 {staff_id} の {cert} の判定（review_decision id {did}）"
        judged = outcomes.get(staff_id, {}).get(cert)
        if judged is None or (staff_id, cert) in seen:
            out.problems.append(Problem(e.seq, f"{where}: 判定の記録にない行です（挿入されています）"))
        elif outcome != judged or policy != run.policy or year != run.fiscal_year or legacy:
            out.problems.append(Problem(e.seq, f"{where}: 結果が判定の記録（{judged}）と異なります"
                                               f"（{outcome} に改変されています）"))
        seen.add((staff_id, cert))
    for staff_id, certs in outcomes.items():
        for cert in certs:
            if (staff_id, cert) not in seen:
                out.problems.append(Problem(e.seq, f"{name}: 職員 {staff_id} の {cert} の判定の行がありません"
                                                   "（削除されています）"))


def _unattested(table_runs: dict[int, ReviewRun], run_entries: dict, run_id: int | None, out: Verification) -> None:
    for rid, run in sorted(table_runs.items()):
        if rid in run_entries or (run_id is not None and rid != run_id) or run.status == "running":
            continue
        out.problems.append(Problem(None, f"審査 run {rid}（{run.policy} {run.fiscal_year}年度、{run.status}）: "
                                          "台帳に記録がありません（挿入されたか、台帳より前の審査です）"))


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
                                               f"{'（現行）' if expected[1] else ''} です"))


PEOPLE = {"override": (Override, people.override_body, "上書き", "review_override"),
          "revocation": (Revocation, people.revocation_body, "取消", "certification_revocation")}


def _people(session: Session, entries: list[LedgerEntry], out: Verification) -> None:
    """Each override and revocation against its entry: edited, deleted, or inserted without one."""
    for kind, (table, body_of, ja, name) in PEOPLE.items():
        rows = {r.id: r for r in session.exec(select(table)).all()}
        attested = set()
        for e in entries:
            if e.kind != kind:
                continue
            attested.add(e.ref)
            row = rows.get(e.ref)
            what = f"台帳 #{e.seq}（{ja} {e.ref}）"
            if row is None:
                out.problems.append(Problem(e.seq, f"{what}: {name} の行 id {e.ref} がありません（削除されています）"))
                continue
            recorded, now = orjson.loads(e.body), body_of(row)
            changed = [k for k in sorted(set(recorded) | set(now)) if recorded.get(k) != now.get(k)]
            if changed:
                out.problems.append(Problem(e.seq, f"{what}: 職員 {row.staff_id} の{ja}の {', '.join(changed)} が"
                                                   f"台帳の記録と異なります（{name} id {row.id} が改変されています）"))
        for rid in sorted(set(rows) - attested):
            out.problems.append(Problem(None, f"{ja} {rid}（{name}、職員 {rows[rid].staff_id}）: 台帳に記録が"
                                              "ありません（挿入されています）"))


def _short(value) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= 60 else text[:57] + "…"


def _facts(session: Session, entries: list[LedgerEntry], out: Verification) -> None:
    """Every fact row in the chain of the import that stored it; every replacement a correction's."""
    imports = {e.ref: e for e in entries if e.kind == "import"}
    batches = {b.id: b for b in session.exec(select(ImportBatch)).all()}
    chains: dict[int | None, tuple[int, str]] = {}
    unattested: dict[int | None, list] = {}
    replaced: dict[int, int] = {}
    conn = session.connection()
    rows = conn.execute(sa_select(FactRow.id, FactRow.import_id, FactRow.record_type, FactRow.staff_id,
                                  FactRow.fiscal_year, FactRow.data, FactRow.source_file, FactRow.source_sheet,
                                  FactRow.source_row, FactRow.hash, FactRow.replaced_by)
                        .order_by(FactRow.import_id, FactRow.id))
    for rid, batch, rtype, staff, year, data, file, sheet, row, stored, replaced_by in rows:
        out.facts_checked += 1
        if replaced_by is not None:
            replaced[rid] = replaced_by
        entry = imports.get(batch)
        if entry is None:
            unattested.setdefault(batch, []).append((rid, _where(file, sheet, row)))
            continue
        count, prev = chains.get(batch, (0, ledger.chain_start("import", batch)))
        if ledger.fact_hash(prev, rtype, staff, year, data, file, sheet, row) != stored:
            out.problems.append(Problem(entry.seq, f"台帳 #{entry.seq}（取込 {batch}）: 事実行 id {rid}"
                                                   f"（{_where(file, sheet, row)}）が検証できません（改変されたか、"
                                                   "取込の中でその前の行が削除されています）"))
        chains[batch] = (count + 1, stored or prev)
    for batch, e in imports.items():
        recorded = orjson.loads(e.body)
        count, head = chains.get(batch, (0, ledger.chain_start("import", batch)))
        b = batches.get(batch)
        if b is None:
            out.problems.append(Problem(e.seq, f"台帳 #{e.seq}（取込 {batch}）: import_batch の行がありません（削除されています）"))
            continue
        now = ledger.import_body(b, count, head)
        for key in sorted(set(now) | set(recorded)):
            if now.get(key) != recorded.get(key):
                what = ("事実行の数または末尾（台帳: {} 件、現在: {} 件; 末尾の行が削除・追加されています）"
                        .format(recorded.get("rows"), count) if key in ("rows", "head") else key)
                out.problems.append(Problem(e.seq, f"台帳 #{e.seq}（取込 {batch}）: {what} が台帳の記録と異なります"))
                if key in ("rows", "head"):
                    break
    for batch, found in unattested.items():
        rid, where = found[0]
        out.problems.append(Problem(None, f"事実行 id {rid}（{where}）ほか {len(found) - 1:,} 件: 台帳にない取込"
                                          f"（{batch}）の行です（挿入されています）" if len(found) > 1 else
                                          f"事実行 id {rid}（{where}）: 台帳にない取込（{batch}）の行です（挿入されています）"))
    _corrections(session, entries, replaced, out)


def _corrections(session: Session, entries: list[LedgerEntry], replaced: dict[int, int], out: Verification) -> None:
    expected: dict[int, int] = {}
    by_import: dict[int, list] = {}
    for c in session.exec(select(FactCorrection)).all():
        by_import.setdefault(c.import_id, []).append(c)
    attested: set[int] = set()
    for e in entries:
        if e.kind != "correction":
            continue
        attested.add(e.ref)
        recorded = orjson.loads(e.body)
        now = ledger.correction_body(e.ref, by_import.get(e.ref, []))
        if now != recorded:
            out.problems.append(Problem(e.seq, f"台帳 #{e.seq}（訂正、取込 {e.ref}）: 訂正の記録（fact_correction）が"
                                               "台帳の記録と異なります（改変・削除されています）"))
        for c in recorded.get("corrections", []):
            expected[c["old_row"]] = c["new_row"]
    for import_id in sorted(set(by_import) - attested):
        out.problems.append(Problem(None, f"訂正（取込 {import_id}）: 台帳に記録がありません（挿入されています）"))
    for old in sorted(set(expected) | set(replaced)):
        if expected.get(old) != replaced.get(old):
            out.problems.append(Problem(None, f"事実行 id {old}: 訂正の記録では {expected.get(old) or 'なし'} に"
                                              f"置き換えられていますが、表では {replaced.get(old) or 'なし'} です（改変されています）"))


def _where(file: str, sheet: str | None, row: int) -> str:
    return f"{file}:{sheet}:{row}" if sheet else f"{file}:{row}"
