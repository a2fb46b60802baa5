"""``nintei runs`` and ``nintei audit verify``: the stored review runs, and the ledger checked."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import click

from facts.shown import in_json, one_line

from .common import FISCAL_YEAR, db_option, in_lang, lang_option, open_db, say

JST = ZoneInfo("Asia/Tokyo")
STATUS_JA = {"complete": "完了（現行）", "superseded": "完了（置換済み）", "failed": "失敗", "running": "実行中"}
STATUS_EN = {"complete": "complete (current)", "superseded": "complete (superseded)", "failed": "failed",
             "running": "running"}
RUNS_HEADER = {"ja": ["run", "方針", "年度", "開始", "終了", "実行者", "状態", "ルールの版", "事実", "職員", "判定"],
               "en": ["run", "policy", "year", "started", "finished", "by", "status", "rules version", "facts", "staff",
                      "decisions"]}
MAX_LINES = 50


def local_time(value: datetime | None) -> str:
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(JST).strftime("%Y-%m-%d %H:%M")


@click.command("runs")
@click.option("--policy", "-p", default=None, metavar="POLICY", help="この方針の審査だけ")
@click.option("--fiscal-year", "-y", "fiscal_year", type=FISCAL_YEAR, default=None, help="この年度の審査だけ")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@lang_option(what="表示")
@db_option
@click.pass_context
def runs_cmd(ctx: click.Context, policy: str | None, fiscal_year: int | None, fmt: str, lang: str) -> None:
    """保存されている審査の一覧: id、方針、年度、開始・終了（日本時間）、実行者、状態、
    ルールの版、事実のハッシュ、件数。中断された審査はここで「失敗」と記録されます。"""
    from sqlmodel import Session, select

    from engine import runs
    from engine.tables import ReviewRun

    db = open_db(ctx)
    runs.reap(db)
    with Session(db) as session:
        q = select(ReviewRun).order_by(ReviewRun.id)
        if policy:
            q = q.where(ReviewRun.policy == policy)
        if fiscal_year is not None:
            q = q.where(ReviewRun.fiscal_year == fiscal_year)
        rows = session.exec(q).all()
    if fmt == "json":
        click.echo(in_json(json.dumps([{
            "run": r.id, "policy": r.policy, "fiscal_year": r.fiscal_year, "started_at": runs.iso(r.started_at),
            "finished_at": runs.iso(r.finished_at), "by": r.ran_by, "status": r.status, "current": r.current,
            "rules_version": r.rules_version, "code": r.nintei_version, "facts_hash": r.facts_hash,
            "staff": r.staff_count, "decisions": r.decision_count} for r in rows], ensure_ascii=False, indent=2)))
        return
    if not rows:
        say(in_lang(lang, "保存されている審査はありません。", "No review runs are stored."))
        return
    header = RUNS_HEADER[lang]
    table = [header] + [[str(r.id), r.policy, f"{r.fiscal_year}", local_time(r.started_at), local_time(r.finished_at),
                         r.ran_by or "-", _status(r.status, r.current, lang), r.rules_version[:12],
                         (r.facts_hash or "-")[:12], f"{r.staff_count:,}", f"{r.decision_count:,}"] for r in rows]
    table = [[one_line(cell) for cell in row] for row in table]  # who ran it: a login name, as given
    widths = [max(_width(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        say("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)).rstrip())


def _status(status: str, current: bool, lang: str) -> str:
    if status == "complete" and not current:  # complete, and not (yet) marked current
        return in_lang(lang, "完了", "complete")
    return (STATUS_EN if lang == "en" else STATUS_JA).get(status, status)


def _known_run(db, run_id: int) -> None:
    """``--run`` names a review the database or its ledger knows (a run whose row was deleted is
    still in the ledger: verify finds that); else exit 1, not "intact" for nothing checked."""
    from sqlmodel import Session, select

    from engine.errors import ReviewError
    from engine.tables import ReviewRun
    from facts.ledger import LedgerEntry

    with Session(db) as session:
        if session.get(ReviewRun, run_id) is not None or session.exec(select(LedgerEntry.seq).where(
                LedgerEntry.kind == "run", LedgerEntry.ref == run_id)).first() is not None:
            return
    raise ReviewError(f"審査 run {run_id} はありません（`nintei runs` で一覧を確かめてください）",
                      en=f"there is no review run {run_id} (`nintei runs` lists them)")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@click.group("audit")
def audit_group() -> None:
    """監査: 台帳（審査・判定・取込・上書き・取消・訂正のハッシュの連鎖）の検証と再判定。"""


@audit_group.command("verify")
@click.option("--run", "run_id", type=int, default=None, metavar="RUN", help="この審査の判定だけを検証（台帳の連鎖は全体を検証）")
@click.option("--head", "kept_head", default=None, metavar="HASH",
              help="以前に書き留めた台帳の先頭ハッシュ: それが今も台帳の項目であることも確かめる")
@lang_option(what="表示")
@db_option
@click.pass_context
def verify_cmd(ctx: click.Context, run_id: int | None, kept_head: str | None, lang: str) -> None:
    """台帳を検証します: 項目のハッシュと連鎖、各審査とその判定、事実の取込。
    改変・削除・挿入があれば、最初に検証できない項目を示して終了コード 1 で終わります。
    台帳が空（まだ何も取り込み・審査していない）なら、そう言って終了コード 0 で終わります。"""
    from engine.audit import KIND_EN, KIND_JA, verify

    db = open_db(ctx)
    if run_id is not None:
        _known_run(db, run_id)
    result = verify(db, run_id)
    if kept_head is not None:
        from engine.audit import Problem
        from facts.ledger import LedgerEntry
        from sqlmodel import Session, select

        with Session(db) as session:
            seq = session.exec(select(LedgerEntry.seq).where(LedgerEntry.hash == kept_head.strip().lower())).first()
        if seq is None:
            result.problems.insert(0, Problem(None, f"書き留めた先頭ハッシュ {kept_head} が台帳にありません"
                                                    "（台帳がその時点より前から作り直されています）",
                                              f"the head hash you kept, {kept_head}, is not in the ledger (the ledger "
                                              "has been rebuilt from before that point)"))
        else:
            say(in_lang(lang, f"書き留めた先頭ハッシュは台帳 #{seq} の項目です（それ以降 {result.entries - seq:,} 項目）。",
                        f"The head hash you kept is ledger entry #{seq} ({result.entries - seq:,} entries since)."))
    if result.intact and not result.entries:
        say(in_lang(lang, "台帳は空です: まだ何も取り込み・審査していないため、検証するものはありません。",
                    "The ledger is empty: nothing has been imported or reviewed yet, so there is nothing to verify."))
        return
    kinds = (", " if lang == "en" else "、").join(f"{(KIND_EN if lang == 'en' else KIND_JA).get(k, k)} {n:,}"
                                                  for k, n in sorted(result.counts.items()))
    scope = (in_lang(lang, f"（審査 run {run_id} の判定）", f" (the decisions of review run {run_id})")
             if run_id is not None else "")
    if result.intact:
        say(in_lang(lang, f"台帳は完全です{scope}: 項目 {result.entries:,} 件（{kinds}）、審査 {result.runs_checked:,} 件、"
                          f"判定 {result.decisions_checked:,} 件を検証しました。",
                    f"The ledger is intact{scope}: verified {result.entries:,} entries ({kinds}), "
                    f"{result.runs_checked:,} review run(s) and {result.decisions_checked:,} decision(s)."))
        say(in_lang(lang, "台帳の先頭ハッシュ: ", "Ledger head hash: ") + result.head)
        return
    first = result.problems[0]
    say(in_lang(lang, f"台帳の検証に失敗しました{scope}: 問題 {len(result.problems):,} 件。",
                f"The ledger does not verify{scope}: {len(result.problems):,} problem(s)."))
    say(in_lang(lang, "最初に検証できない項目: ", "First entry that does not verify: ") + first.text(lang))
    for p in result.problems[1:MAX_LINES]:
        say(f"  {p.text(lang)}")
    _more(len(result.problems), lang)
    ctx.exit(1)


def _more(count: int, lang: str) -> None:
    """The line that says how many were not listed (after MAX_LINES)."""
    if count > MAX_LINES:
        say(in_lang(lang, f"  ……ほか {count - MAX_LINES:,} 件", f"  ... and {count - MAX_LINES:,} more"))


@audit_group.command("replay")
@click.argument("run_id", type=int, metavar="RUN")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N", help="判定に使うプロセス数")
@lang_option(what="表示")
@db_option
@click.pass_context
def replay_cmd(ctx: click.Context, run_id: int, workers: int | None, lang: str) -> None:
    """審査 RUN を、台帳に記録されたもの（その審査のルール・パラメータ・事実・既認定）だけから
    再判定し、記録された判定と比べます。すべて同じなら終了コード 0、違いがあれば一覧を示して 1。"""
    from engine.replay import replay

    db = open_db(ctx)
    r = replay(db, run_id, workers=workers)
    run = r.run
    now = r.code_now
    if lang == "en":
        say(f"Judged review run {run.id} ({run.policy} FY{run.fiscal_year}, run {local_time(run.finished_at)} by "
            f"{run.ran_by or '-'}) again from what the ledger recorded.",
            f"  Rules: the version the run recorded, {run.rules_version[:12]} (not today's rule files); facts: the fact "
            f"rows as they stood when it started (up to id {run.facts_upto or 0}); code that judged: "
            f"{run.nintei_version or 'unknown'}{'' if run.nintei_version == now else f' (now {now})'}")
    else:
        say(f"審査 run {run.id}（{run.policy} {run.fiscal_year}年度、{local_time(run.finished_at)} 実行、"
            f"実行者 {run.ran_by or '-'}）を台帳の記録から再判定しました。",
            f"  ルール: 審査が記録した版 {run.rules_version[:12]}（今のルールファイルではなく）; "
            f"事実: 審査開始時点の事実行（id {run.facts_upto or 0} まで）; 判定したコード: {run.nintei_version or '不明'}"
            f"{'' if run.nintei_version == now else f'（現在は {now}）'}")
    if r.parameters_differ:
        say(in_lang(lang, "  パラメータ: 記録されたルールから求めた値が、記録された値と異なります",
                    "  Parameters: the values computed from the recorded rules differ from the recorded values"))
    if r.identical:
        say(in_lang(lang, f"結果: すべて同じです（職員 {r.staff:,} 人、判定 {r.decisions:,} 件）。",
                    f"Result: all the same ({r.staff:,} staff, {r.decisions:,} decisions)."))
        return
    say(in_lang(lang, f"結果: 記録と異なる判定があります（{len(r.differences):,} 件）:",
                f"Result: {len(r.differences):,} decision(s) differ from the record:"))
    for d in r.differences[:MAX_LINES]:
        say(f"  {d.line(lang)}")
    _more(len(r.differences), lang)
    ctx.exit(1)
