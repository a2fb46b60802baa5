"""``nintei rules impact PATH``: whom an edited rule file would affect, before it is adopted
(engine/impact). Registered under ``rules`` (commands/rules.py)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from facts.shown import in_json

from .common import check_out, db_option, fiscal_year_option, format_from_out, in_lang, lang_option, open_db, say
from .review import _plain_table, _write

_SUFFIXES = {".json": "json", ".csv": "csv", ".txt": "text"}


@click.command("impact")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@fiscal_year_option
@click.option("--policy", "-p", default=None, metavar="POLICY",
              help="PATH がフォルダで方針が複数あるとき、どの方針か（既定: PATH が定める方針）")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default=None,
              help="出力形式（既定: text。--out の拡張子 .json / .csv / .txt からも決まる）")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="標準出力ではなくこのファイルに書く（例: 影響.csv）")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="判定に使うプロセス数（既定: 使えるCPUコアの数。$NINTEI_WORKERS でも指定可）")
@lang_option(what="出力")
@db_option
@click.pass_context
def impact_cmd(ctx: click.Context, path: Path, fiscal_year: int, policy: str | None, fmt: str | None,
               out: Path | None, workers: int | None, lang: str) -> None:
    """編集した規則ファイル（下書き）を採用する前に、誰の判定が変わるかを示します。

    PATH（規則ファイル、またはそのフォルダ）を `rules lint` と同じく検査し、その方針と年度の現行の
    審査が使った事実と既認定に当てはめて、結果が変わる職員と認定区分（変更前 -> 変更後、変わった
    条件とその数値）、認定区分ごとの件数の変化、値の変わるパラメータを示します。何も保存しません
    （審査・判定・台帳は変わりません）。--format json / csv のとき、標準出力にはその文書だけが出ます。

    \b
    例:
      cp rules/moka.yaml 下書き/moka.yaml   # 下書きを編集してから
      nintei rules impact 下書き/moka.yaml --fiscal-year 令和7年度
      nintei rules impact 下書き/ --policy tarumizu -y R7 --out 影響.csv
      nintei rules impact 下書き/moka.yaml -y 2025 --format json --lang en
    """
    from engine.impact import impact, load_draft
    from engine.impact import output

    fmt = fmt or format_from_out(out, _SUFFIXES, "text")
    check_out(ctx, out)
    if out is not None and _is_draft(out, path):
        raise click.UsageError(in_lang(lang, f"--out {out}: 読み込む下書きの規則ファイルです。別のファイル名を指定してください",
                                       f"--out {out}: that is the draft rule file being read; give another file name"), ctx)
    draft = load_draft(path, policy)
    db = open_db(ctx)
    result = impact(db, draft, fiscal_year, workers=workers)
    counts = _plain_table(output.counts_headers(lang), output.counts_rows(result, lang))
    if fmt == "json":
        _write(in_json(json.dumps(output.document(result), ensure_ascii=False, indent=2)) + "\n", out, lang)
    elif fmt == "csv":
        _write(output.csv_parts(result, lang), out, lang)
    else:
        title = output.word("counts", lang)
        _write("\n".join([*output.text_lines(result, lang), "", title, counts]), out, lang)
        return
    say(*output.text_lines(result, lang, each=False), *counts.splitlines(), err=True)


def _is_draft(out: Path, path: Path) -> bool:
    """``--out`` naming the draft, or a rule file in the draft folder: the policy writer's work."""
    target = out.expanduser().resolve()
    source = path.expanduser().resolve()
    if source.is_dir():
        return target.parent == source and target.suffix.lower() in (".yaml", ".yml")
    return target == source
