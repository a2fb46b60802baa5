"""``audit verify``, the facts' part: every fact row in the chain of the import that stored it
(checked against the import's ledger entry), and every correction against its entry."""
from __future__ import annotations

import orjson
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from facts import ledger
from facts.ledger import LedgerEntry
from facts.tables import FactCorrection, FactRow, ImportBatch

from .audit import Problem, Verification


def check_facts(session: Session, entries: list[LedgerEntry], out: Verification) -> None:
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
                                                   "取込の中でその前の行が削除されています）",
                                        f"ledger #{entry.seq} (import {batch}): fact row id {rid} "
                                        f"({_where(file, sheet, row)}) does not verify (altered, or a row before it in "
                                        "the import has been deleted)"))
        chains[batch] = (count + 1, stored or prev)
    for batch, e in imports.items():
        recorded = orjson.loads(e.body)
        count, head = chains.get(batch, (0, ledger.chain_start("import", batch)))
        b = batches.get(batch)
        if b is None:
            out.problems.append(Problem(e.seq, f"台帳 #{e.seq}（取込 {batch}）: import_batch の行がありません（削除されています）",
                                        f"ledger #{e.seq} (import {batch}): the import_batch row is missing (it has "
                                        "been deleted)"))
            continue
        now = ledger.import_body(b, count, head)
        for key in sorted(set(now) | set(recorded)):
            if now.get(key) != recorded.get(key):
                rows_changed = key in ("rows", "head")
                what = (f"事実行の数または末尾（台帳: {recorded.get('rows')} 件、現在: {count} 件; 末尾の行が削除・"
                        "追加されています）" if rows_changed else key)
                what_en = (f"the number or the last of the fact rows (ledger: {recorded.get('rows')}, now: {count}; "
                           "rows at the end have been deleted or added)" if rows_changed else key)
                out.problems.append(Problem(e.seq, f"台帳 #{e.seq}（取込 {batch}）: {what} が台帳の記録と異なります",
                                            f"ledger #{e.seq} (import {batch}): {what_en} differs from the ledger's "
                                            "record"))
                if key in ("rows", "head"):
                    break
    for batch, found in unattested.items():
        rid, where = found[0]
        more, more_en = (f"ほか {len(found) - 1:,} 件", f" and {len(found) - 1:,} more") if len(found) > 1 else ("", "")
        out.problems.append(Problem(None, f"事実行 id {rid}（{where}）{more}: 台帳にない取込（{batch}）の行です"
                                          "（挿入されています）",
                                    f"fact row id {rid} ({where}){more_en}: rows of an import ({batch}) that the "
                                    "ledger does not hold (inserted)"))
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
                                               "台帳の記録と異なります（改変・削除されています）",
                                        f"ledger #{e.seq} (correction, import {e.ref}): the correction record "
                                        "(fact_correction) differs from the ledger's record (altered or deleted)"))
        for c in recorded.get("corrections", []):
            expected[c["old_row"]] = c["new_row"]
    for import_id in sorted(set(by_import) - attested):
        out.problems.append(Problem(None, f"訂正（取込 {import_id}）: 台帳に記録がありません（挿入されています）",
                                    f"correction (import {import_id}): not in the ledger (it has been inserted)"))
    for old in sorted(set(expected) | set(replaced)):
        if expected.get(old) != replaced.get(old):
            out.problems.append(Problem(None, f"事実行 id {old}: 訂正の記録では {expected.get(old) or 'なし'} に"
                                              f"置き換えられていますが、表では {replaced.get(old) or 'なし'} です（改変されています）",
                                        f"fact row id {old}: by the correction record it was replaced by "
                                        f"{expected.get(old) or 'none'}, but the table says {replaced.get(old) or 'none'} "
                                        "(altered)"))


def _where(file: str, sheet: str | None, row: int) -> str:
    return f"{file}:{sheet}:{row}" if sheet else f"{file}:{row}"
