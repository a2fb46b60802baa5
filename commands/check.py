"""``nintei check``: the policy writers' Gherkin examples (features/), reported in plain words."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import db_option, lang_option, say


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@lang_option()
@db_option
def check_cmd(paths: tuple[Path, ...], lang: str) -> None:
    """Gherkin の仕様書（既定: features/）を実行し、どの規則のどの例が失敗したかを平易に報告します。

    \b
    例:
      nintei check
      nintei check features/moka.feature --lang en
    """
    try:
        from engine.check import run_check
    except ModuleNotFoundError as err:
        if err.name not in ("engine.check",):
            raise
        say("check はまだ使えません: engine/check.py がありません。", err=True)
        sys.exit(1)
    sys.exit(run_check([str(p) for p in paths] or ["features"], lang))
