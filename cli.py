"""nintei's command line: a thin layer over the Python API (the contract: ../shared/spec/cli.md).

Every command calls one function of ``facts`` or ``engine``; those are imported inside the
commands so that ``--help`` works even when a part is missing or slow to import. Errors of the
``engine.errors`` tree become exit status 1 with their lines on standard error; usage errors are
click's (exit 2); anything else is a bug and crashes with a traceback.
"""
from __future__ import annotations

import os
import sys
from types import SimpleNamespace
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import click

from engine.errors import NinteiError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# Japanese names of the record types (../shared/spec/fact-records.md), for import counts.
RECORD_TYPE_JA = {
    "staff": "職員",
    "project": "プロジェクト",
    "evaluation": "評価",
    "training": "研修",
    "qualification": "資格",
    "skill": "スキル",
    "role": "役割",
    "activity": "活動",
    "certification": "認定履歴",
}

VALIDITY_JA = {"permanent": "永続", "yearly": "毎年判定"}


# --- shared pieces ------------------------------------------------------------------------------


@dataclass
class Settings:
    """What the group and its commands share through the click context."""

    db_url: str | None = None


def _set_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    settings = ctx.ensure_object(Settings)
    if value is not None:
        settings.db_url = value


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--db URL``, defined once: accepted before the command (``nintei --db X review``) and
    after it (``nintei review --db X``); the value travels in ``ctx.obj``."""
    return click.option(
        "--db", metavar="URL", envvar="NINTEI_DB", expose_value=False, callback=_set_db,
        help="データベースの SQLAlchemy URL（既定: 作業ディレクトリの nintei.db。環境変数 NINTEI_DB）",
    )(f)


class FiscalYear(click.ParamType):
    """A fiscal year as the fact files write it: 2025, R7, 令和7, 令和7年度 -> 2025."""

    name = "fiscal_year"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YEAR"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        from facts.dates import parse_fiscal_year

        try:
            return parse_fiscal_year(value)
        except ValueError as err:  # facts.dates words its messages for users, in Japanese
            self.fail(str(err), param, ctx)


FISCAL_YEAR = FiscalYear()

policy_option = click.option("--policy", "-p", required=True, metavar="POLICY",
                             help="認定方針の id（例: moka）。一覧は `nintei rules list`")
fiscal_year_option = click.option("--fiscal-year", "-y", "fiscal_year", required=True,
                                  type=FISCAL_YEAR, help="年度: 2025, R7, 令和7, 令和7年度")


def lang_option(default: str = "ja") -> Callable[..., Any]:
    return click.option("--lang", type=click.Choice(["ja", "en"]), default=default,
                        show_default=True, help="説明の言語（ja: 日本語, en: English）")


def _open_db(ctx: click.Context):
    """The database of ``--db`` (or NINTEI_DB, or nintei.db), its tables created or brought up to
    date. One that cannot be opened (no such folder, not a database, a server that does not answer,
    a URL that is not one) is bad input: exit 1 naming the URL (password hidden), no traceback."""
    from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, InterfaceError, OperationalError

    from facts.db import DEFAULT_URL, get_engine, init_db

    given = ctx.find_object(Settings).db_url or os.environ.get("NINTEI_DB") or DEFAULT_URL
    hint = "（--db または環境変数 NINTEI_DB を確かめてください）"
    try:
        engine = get_engine(given)
    except (ArgumentError, ImportError) as err:  # not a URL, an unknown dialect, a driver missing
        raise NinteiError(f"データベースの URL {_hide_password(given)} を使えません: {_first_line(err)}{hint}")
    shown = engine.url.render_as_string(hide_password=True)
    if engine.url.get_backend_name() == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        folder = Path(engine.url.database).expanduser().parent
        if not folder.is_dir():
            raise NinteiError(f"データベース {shown} を開けません: フォルダ {folder} がありません{hint}")
    try:
        init_db(engine)
    except (OperationalError, InterfaceError, DatabaseError) as err:
        if isinstance(err, DBAPIError) and type(err) not in (OperationalError, InterfaceError, DatabaseError):
            raise  # an integrity or programming error while creating tables: a bug, let it show
        reason = _first_line(err.orig) if isinstance(err, DBAPIError) and err.orig is not None else _first_line(err)
        raise NinteiError(f"データベース {shown} を開けません: {reason}{hint}")
    return engine


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _hide_password(url: str) -> str:
    """``postgresql://user:secret@host/db`` -> ``postgresql://user:***@host/db``."""
    import re

    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _catalogues() -> dict[str, dict[str, list[str]]]:
    """Every policy's course catalogue (engine.rulebook.Rulebook.catalogues): ``import`` and
    ``review --facts`` resolve course names with the same dict."""
    from engine.rulebook import load_rulebook

    return load_rulebook().catalogues()


def _count(counts: Any, key: str) -> int:
    """One tally of a record type: facts.importer.TypeCounts, or a plain dict."""
    return getattr(counts, key) if hasattr(counts, key) else counts.get(key, 0)


def _import(db, paths: tuple[Path, ...], *, to_stderr: bool) -> None:
    """Import fact files and print the counts (to stderr when stdout holds a document)."""
    from facts.importer import import_paths

    from engine.rulebook import load_rulebook

    report = import_paths(db, [Path(p) for p in paths], catalogues=_catalogues(),
                          certifications=load_rulebook().certification_names())
    click.echo("取り込み結果:", err=to_stderr)
    for record_type, n in report.counts.items():
        name = RECORD_TYPE_JA.get(record_type, record_type)
        line = f"  {name} ({record_type}): 新規 {_count(n, 'new')} 件、変更なし {_count(n, 'unchanged')} 件"
        if _count(n, "conflicts"):
            line += f"、不一致 {_count(n, 'conflicts')} 件"
        click.echo(line, err=to_stderr)
    if report.ignored:
        click.echo("記録の項目ではないため無視した列: " + "、".join(report.ignored), err=True)
    for conflict in report.conflicts:
        click.echo(f"警告: {conflict}", err=True)


def _cell(text: str, width: int) -> str:
    from rich.cells import cell_len

    return text + " " * (width - cell_len(text))


def _plain_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Aligned plain text (East Asian wide characters counted as two columns)."""
    from rich.cells import cell_len

    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(_cell(c, w) for c, w in zip(row, widths)).rstrip()
             for row in [headers, *rows]]
    return "\n".join(lines) + "\n"


def _rich_table(headers: tuple[str, ...], rows: list[tuple[str, ...]], title: str | None = None):
    from rich.table import Table

    table = Table(*headers, title=title)
    for row in rows:
        table.add_row(*row)
    return table


class NinteiGroup(click.Group):
    """Turns the errors of engine.errors into exit status 1 and their lines on stderr."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NinteiError as err:
            for line in err.lines():
                click.echo(line, err=True)
            ctx.exit(err.exit_code)


# --- commands -----------------------------------------------------------------------------------


@click.group(cls=NinteiGroup, context_settings=CONTEXT_SETTINGS)
@db_option
def main() -> None:
    """nintei: 自治体職員の DX 人材認定を判定し、その理由を説明します。

    \b
    例:
      nintei import facts/samples/moka/
      nintei review --policy moka --fiscal-year 令和7年度
      nintei explain A001 --policy moka --fiscal-year R7
    """


@main.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@db_option
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """事実ファイル（CSV・XLSX・JSON Lines）またはフォルダを検証して取り込みます。

    取り込みは一つのトランザクションです。誤りがあれば `ファイル:行: 列: 問題` を
    すべて表示し、何も保存せずに終了コード 1 で終わります。

    \b
    例:
      nintei import facts/samples/moka/
      nintei import 職員名簿.csv プロジェクト.xlsx --db sqlite:///nintei.db
    """
    _import(_open_db(ctx), paths, to_stderr=False)


@main.command("review")
@policy_option
@fiscal_year_option
@click.option("--facts", "facts_paths", multiple=True, metavar="PATH",
              type=click.Path(exists=True, path_type=Path),
              help="審査の前に取り込む事実ファイルまたはフォルダ（複数指定可）")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="出力形式")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="結果を標準出力ではなくこのファイルに書く")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="判定に使うプロセス数（既定: 使えるCPUコアの数。$NINTEI_WORKERS でも指定可）")
@lang_option()
@db_option
@click.pass_context
def review_cmd(ctx: click.Context, policy: str, fiscal_year: int, facts_paths: tuple[Path, ...],
               fmt: str, out: Path | None, workers: int | None, lang: str) -> None:
    """年度の審査: 名簿の全職員を方針の全認定について判定し、保存して表示します。

    --facts があれば先に取り込みます。--format json / csv のとき、標準出力には
    その文書だけが出ます（取り込み件数・警告・進捗は標準エラー出力）。

    \b
    例:
      nintei review --policy moka --fiscal-year 令和7年度
      nintei review -p moka -y R7 --facts facts/samples/moka/ --format json --out 審査.json
    """
    from engine import render
    from engine.review import run_review

    db = _open_db(ctx)
    if facts_paths:
        _import(db, facts_paths, to_stderr=True)
    result = _run_with_progress(run_review, db, policy, fiscal_year, workers)
    # the decisions are rendered from the store one by one as they are written: only what each
    # output keeps (a row of text, the counts) stays in memory, whatever the size of the review
    seen: list[Any] = []

    def tallied():
        for d in result.iter_decisions():
            seen.append(SimpleNamespace(certification=d.certification, label=d.label, label_en=d.label_en,
                                        outcome=d.outcome))
            yield d

    if fmt == "json":
        document = render.review_json_parts(result, tallied())
    elif fmt == "csv":
        document = render.decisions_csv(tallied(), lang)
    else:
        document = None
    if document is not None:
        _write(document, out)
        click.echo(_plain_table(render.counts_headers(lang), render.counts_table(seen, lang)), nl=False, err=True)
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
        _write(f"{title}\n" + _plain_table(*table) + "\n" + _plain_table(*counts), out)


def _run_with_progress(run_review: Callable[..., Any], db, policy: str, fiscal_year: int, workers: int | None):
    """run_review with a rich progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return run_review(db, policy, fiscal_year, workers=workers)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("審査中", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run_review(db, policy, fiscal_year, progress=progress, workers=workers)


def _write(text: str | Iterable[str], out: Path | None) -> None:
    """Text, or its pieces as they come (a large review's JSON), to stdout or ``out``."""
    parts = [text] if isinstance(text, str) else text
    if out is None:
        for part in parts:
            click.echo(part, nl=False)
    else:
        with out.open("w", encoding="utf-8") as f:
            for part in parts:
                f.write(part)
        click.echo(f"{out} に書き出しました。", err=True)


@main.command("explain")
@click.argument("staff_id")
@policy_option
@fiscal_year_option
@click.option("--certification", "-c", metavar="CERT", help="この認定だけを説明する（例: dx_expert）")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="出力形式")
@lang_option()
@db_option
@click.pass_context
def explain_cmd(ctx: click.Context, staff_id: str, policy: str, fiscal_year: int,
                certification: str | None, fmt: str, lang: str) -> None:
    """保存済みの審査結果を説明の木で示します: なぜ認定されたか、なぜ認定されなかったか。

    \b
    例:
      nintei explain A001 --policy moka --fiscal-year 令和7年度
      nintei explain A001 -p moka -y R7 --certification dx_expert --lang en
      nintei explain A001 -p moka -y 2025 --format json
    """
    from engine import render
    from engine.review import current_run, stored_decisions

    db = _open_db(ctx)
    decisions = stored_decisions(db, policy, fiscal_year, staff_id=staff_id, certification=certification)
    if fmt == "json":
        run = current_run(db, policy, fiscal_year)  # the review that made these decisions
        click.echo(render.explain_json(decisions, policy, fiscal_year, rules_version=run.rules_version,
                                       run_id=run.id))
    else:
        click.echo(render.render_text(decisions, lang), nl=False)


@main.command("check")
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
        click.echo("check はまだ使えません: engine/check.py がありません。", err=True)
        sys.exit(1)
    sys.exit(run_check([str(p) for p in paths] or ["features"], lang))


@main.group("rules")
def rules_group() -> None:
    """認定方針と認定区分（規則ファイル rules/*.yaml）。

    \b
    例:
      nintei rules list
      nintei rules show moka
      nintei rules lint
    """


def _validity(cert: Any) -> str:
    value = str(getattr(cert.validity, "value", cert.validity))
    return VALIDITY_JA.get(value, value)


@rules_group.command("list")
@db_option
def rules_list_cmd() -> None:
    """方針と、その認定区分を一覧にします（日本語の名称）。

    \b
    例:
      nintei rules list
    """
    from engine.rulebook import load_rulebook

    for policy in load_rulebook().policies.values():
        click.echo(f"{policy.id}  {policy.municipality.ja} "
                   f"{policy.title.ja}".rstrip())
        for cert in policy.certifications:
            click.echo(f"  {cert.id}  {cert.label.ja}（{_validity(cert)}）")


@rules_group.command("show")
@click.argument("policy_id", metavar="POLICY")
@click.option("--fiscal-year", "-y", "fiscal_year", default=None, metavar="YEAR",
              help="この年度に適用される値で表示（既定: 今日の年度）。2025, R7, 令和7年度 など")
@lang_option()
@db_option
def rules_show_cmd(policy_id: str, fiscal_year: str | None, lang: str) -> None:
    """一つの方針を読める認定基準として表示します: 認定区分ごとの原文の引用、条件の木
    （その年度のパラメータの値、表の展開を含む）、パラメータとその読み方。

    \b
    例:
      nintei rules show moka
      nintei rules show oyama --fiscal-year 令和7年度 --lang en
    """
    from datetime import date

    from engine.errors import ReviewError
    from engine.rulebook import load_rulebook
    from engine.show import show_policy
    from facts.dates import fiscal_year_of, parse_fiscal_year

    policies = load_rulebook().policies
    if policy_id not in policies:
        raise ReviewError(f"方針 {policy_id!r} はありません（あるもの: {', '.join(sorted(policies))}）")
    year = parse_fiscal_year(fiscal_year) if fiscal_year else fiscal_year_of(date.today())
    click.echo(show_policy(policies[policy_id], year, lang), nl=False)


@rules_group.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="警告があっても終了コード 1 にする")
@db_option
def rules_lint_cmd(paths: tuple[Path, ...], strict: bool) -> None:
    """規則ファイルを静的に検査し、問題を file:line:col: で一行ずつ示します（既定: rules/）。

    エラー（読み込めない）があれば終了コード 1。警告（引用も読み方もないパラメータ、説明文のない
    条件など）は --strict のときだけ 1。

    \b
    例:
      nintei rules lint
      nintei rules lint rules/oyama.yaml --strict
    """
    from engine.lint import lint
    from engine.rulebook import RULES_DIR

    findings = lint([str(p) for p in paths] or [str(RULES_DIR)])
    for f in findings:
        click.echo(str(f))
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    click.echo(f"エラー {errors} 件、警告 {warnings} 件" if findings else "問題はありません", err=bool(findings))
    if errors or (strict and warnings):
        sys.exit(1)


if __name__ == "__main__":
    main()
