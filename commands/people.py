"""``nintei override`` and ``nintei revoke``: people's decisions beside the engine's, in the ledger."""
from __future__ import annotations

from datetime import date

import click

from .common import FISCAL_YEAR, db_option, fiscal_year_option, lang_option, open_db, policy_option, say, worded


class DateType(click.ParamType):
    """A date as the fact files write it: 2026-03-31, 2026/3/31, 令和8年3月31日, R8.3.31."""

    name = "date"

    def get_metavar(self, param, ctx=None) -> str:
        return "DATE"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        from facts.dates import parse_date

        try:
            return parse_date(value)
        except ValueError as err:
            self.fail(worded(err, ctx), param, ctx)


@click.command("override")
@click.argument("staff_id")
@policy_option
@fiscal_year_option
@click.option("--certification", "-c", required=True, metavar="C", help="認定区分の id（例: dx_specialist）")
@click.option("--outcome", required=True, type=click.Choice(["certified", "not_certified"]),
              help="審査担当者の判断: certified（認定）/ not_certified（非認定）")
@click.option("--reason", required=True, metavar="TEXT", help="理由（台帳に残ります）")
@click.option("--by", default=None, metavar="NAME", help="判断した人（既定: ログイン名）")
@lang_option(what="表示")
@db_option
@click.pass_context
def override_cmd(ctx: click.Context, staff_id: str, policy: str, fiscal_year: int, certification: str,
                 outcome: str, reason: str, by: str | None, lang: str) -> None:
    """審査担当者の判断を、その年度の審査の判定の横に記録します（エンジンの判定は置き換えません）。
    次年度以降の審査はこの判断を数えます（認定: 認定済みとして、非認定: 認定されなかったものとして）。"""
    from engine.people import override
    from engine.render import outcome_word
    from facts.dates import wareki_year

    db = open_db(ctx)
    row, entry = override(db, staff_id, policy, fiscal_year, certification, outcome, reason, by)
    engine_outcome, given = outcome_word(row.engine_outcome, lang), outcome_word(outcome, lang)
    if lang == "en":
        say(f"Staff {staff_id}, FY{fiscal_year} {certification}: recorded {row.by}'s decision \"{given}\" beside the "
            f"review's decision \"{engine_outcome}\" (run {row.run_id}) (reason: {row.reason}; ledger #{entry.seq}).",
            "The engine's decision stays as it is. Reviews of later years count this decision.")
        return
    say(f"職員 {staff_id} の {wareki_year(fiscal_year)} {certification}: 審査の判定"
        f"「{engine_outcome}」（run {row.run_id}）の横に、"
        f"{row.by} の判断「{given}」を記録しました（理由: {row.reason}; 台帳 #{entry.seq}）。")
    say("エンジンの判定はそのまま残ります。次年度以降の審査はこの判断を数えます。")


@click.command("revoke")
@click.argument("staff_id")
@policy_option
@click.option("--certification", "-c", required=True, metavar="C", help="取り消す認定区分の id")
@click.option("--reason", required=True, metavar="TEXT", help="取消の根拠（台帳に残ります）")
@click.option("--by", default=None, metavar="NAME", help="取り消した人（既定: ログイン名）")
@click.option("--date", "on", type=DateType(), default=None, help="取消の日（既定: 今日）。2026-03-31, 令和8年3月31日 など")
@lang_option(what="表示")
@db_option
@click.pass_context
def revoke_cmd(ctx: click.Context, staff_id: str, policy: str, certification: str, reason: str, by: str | None,
               on: date | None, lang: str) -> None:
    """認定を取り消します。取消の日の年度以降の審査は、この認定を「認定済み」として読みません。
    これまでの判定は残り、取消はその横に示されます。"""
    from engine.people import revoke
    from facts.dates import wareki_year

    db = open_db(ctx)
    row, entry = revoke(db, staff_id, policy, certification, reason, by, on)
    if lang == "en":
        say(f"Revoked staff {staff_id}'s {certification} as of {row.date.isoformat()} (FY{row.fiscal_year}) "
            f"({row.by}; grounds: {row.reason}; ledger #{entry.seq}).",
            f"Reviews of FY{row.fiscal_year} and later no longer read this certification as held.")
        return
    say(f"職員 {staff_id} の {certification} を {row.date.isoformat()}（{wareki_year(row.fiscal_year)}）付けで"
        f"取り消しました（{row.by}; 根拠: {row.reason}; 台帳 #{entry.seq}）。")
    say(f"{wareki_year(row.fiscal_year)}以降の審査は、この認定を認定済みとして読みません。")


__all__ = ["override_cmd", "revoke_cmd", "FISCAL_YEAR"]
