"""``nintei history STAFF_ID`` and ``nintei diff RUN_A RUN_B``."""
from __future__ import annotations

import json

import click

from facts.shown import in_json

from .audit import MAX_LINES, local_time
from .common import db_option, in_lang, lang_option, open_db, say

# what history and diff say, in Japanese and English side by side (str.format templates)
WORDS: dict[str, tuple[str, str]] = {  # key: (Japanese, English)
    "title": ("職員 {staff} の判定の履歴", "Decisions of staff {staff} over the years"),
    "run": ("{policy} {wareki}（{year}） 審査 run {run}（{status}、{time}、{by}）",
            "{policy} FY{year} review run {run} ({status}, {time}, {by})"),
    "when": ("{by}、{at}; 理由: {reason}", "{by}, {at}; reason: {reason}"),
    "corrected": ("  訂正された記録を使用: {corrected}（訂正前: {earlier}; {when}）",
                  "  used a corrected record: {corrected} (before the correction: {earlier}; {when})"),
    "corrected_later": ("  使った記録 {earlier} は後に訂正（訂正後: {corrected}; {when}）",
                        "  the record it used, {earlier}, was corrected later (now: {corrected}; {when})"),
    "override": ("    上書き: {outcome}（{by}、{at}; 理由: {reason}）",
                 "    override: {outcome} ({by}, {at}; reason: {reason})"),
    "revocations": ("取消", "Revocations"),
    "revocation": ("  {policy} {cert}: {date}（{wareki}）付け、{by}; 根拠: {reason}",
                   "  {policy} {cert}: as of {date} (FY{year}), {by}; grounds: {reason}"),
    "complete": ("現行", "current"),
    "superseded": ("置換済み", "superseded"),
    "diff": ("審査 run {a}（{policy} {year_a}年度、ルール {rules_a}）と run {b}（{year_b}年度、ルール {rules_b}）の違い",
             "Differences between review run {a} ({policy} FY{year_a}, rules {rules_a}) and run {b} (FY{year_b}, "
             "rules {rules_b})"),
    "rules_differ": ("  ルールファイルが異なります。", "  The rule files differ."),
    "no_change": ("結果が変わった判定はありません（両方にいる職員 {same:,} 人）。",
                  "No decision changed outcome ({same:,} staff in both)."),
    "change": ("  職員 {staff} の {label}: {before} → {after}（{cause}による）",
               "  staff {staff}, {label}: {before} -> {after} (by {cause})"),
    "now_met": ("    満たすようになった: {text}", "    now met: {text}"),
    "no_longer_met": ("    満たさなくなった: {text}", "    no longer met: {text}"),
    "more": ("  ……ほか {n:,} 件", "  ... and {n:,} more"),
    "none": ("なし", "none"),
    "only_in": ("  run {run} だけにいる職員: {ids}{more}（{n:,} 人）",
                "  staff only in run {run}: {ids}{more} ({n:,} staff)"),
    "and_more": (" ほか", " and more"),
}


def words(lang: str) -> dict[str, str]:
    return {key: pair[lang == "en"] for key, pair in WORDS.items()}


@click.command("history")
@click.argument("staff_id")
@click.option("--policy", "-p", default=None, metavar="POLICY", help="この方針の判定だけ")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option(what="表示")
@db_option
@click.pass_context
def history_cmd(ctx: click.Context, staff_id: str, policy: str | None, fmt: str, lang: str) -> None:
    """職員の判定の履歴: 年度ごとの審査（置き換えられたものも）とその判定、上書き・取消、
    判定に使った事実の訂正。"""
    from sqlmodel import Session

    from engine.history import history
    from engine.people import actions_for

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
        say(in_lang(lang, f"職員 {staff_id} の判定はまだありません。", f"Staff {staff_id} has no decisions yet."))
        return
    _say_history(staff_id, entries, corrected, overrides, revocations, words(lang), lang)


def _say_history(staff_id: str, entries, corrected: dict, overrides, revocations, w: dict[str, str], lang: str) -> None:
    from engine.render import outcome_word
    from facts.dates import wareki_year

    say(w["title"].format(staff=staff_id))
    for e in entries:
        run = e.run
        say("", w["run"].format(policy=run.policy, wareki=wareki_year(run.fiscal_year), year=run.fiscal_year,
                                run=run.id, status=w.get(run.status, run.status), time=local_time(run.finished_at),
                                by=run.ran_by or "-"))
        for rid in sorted(e.fact_rows):
            c = corrected.get(rid)
            if c is not None:
                when = w["when"].format(by=c["by"], at=c["at"][:16].replace("T", " "), reason=c["reason"])
                say(w["corrected" if c["kind"] == "corrected" else "corrected_later"].format(
                    corrected=c["corrected"], earlier=c["earlier"], when=when))
        for cert, outcome in e.outcomes.items():
            say(f"  {cert}: {outcome_word(outcome, lang)}")
            for o in overrides:
                if (o.policy, o.fiscal_year, o.certification, o.run_id) == (run.policy, run.fiscal_year, cert, run.id):
                    say(w["override"].format(outcome=outcome_word(o.outcome, lang), by=o.by, at=local_time(o.at),
                                             reason=o.reason))
    if revocations:
        say("", w["revocations"])
        for r in revocations:
            say(w["revocation"].format(policy=r.policy, cert=r.certification, date=r.date.isoformat(),
                                       wareki=wareki_year(r.fiscal_year), year=r.fiscal_year, by=r.by,
                                       reason=r.reason))


@click.command("diff")
@click.argument("run_a", type=int)
@click.argument("run_b", type=int)
@lang_option(what="表示")
@db_option
@click.pass_context
def diff_cmd(ctx: click.Context, run_a: int, run_b: int, lang: str) -> None:
    """二つの審査で結果が変わった職員と、その原因（ルールの変更か事実の変更か）と変わった条件。"""
    from engine.diff import diff_runs

    db = open_db(ctx)
    say_diff(diff_runs(db, run_a, run_b), lang)


def say_diff(d, lang: str) -> None:
    """What changed between two runs, and why."""
    w, en = words(lang), lang == "en"
    say(w["diff"].format(a=d.a.id, policy=d.a.policy, year_a=d.a.fiscal_year, rules_a=d.a.rules_version[:12], b=d.b.id,
                         year_b=d.b.fiscal_year, rules_b=d.b.rules_version[:12]))
    if d.a.rules_content != d.b.rules_content:
        say(w["rules_differ"])
    if not d.changes:
        say(w["no_change"].format(same=d.same))
    for c in d.changes[:MAX_LINES]:
        say(change_line(c, lang))
        for text, met in (c.conditions_en if en else c.conditions)[:5]:
            say(w["now_met" if met else "no_longer_met"].format(text=text))
    if len(d.changes) > MAX_LINES:
        say(w["more"].format(n=len(d.changes) - MAX_LINES))
    for run, ids in ((d.a, d.staff_only_a), (d.b, d.staff_only_b)):
        if ids:
            say(w["only_in"].format(run=run.id, ids=", ".join(ids[:20]), more=w["and_more"] if len(ids) > 20 else "",
                                    n=len(ids)))


def change_line(c, lang: str) -> str:
    """A staff member's changed outcome and its cause (engine.diff.Change), as diff and review say it."""
    from engine.diff import CAUSE_EN, CAUSE_JA
    from engine.render import outcome_word

    w, en = words(lang), lang == "en"
    return w["change"].format(staff=c.staff_id, label=(c.label_en or c.label) if en else c.label,
                              before=outcome_word(c.before, lang) if c.before else w["none"],
                              after=outcome_word(c.after, lang) if c.after else w["none"],
                              cause=(CAUSE_EN if en else CAUSE_JA)[c.cause])
