"""``nintei report``: the review as people read it (engine/report/), as a workbook or a page."""
from __future__ import annotations

from pathlib import Path

import click

from .common import (check_out, db_option, fiscal_year_option, format_from_out, in_lang, lang_option, open_db,
                     policy_option, say, wrote)


@click.command("report")
@policy_option
@fiscal_year_option
@click.option("--format", "fmt", type=click.Choice(["xlsx", "html"]), default=None,
              help="出力形式（既定: --out の拡張子 .xlsx / .html から）")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="書き出すファイル（例: 報告書.xlsx, 報告書.html）")
@lang_option(what="報告書")
@db_option
@click.pass_context
def report_cmd(ctx: click.Context, policy: str, fiscal_year: int, fmt: str | None, out: Path, lang: str) -> None:
    """審査の報告書: 認定区分ごとの人数（新たに認定・保持・非認定・うち記録不足）を計画の目標と
    比べ、所属別・年度別に示し、方針が求める表（研修の受講状況、スキルの不足、トラックの
    レベルなど）を添えます。HTML は外部の読み込みのない1ファイルで、A4 で印刷でき、スマート
    フォンでも読めます。先に `nintei review` でその年度を審査しておいてください。
    --lang en で見出し・列名・表・グラフの文字を英語で書きます（年度は FY2025）。

    \b
    例:
      nintei report --policy moka --fiscal-year 令和7年度 --out 報告書.xlsx
      nintei report -p tarumizu -y R7 --format html --out 報告書.html
      nintei report -p moka -y R7 --lang en --out report.html
    """
    from engine.report import write_report

    fmt = fmt or format_from_out(out, {".xlsx": "xlsx", ".html": "html", ".htm": "html"}, "")
    if not fmt:
        raise click.UsageError(in_lang(lang, f"--out {out}: 形式が決まりません。拡張子を .xlsx か .html にするか、"
                                             "--format xlsx|html を指定してください",
                                       f"--out {out}: which format? End the name in .xlsx or .html, or give "
                                       "--format xlsx|html"), ctx)
    check_out(ctx, out)
    db = open_db(ctx)
    write_report(db, policy, fiscal_year, fmt, out, lang)
    wrote(out, lang)
