"""``nintei runs`` and ``nintei audit verify``: the stored review runs, and the ledger checked."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import click

from facts.shown import in_json, one_line

from .common import FISCAL_YEAR, db_option, open_db, say

JST = ZoneInfo("Asia/Tokyo")
STATUS_JA = {"complete": "完了（現行）", "superseded": "完了（置換済み）", "failed": "失敗", "running": "実行中"}
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
@db_option
@click.pass_context
def runs_cmd(ctx: click.Context, policy: str | None, fiscal_year: int | None, fmt: str) -> None:
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
        say("保存されている審査はありません。")
        return
    header = ["run", "方針", "年度", "開始", "終了", "実行者", "状態", "ルールの版", "事実", "職員", "判定"]
    table = [header] + [[str(r.id), r.policy, f"{r.fiscal_year}", local_time(r.started_at), local_time(r.finished_at),
                         r.ran_by or "-", STATUS_JA.get(r.status, r.status) if r.status != "complete" or r.current
                         else "完了", r.rules_version[:12], (r.facts_hash or "-")[:12], f"{r.staff_count:,}",
                         f"{r.decision_count:,}"] for r in rows]
    table = [[one_line(cell) for cell in row] for row in table]  # who ran it: a login name, as given
    widths = [max(_width(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        say("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)).rstrip())


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
@db_option
@click.pass_context
def verify_cmd(ctx: click.Context, run_id: int | None, kept_head: str | None) -> None:
    """台帳を検証します: 項目のハッシュと連鎖、各審査とその判定、事実の取込。
    改変・削除・挿入があれば、最初に検証できない項目を示して終了コード 1 で終わります。"""
    from engine.audit import KIND_JA, verify

    db = open_db(ctx)
    result = verify(db, run_id)
    if kept_head is not None:
        from engine.audit import Problem
        from facts.ledger import LedgerEntry
        from sqlmodel import Session, select

        with Session(db) as session:
            seq = session.exec(select(LedgerEntry.seq).where(LedgerEntry.hash == kept_head.strip().lower())).first()
        if seq is None:
            result.problems.insert(0, Problem(None, f"書き留めた先頭ハッシュ {kept_head} が台帳にありません"
                                                    "（台帳がその時点より前から作り直されています）"))
        else:
            say(f"書き留めた先頭ハッシュは台帳 #{seq} の項目です（それ以降 {result.entries - seq:,} 項目）。")
    kinds = "、".join(f"{KIND_JA.get(k, k)} {n:,}" for k, n in sorted(result.counts.items()))
    scope = f"（審査 run {run_id} の判定）" if run_id is not None else ""
    if result.intact:
        say(f"台帳は完全です{scope}: 項目 {result.entries:,} 件（{kinds or 'なし'}）、審査 {result.runs_checked:,} 件、"
            f"判定 {result.decisions_checked:,} 件を検証しました。")
        say(f"台帳の先頭ハッシュ: {result.head}")
        return
    first = result.problems[0]
    say(f"台帳の検証に失敗しました{scope}: 問題 {len(result.problems):,} 件。", err=False)
    say(f"最初に検証できない項目: {first.message}")
    for p in result.problems[1:MAX_LINES]:
        say(f"  {p.message}")
    if len(result.problems) > MAX_LINES:
        say(f"  ……ほか {len(result.problems) - MAX_LINES:,} 件")
    ctx.exit(1)


@audit_group.command("replay")
@click.argument("run_id", type=int, metavar="RUN")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N", help="判定に使うプロセス数")
@db_option
@click.pass_context
def replay_cmd(ctx: click.Context, run_id: int, workers: int | None) -> None:
    """審査 RUN を、台帳に記録されたもの（その審査のルール・パラメータ・事実・既認定）だけから
    再判定し、記録された判定と比べます。すべて同じなら終了コード 0、違いがあれば一覧を示して 1。"""
    from engine.replay import replay

    db = open_db(ctx)
    r = replay(db, run_id, workers=workers)
    run = r.run
    say(f"審査 run {run.id}（{run.policy} {run.fiscal_year}年度、{local_time(run.finished_at)} 実行、"
        f"実行者 {run.ran_by or '-'}）を台帳の記録から再判定しました。")
    say(f"  ルール: 審査が記録した版 {run.rules_version[:12]}（今のルールファイルではなく）; "
        f"事実: 審査開始時点の事実行（id {run.facts_upto or 0} まで）; 判定したコード: {run.nintei_version or '不明'}"
        f"{'' if run.nintei_version == r.code_now else f'（現在は {r.code_now}）'}")
    if r.parameters_differ:
        say("  パラメータ: 記録されたルールから求めた値が、記録された値と異なります")
    if r.identical:
        say(f"結果: すべて同じです（職員 {r.staff:,} 人、判定 {r.decisions:,} 件）。")
        return
    say(f"結果: 記録と異なる判定があります（{len(r.differences):,} 件）:")
    for d in r.differences[:MAX_LINES]:
        say(f"  {d.line()}")
    if len(r.differences) > MAX_LINES:
        say(f"  ……ほか {len(r.differences) - MAX_LINES:,} 件")
    ctx.exit(1)
