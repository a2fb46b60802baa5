"""``nintei history STAFF_ID`` and ``nintei diff RUN_A RUN_B``."""
from __future__ import annotations

import json

import click

from facts.shown import in_json

from .audit import MAX_LINES, local_time
from .common import db_option, open_db, say

STATUS = {"complete": "現行", "superseded": "置換済み"}


@click.command("history")
@click.argument("staff_id")
@click.option("--policy", "-p", default=None, metavar="POLICY", help="この方針の判定だけ")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
@click.pass_context
def history_cmd(ctx: click.Context, staff_id: str, policy: str | None, fmt: str) -> None:
    """職員の判定の履歴: 年度ごとの審査（置き換えられたものも）とその判定、上書き・取消、
    判定に使った事実の訂正。"""
    from sqlmodel import Session

    from engine.history import history
    from engine.people import OUTCOME_JA, actions_for
    from facts.dates import wareki_year

    db = open_db(ctx)
    entries = history(db, staff_id, policy)
    from engine.people import corrections_of

    corrected = corrections_of(db, {rid: None for e in entries for rid in e.fact_rows})
    with Session(db) as session:
        overrides, revocations = [], []
        for p in sorted({e.run.policy for e in entries} | ({policy} if policy else set())):
            o, r = actions_for(session, p, {staff_id})
            overrides += o
            revocations += r
    if fmt == "json":
        click.echo(in_json(json.dumps({
            "staff_id": staff_id,
            "decisions": [{"policy": e.run.policy, "fiscal_year": e.run.fiscal_year, "run": e.run.id,
                           "status": e.run.status, "outcomes": e.outcomes,
                           "corrections": [corrected[r] for r in sorted(e.fact_rows) if r in corrected]}
                          for e in entries],
            "overrides": [{"id": o.id, "policy": o.policy, "fiscal_year": o.fiscal_year,
                           "certification": o.certification, "outcome": o.outcome, "engine_outcome": o.engine_outcome,
                           "reason": o.reason, "by": o.by, "at": local_time(o.at), "run": o.run_id} for o in overrides],
            "revocations": [{"id": r.id, "policy": r.policy, "certification": r.certification, "reason": r.reason,
                             "by": r.by, "date": r.date.isoformat()} for r in revocations],
        }, ensure_ascii=False, indent=2)))
        return
    if not entries and not overrides and not revocations:
        say(f"職員 {staff_id} の判定はまだありません。")
        return
    say(f"職員 {staff_id} の判定の履歴")
    for e in entries:
        run = e.run
        say("", f"{run.policy} {wareki_year(run.fiscal_year)}（{run.fiscal_year}） 審査 run {run.id}"
            f"（{STATUS.get(run.status, run.status)}、{local_time(run.finished_at)}、{run.ran_by or '-'}）")
        for rid in sorted(e.fact_rows):
            c = corrected.get(rid)
            if c is not None:
                when = f"{c['by']}、{c['at'][:16].replace('T', ' ')}; 理由: {c['reason']}"
                say(f"  訂正された記録を使用: {c['corrected']}（訂正前: {c['earlier']}; {when}）"
                    if c["kind"] == "corrected" else
                    f"  使った記録 {c['earlier']} は後に訂正（訂正後: {c['corrected']}; {when}）")
        for cert, outcome in e.outcomes.items():
            say(f"  {cert}: {OUTCOME_JA.get(outcome, outcome)}")
            for o in overrides:
                if (o.policy, o.fiscal_year, o.certification, o.run_id) == (run.policy, run.fiscal_year, cert, run.id):
                    say(f"    上書き: {OUTCOME_JA.get(o.outcome, o.outcome)}（{o.by}、{local_time(o.at)}; "
                        f"理由: {o.reason}）")
    if revocations:
        say("", "取消")
        for r in revocations:
            say(f"  {r.policy} {r.certification}: {r.date.isoformat()}（{wareki_year(r.fiscal_year)}）付け、"
                f"{r.by}; 根拠: {r.reason}")


@click.command("diff")
@click.argument("run_a", type=int)
@click.argument("run_b", type=int)
@db_option
@click.pass_context
def diff_cmd(ctx: click.Context, run_a: int, run_b: int) -> None:
    """二つの審査で結果が変わった職員と、その原因（ルールの変更か事実の変更か）と変わった条件。"""
    from engine.diff import CAUSE_JA, diff_runs
    from engine.people import OUTCOME_JA

    db = open_db(ctx)
    d = diff_runs(db, run_a, run_b)
    say(f"審査 run {d.a.id}（{d.a.policy} {d.a.fiscal_year}年度、ルール {d.a.rules_version[:12]}）と "
        f"run {d.b.id}（{d.b.fiscal_year}年度、ルール {d.b.rules_version[:12]}）の違い")
    if d.a.rules_content != d.b.rules_content:
        say("  ルールファイルが異なります。")
    if not d.changes:
        say(f"結果が変わった判定はありません（両方にいる職員 {d.same:,} 人）。")
    for c in d.changes[:MAX_LINES]:
        say(f"  職員 {c.staff_id} の {c.label}: {OUTCOME_JA.get(c.before, c.before or 'なし')} → "
            f"{OUTCOME_JA.get(c.after, c.after or 'なし')}（{CAUSE_JA[c.cause]}による）")
        for text, met in c.conditions[:5]:
            say(f"    {'満たすようになった' if met else '満たさなくなった'}: {text}")
    if len(d.changes) > MAX_LINES:
        say(f"  ……ほか {len(d.changes) - MAX_LINES:,} 件")
    for label, ids in (("run {} だけにいる職員".format(d.a.id), d.staff_only_a), ("run {} だけにいる職員".format(d.b.id), d.staff_only_b)):
        if ids:
            say(f"  {label}: {', '.join(ids[:20])}{' ほか' if len(ids) > 20 else ''}（{len(ids):,} 人）")
