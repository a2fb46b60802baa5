"""What every command shares: ``--db`` and the database it opens, the policy / fiscal-year /
language options, the fiscal-year parameter type, and the group class that turns the errors of
``engine.errors`` into exit status 1 with their lines on standard error."""
from __future__ import annotations

import os
from contextlib import contextmanager
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import click

from engine.errors import NinteiError
from facts.shown import one_line

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass
class Settings:
    """What the group and its commands share through the click context."""

    db_url: str | None = None
    created_db: bool = False  # open_db made a new SQLite file (see discarded_if_it_fails)
    lang: str = "ja"  # the command's --lang (or NINTEI_LANG): the language of its errors too


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
        except ValueError as err:  # facts.dates words its messages for users, in Japanese and English
            self.fail(worded(err, ctx), param, ctx)


FISCAL_YEAR = FiscalYear()

policy_option = click.option("--policy", "-p", required=True, metavar="POLICY",
                             help="認定方針の id（例: moka）。一覧は `nintei rules list`")
fiscal_year_option = click.option("--fiscal-year", "-y", "fiscal_year", required=True,
                                  type=FISCAL_YEAR, help="年度: 2025, R7, 令和7, 令和7年度")


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    ctx.ensure_object(Settings).lang = value
    return value


def lang_option(default: str = "ja", what: str = "説明") -> Callable[..., Any]:
    """``--lang ja|en``, defined once for every command that has it, also from the environment
    variable NINTEI_LANG (``--lang`` given wins); recorded in ``ctx.obj`` so that the command's
    error messages (NinteiGroup, open_db) are in that language too."""
    return click.option("--lang", type=click.Choice(["ja", "en"]), default=default, envvar="NINTEI_LANG",
                        show_default=True, show_envvar=True, callback=_set_lang, is_eager=True,
                        help=f"{what}の言語（ja: 日本語, en: English。環境変数 NINTEI_LANG）")


def in_lang(lang: str, ja: str, en: str) -> str:
    """The text of a ja/en pair written side by side where it is said."""
    return en if lang == "en" else ja


def wrote(out, lang: str) -> None:
    """Said on standard error once an ``--out`` file is written."""
    say(in_lang(lang, f"{out} に書き出しました。", f"Wrote {out}."), err=True)


def lang_of(ctx: click.Context | None) -> str:
    """The command's language (``--lang`` is eager: known before the other options are converted)."""
    settings = ctx.find_object(Settings) if ctx is not None else None
    return settings.lang if settings is not None else "ja"


def worded(err: BaseException, ctx: click.Context | None) -> str:
    """A parser's message (facts.errors.Worded) in the command's language."""
    from facts.errors import english

    return (english(err) if lang_of(ctx) == "en" else None) or str(err)


def open_db(ctx: click.Context, must_exist: bool = True):
    """The database of ``--db`` (or NINTEI_DB, or nintei.db), its tables created or brought up to
    date. One that cannot be opened (no such folder, not a database, a server that does not answer,
    a URL that is not one) is bad input: exit 1 naming the URL (password hidden), no traceback.
    ``must_exist``: an SQLite file that is not there is an error, not a new empty database (a
    command run in another folder than the review would otherwise find nothing, or call an empty
    ledger intact); only the commands that store facts (import, review --facts) create one."""
    from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, InterfaceError, OperationalError

    from facts.db import DEFAULT_URL, get_engine, init_db, is_locked

    given = ctx.find_object(Settings).db_url or os.environ.get("NINTEI_DB") or DEFAULT_URL
    hint = "（--db または環境変数 NINTEI_DB を確かめてください）"
    hint_en = " (check --db or the environment variable NINTEI_DB)"
    try:
        engine = get_engine(given)
    except (ArgumentError, ImportError) as err:  # not a URL, an unknown dialect, a driver missing
        raise NinteiError(f"データベースの URL {_hide_password(given)} を使えません: {_first_line(err)}{hint}",
                          en=f"cannot use the database URL {_hide_password(given)}: {_first_line(err)}{hint_en}")
    shown = engine.url.render_as_string(hide_password=True)
    where = sqlite_file(engine)
    if where is not None:
        folder = where.parent
        if not folder.is_dir():
            raise NinteiError(f"データベース {shown} を開けません: フォルダ {folder} がありません{hint}",
                              en=f"cannot open the database {shown}: there is no folder {folder}{hint_en}")
        ctx.find_object(Settings).created_db = not where.exists()
        if must_exist and not where.exists():
            raise NinteiError(f"データベース {where.resolve()} がありません: まだ何も取り込んでいないか、取り込み・審査を"
                              f"したときと別のフォルダで実行しています。そのときと同じフォルダで実行するか、--db または"
                              f"環境変数 NINTEI_DB でそのデータベースを指定してください。",
                              en=f"there is no database {where.resolve()}: nothing has been imported yet, or this is "
                                 "another folder than the one the import and the review ran in. Run it in that folder, "
                                 "or name the database with --db or the environment variable NINTEI_DB.")
    try:
        init_db(engine, waiting=lambda message: say(message, err=True), lang=lang_of(ctx))
    except (OperationalError, InterfaceError, DatabaseError) as err:
        if isinstance(err, DBAPIError) and type(err) not in (OperationalError, InterfaceError, DatabaseError):
            raise  # an integrity or programming error while creating tables: a bug, let it show
        if is_locked(err):
            raise NinteiError(f"データベース {shown} を別の処理が使い続けているため、待ちきれずにやめました（書き込みの"
                              "順番待ち）。その処理が終わってから、もう一度実行してください。",
                              en=f"gave up waiting for the database {shown}, which another process kept busy (waiting "
                                 "for its turn to write). Run this again when that process has finished.") from None
        reason = _first_line(err.orig) if isinstance(err, DBAPIError) and err.orig is not None else _first_line(err)
        raise NinteiError(f"データベース {shown} を開けません: {reason}{hint}",
                          en=f"cannot open the database {shown}: {reason}{hint_en}")
    return engine


def sqlite_file(engine) -> Path | None:
    """The file of an SQLite database named by path (not :memory:, not a file: URI, which is
    SQLite's to open as it says), else None."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:") or url.query.get("uri") == "true":
        return None
    return Path(url.database)


@contextmanager
def discarded_if_it_fails(ctx: click.Context, engine):
    """A database file this command's open_db created, removed again when the command fails (a
    first import rejected whole leaves no empty database behind, whose empty ledger would verify)."""
    try:
        yield
    except BaseException:
        where = sqlite_file(engine)
        if where is not None and ctx.find_object(Settings).created_db:
            engine.dispose()
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{where}{suffix}").unlink(missing_ok=True)
        raise
def say(*lines: str, err: bool = False) -> None:
    """Lines for a person to read, each one line whatever it quotes: a control character in a
    name, a reason or a cell value (a terminal's escape sequence, a line break) is written out,
    never obeyed by the terminal (facts/shown.py). Every plain-text line of the commands goes
    out here; JSON, CSV and workbooks do not."""
    for line in lines:
        click.echo(one_line(line), err=err)


def format_from_out(out: Path | None, by_suffix: dict[str, str], default: str) -> str:
    """The output format an ``--out`` file's extension names (spec/cli.md), else ``default``."""
    return by_suffix.get(out.suffix.lower(), default) if out is not None else default


def check_out(ctx: click.Context, out: Path | None) -> None:
    """An ``--out`` file is checked before any work: its folder must exist, and it must not be
    the database file (spec/cli.md)."""
    if out is None:
        return
    folder = out.expanduser().parent
    if not folder.is_dir():
        raise click.UsageError(in_lang(lang_of(ctx), f"--out {out}: フォルダ {folder} がありません",
                                       f"--out {out}: there is no folder {folder}"), ctx)
    if out.is_dir():
        raise click.UsageError(in_lang(lang_of(ctx), f"--out {out}: フォルダです。ファイル名を指定してください",
                                       f"--out {out}: a folder; give a file name"), ctx)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from facts.db import DEFAULT_URL

    given = ctx.find_object(Settings).db_url or os.environ.get("NINTEI_DB") or DEFAULT_URL
    try:
        url = make_url(given)
    except ArgumentError:
        return  # open_db says what is wrong with it
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        try:
            same = Path(url.database).expanduser().resolve() == out.expanduser().resolve()
        except OSError:
            same = False
        if same:
            raise click.UsageError(in_lang(lang_of(ctx), f"--out {out}: データベースのファイルです。上書きしません",
                                           f"--out {out}: the database file; it is not overwritten"), ctx)


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _hide_password(url: str) -> str:
    """``postgresql://user:secret@host/db`` -> ``postgresql://user:***@host/db``."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


_SURROGATES = re.compile("[\ud800-\udfff]")


class NinteiGroup(click.Group):
    """Turns the errors of engine.errors into exit status 1 and their lines on stderr; so too an
    SQLite lock that another process held past the busy timeout (facts.db.SQLITE_BUSY_SECONDS):
    not a bug, but the database busy elsewhere (the transaction was rolled back)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """An argument that is not UTF-8 (bytes the terminal sent in another encoding) is a usage
        error, before it reaches a message or the database (which cannot store it)."""
        for arg in args:
            if not arg.isascii() and _SURROGATES.search(arg):
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise click.UsageError(f"引数 '{one_line(shown)}' は UTF-8 の文字ではありません"
                                       "（端末の文字コードを UTF-8 にしてください）", ctx)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from sqlalchemy.exc import OperationalError

        from facts.db import is_locked

        try:
            return super().invoke(ctx)
        except NinteiError as err:
            say(*err.lines(lang_of(ctx)), err=True)
            ctx.exit(err.exit_code)
        except OperationalError as err:
            if not is_locked(err):
                raise
            say(in_lang(lang_of(ctx), "データベースを別の処理が使い続けているため、待ちきれずにやめました（書き込みの順番待ち）。"
                        "その処理が終わってから、もう一度実行してください。",
                        "Gave up waiting for the database, which another process kept busy (waiting for its turn to "
                        "write). Run this again when that process has finished."), err=True)
            ctx.exit(1)
