"""``nintei review`` and ``nintei explain``: the annual review with its output (a table on a
terminal, plain text, JSON, CSV; a progress bar), and the stored decisions explained."""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterable

import click

from facts.shown import in_json, one_line, visible

from .common import (check_out, db_option, discarded_if_it_fails, fiscal_year_option, format_from_out, lang_option,
                     open_db, policy_option, say, wrote)
from .importing import import_facts


@click.command("review")
@policy_option
@fiscal_year_option
@click.option("--facts", "facts_paths", multiple=True, metavar="PATH",
              type=click.Path(exists=True, path_type=Path),
              help="審査の前に取り込む事実ファイルまたはフォルダ（複数指定可）")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default=None,
              help="出力形式（既定: table。--out の拡張子 .xlsx / .csv / .json からも決まる）")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="結果を標準出力ではなくこのファイルに書く（例: 結果.xlsx）")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="判定に使うプロセス数（既定: 使えるCPUコアの数。$NINTEI_WORKERS でも指定可）")
@lang_option()
@db_option
@click.pass_context
def review_cmd(ctx: click.Context, policy: str, fiscal_year: int, facts_paths: tuple[Path, ...],
               fmt: str, out: Path | None, workers: int | None, lang: str) -> None:
    """年度の審査: 名簿の全職員を方針の全認定について判定し、保存して表示します。

    --facts があれば先に取り込みます。--format json / csv のとき、標準出力には
    その文書だけが出ます（取り込み件数・警告・進捗は標準エラー出力）。--out 結果.xlsx は
    Excel のブック（職員ごとに1行: 所属・職級・認定区分ごとの結果と未充足の条件、上書き・取消、
    集計のシート）、.csv は Excel でそのまま開ける CSV（UTF-8 BOM 付き）を書きます。

    \b
    例:
      nintei review --policy moka --fiscal-year 令和7年度
      nintei review -p moka -y R7 --out 結果.xlsx
      nintei review -p moka -y R7 --facts facts/samples/moka/ --format json --out 審査.json
    """
    from engine import render
    from engine.results import decisions_csv
    from engine.review import run_review

    fmt = _review_format(ctx, fmt, out)
    check_out(ctx, out)
    db = open_db(ctx, must_exist=not facts_paths)
    if facts_paths:
        with discarded_if_it_fails(ctx, db):
            import_facts(db, facts_paths, to_stderr=True, lang=lang)
    result = _run_with_progress(run_review, db, policy, fiscal_year, workers, lambda d: _say_replaced(d, lang))
    # the decisions are rendered from the store one by one as they are written: only what each
    # output keeps (a row of text, the counts) stays in memory, whatever the size of the review
    seen: list[Any] = []

    def tallied():
        for d in result.iter_decisions():
            seen.append(SimpleNamespace(certification=d.certification, label=d.label, label_en=d.label_en,
                                        outcome=d.outcome))
            yield d

    if fmt == "xlsx":
        _write_workbook(db, result, tallied(), lang, out)
        say(*_plain_table(render.counts_headers(lang), render.counts_table(seen, lang)).splitlines(), err=True)
        return
    if fmt == "json":
        document = map(in_json, render.review_json_parts(result, tallied()))
    elif fmt == "csv":
        document = decisions_csv(tallied(), lang)
    else:
        document = None
    if document is not None:
        _write(document, out, lang)
        say(*_plain_table(render.counts_headers(lang), render.counts_table(seen, lang)).splitlines(), err=True)
        return
    title = f"{policy} {render.fiscal_year_text(fiscal_year, lang)}"
    table = (render.table_headers(lang), render.decisions_table(tallied(), lang))
    counts = (render.counts_headers(lang), render.counts_table(seen, lang))
    if out is None and sys.stdout.isatty():
        from rich.console import Console

        console = Console()
        console.print(_rich_table(*table, title=title))
        console.print(_rich_table(*counts))
    else:
        _write(visible(f"{one_line(title)}\n" + _plain_table(*table) + "\n" + _plain_table(*counts)), out, lang)


_REVIEW_SUFFIXES = {".xlsx": "xlsx", ".csv": "csv", ".json": "json", ".txt": "table"}


def _review_format(ctx: click.Context, fmt: str | None, out: Path | None) -> str:
    """The format given, else the one ``--out``'s extension names (spec/cli.md), else a table. The
    workbook is binary: on a terminal it needs ``--out``."""
    if fmt is None and out is not None and out.suffix.lower() in (".html", ".htm"):
        raise click.UsageError(f"--out {out}: review は HTML を書きません。審査の報告書（HTML）は "
                               "`nintei report --format html --out 報告書.html` で書けます", ctx)
    fmt = fmt or format_from_out(out, _REVIEW_SUFFIXES, "table")
    if fmt == "xlsx" and out is None and sys.stdout.isatty():
        raise click.UsageError("--format xlsx は Excel のファイルです: --out 結果.xlsx を指定してください", ctx)
    return fmt


def _write_workbook(db, result, decisions, lang: str, out: Path | None) -> None:
    """The review's workbook (engine/workbook.py) to ``out``, or to standard output (redirected)."""
    import tempfile

    from engine.results import staff_grades
    from engine.rulebook import load_rulebook
    from engine.workbook import review_workbook

    policy = load_rulebook().policy(result.policy)
    certifications = [(c.id, c.label.en if lang == "en" and c.label.en else c.label.ja)
                      for c in policy.certifications]
    grades = staff_grades(db, result.fiscal_year)
    if out is not None:
        review_workbook(decisions, certifications, grades, result.fiscal_year, out, lang)
        wrote(out, lang)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "review.xlsx"
        review_workbook(decisions, certifications, grades, result.fiscal_year, path, lang)
        click.get_binary_stream("stdout").write(path.read_bytes())


REPLACED = {  # key: (Japanese, English)
    "head": ("{year}年度の現行の審査 run {a} を、この審査 run {b} で置き換えます（run {a} は履歴に残ります）: {changed}。",
             "Review run {b} replaces run {a}, the current review of FY{year} (run {a} stays in the history): {changed}."),
    "changed": ("結果が変わる判定 {n:,} 件", "{n:,} decision(s) change outcome"),
    "unchanged": ("結果が変わる判定はありません", "no decision changes outcome"),
    "more": ("  ……ほか {n:,} 件（`nintei diff {a} {b}` で全件）", "  ... and {n:,} more (`nintei diff {a} {b}` lists them all)"),
}


def _say_replaced(d, lang: str = "ja") -> None:
    """Before a re-review supersedes the year's current run: what it changes (engine/diff.py)."""
    from .history import change_line

    w = {key: pair[lang == "en"] for key, pair in REPLACED.items()}
    changed = w["changed"].format(n=len(d.changes)) if d.changes else w["unchanged"]
    say(w["head"].format(year=d.a.fiscal_year, a=d.a.id, b=d.b.id, changed=changed), err=True)
    for c in d.changes[:20]:
        say(change_line(c, lang), err=True)
    if len(d.changes) > 20:
        say(w["more"].format(n=len(d.changes) - 20, a=d.a.id, b=d.b.id), err=True)


def _run_with_progress(run_review: Callable[..., Any], db, policy: str, fiscal_year: int, workers: int | None,
                       before_replace: Callable[[Any], None] | None = None):
    """run_review with a rich progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return run_review(db, policy, fiscal_year, workers=workers, before_replace=before_replace)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("審査中", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run_review(db, policy, fiscal_year, progress=progress, workers=workers, before_replace=before_replace)


def _write(text: str | Iterable[str], out: Path | None, lang: str = "ja") -> None:
    """Text, or its pieces as they come (a large review's JSON), to stdout or ``out``."""
    parts = [text] if isinstance(text, str) else text
    if out is None:
        for part in parts:
            click.echo(part, nl=False)
    else:
        from engine.errors import NinteiError

        try:
            with out.open("w", encoding="utf-8") as f:
                for part in parts:
                    f.write(part)
        except OSError as err:
            raise NinteiError(f"{out} に書き出せません: {err.strerror or err}", en=f"cannot write {out}: {err.strerror or err}")
        wrote(out, lang)


@click.command("explain")
@click.argument("staff_id")
@policy_option
@fiscal_year_option
@click.option("--certification", "-c", metavar="CERT", help="この認定だけを説明する（例: dx_expert）")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default=None,
              help="出力形式（既定: text。--out の拡張子 .html / .json / .txt からも決まる）")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="標準出力ではなくこのファイルに書く（html は印刷できる A4 の1ページを判定ごとに）")
@lang_option()
@db_option
@click.pass_context
def explain_cmd(ctx: click.Context, staff_id: str, policy: str, fiscal_year: int,
                certification: str | None, fmt: str | None, out: Path | None, lang: str) -> None:
    """保存済みの審査結果を説明の木で示します: なぜ認定されたか、なぜ認定されなかったか。

    --format html は、判定ごとに A4 1ページの印刷用ページ（外部の読み込みなし）を書きます:
    職員、認定区分と結果、和暦の年度、規則ファイルの認定基準の引用、判定の内訳、根拠となった
    記録（ファイル・シート・行）、審査の実行番号と規則バージョン。

    \b
    例:
      nintei explain A001 --policy moka --fiscal-year 令和7年度
      nintei explain A001 -p moka -y R7 --certification dx_expert --lang en
      nintei explain A001 -p moka -y 2025 --format json
      nintei explain A001 -p moka -y 2025 --out A001.html
    """
    from engine import render
    from engine.page import render_html
    from engine.review import current_run, stored_decisions

    fmt = fmt or format_from_out(out, {".html": "html", ".htm": "html", ".json": "json"}, "text")
    check_out(ctx, out)
    db = open_db(ctx)
    decisions = stored_decisions(db, policy, fiscal_year, staff_id=staff_id, certification=certification)
    run = current_run(db, policy, fiscal_year)  # the review that made these decisions
    _warn_if_rules_changed(db, policy, fiscal_year, run, lang)
    if fmt == "json":
        document = in_json(render.explain_json(decisions, policy, fiscal_year, rules_version=run.rules_version,
                                               run_id=run.id)) + "\n"
    elif fmt == "html":
        document = render_html(decisions, lang, run_id=run.id, rules_version=run.rules_version,
                               reviewed_on=run.started_at, ledger_hash=_ledger_hash(db, run.id))
    else:
        document = visible(render.render_text(decisions, lang, run_id=run.id, rules_version=run.rules_version))
    _write(document, out, lang)


def _ledger_hash(db, run_id: int) -> str | None:
    """The hash of the run's ledger entry (None: a run stored before the ledger)."""
    from sqlmodel import Session, select

    from facts.ledger import LedgerEntry

    with Session(db) as session:
        return session.exec(select(LedgerEntry.hash).where(LedgerEntry.kind == "run", LedgerEntry.ref == run_id)).first()


def _warn_if_rules_changed(db, policy: str, fiscal_year: int, run, lang: str = "ja") -> None:
    """The rule file on disk is not the one the stored decisions were judged with: say so."""
    from engine.rulebook import load_rulebook

    try:
        now = load_rulebook().version(policy)
    except Exception:  # the policy's file is gone or broken: the stored rules are shown all the same
        now = None
    if run is not None and now != run.rules_version and lang == "en":
        say(f"Note: this decision (review run {run.id}) was judged with another version ({run.rules_version[:12]}) than "
            f"today's rule file rules/{policy}.yaml; it is explained by that version's rules. To judge it by today's "
            f"rules, run `nintei review --policy {policy} --fiscal-year {fiscal_year}`.", err=True)
    elif run is not None and now != run.rules_version:
        say(f"注意: この判定（審査 run {run.id}）は、今のルールファイル rules/{policy}.yaml とは異なる版"
            f"（{run.rules_version[:12]}）で判定されました。説明はその版のルールによります。今のルールで判定する"
            f"には `nintei review --policy {policy} --fiscal-year {fiscal_year}` を実行してください。", err=True)


def _cell(text: str, width: int) -> str:
    from rich.cells import cell_len

    return text + " " * (width - cell_len(text))


def _plain_table(headers: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    """Aligned plain text (East Asian wide characters counted as two columns), each cell on one
    line with its control characters written out (facts/shown.py)."""
    from rich.cells import cell_len

    headers, rows = _one_line(headers), [_one_line(r) for r in rows]
    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(_cell(c, w) for c, w in zip(row, widths)).rstrip()
             for row in [headers, *rows]]
    return "\n".join(lines) + "\n"


def _rich_table(headers: tuple[str, ...], rows: list[tuple[str, ...]], title: str | None = None):
    from rich.table import Column, Table
    from rich.text import Text

    # every cell as Text: a name such as [/] or :smile: is shown as written, never read as markup;
    # on one line, its control characters written out (rich passes an escape sequence through)
    table = Table(*(Column(header=Text(h)) for h in _one_line(headers)), title=Text(one_line(title)) if title else None)
    for row in rows:
        table.add_row(*(Text(c) for c in _one_line(row)))
    return table


def _one_line(cells: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(one_line(c) for c in cells)
