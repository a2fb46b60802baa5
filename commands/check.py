"""``nintei check``: the policy writers' Gherkin examples (features/), reported in plain words;
``--coverage``: which conditions of the rules the examples exercise (engine/coverage/)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import db_option, lang_option, say


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--coverage", is_flag=True,
              help="例がどの条件を満たした・満たさなかったかの網羅（規則ファイルの行つき）と、数値の基準値の境界を報告する")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default=None,
              help="--coverage の出力形式（既定: text）")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="--coverage の網羅率（合計）がこの値を下回れば終了コード 1")
@lang_option()
@db_option
def check_cmd(paths: tuple[Path, ...], coverage: bool, fmt: str | None, fail_under: float | None, lang: str) -> None:
    """Gherkin の仕様書（既定: features/）を実行し、どの規則のどの例が失敗したかを平易に報告します。

    \b
    例:
      nintei check
      nintei check features/moka.feature --lang en
      nintei check --coverage features/moka.feature
      nintei check --coverage --fail-under 80 --format json
    """
    if not coverage and (fmt is not None or fail_under is not None):
        raise click.UsageError("--format と --fail-under は --coverage と一緒に使います"
                               "（例: nintei check --coverage --fail-under 80）")
    try:
        from engine.check import run_check
    except ModuleNotFoundError as err:
        if err.name not in ("engine.check",):
            raise
        say("check はまだ使えません: engine/check.py がありません。", err=True)
        sys.exit(1)
    where = [str(p) for p in paths] or ["features"]
    if coverage:
        from engine.coverage import run_coverage

        sys.exit(run_coverage(where, lang, fmt or "text", fail_under))
    sys.exit(run_check(where, lang))
