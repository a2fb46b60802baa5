"""``nintei import``: fact files into the database (one transaction), and the counts per record
type that it, and ``review --facts``, print."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .common import db_option, discarded_if_it_fails, in_lang, lang_option, open_db, say

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


def _catalogues() -> dict[str, dict[str, list[str]]]:
    """Every policy's course catalogue (engine.rulebook.Rulebook.catalogues): ``import`` and
    ``review --facts`` resolve course names with the same dict."""
    from engine.rulebook import load_rulebook

    return load_rulebook().catalogues()


def _count(counts: Any, key: str) -> int:
    """One tally of a record type: facts.importer.TypeCounts, or a plain dict."""
    return getattr(counts, key) if hasattr(counts, key) else counts.get(key, 0)


def import_facts(db, paths: tuple[Path, ...], *, to_stderr: bool, correction: tuple[str, str] | None = None,
                 lang: str = "ja") -> None:
    """Import fact files and print the counts (to stderr when stdout holds a document)."""
    from facts.importer import import_paths

    from engine.rulebook import load_rulebook

    report = import_paths(db, [Path(p) for p in paths], catalogues=_catalogues(),
                          certifications=load_rulebook().certification_names(),
                          waiting=lambda message: say(message, err=True), correction=correction, lang=lang)
    en = lang == "en"
    say(in_lang(lang, "取り込み結果:", "Imported:"), err=to_stderr)
    for record_type, n in report.counts.items():
        counts = [(_count(n, "new"), "新規", "new"), (_count(n, "unchanged"), "変更なし", "unchanged")]
        counts += [(_count(n, key), ja, key) for key, ja in (("conflicts", "不一致"), ("corrected", "訂正"))
                   if _count(n, key)]
        if en:
            line = f"  {record_type}: " + ", ".join(f"{word} {count}" for count, _, word in counts)
        else:
            name = RECORD_TYPE_JA.get(record_type, record_type)
            line = f"  {name} ({record_type}): " + "、".join(f"{word} {count} 件" for count, word, _ in counts)
        say(line, err=to_stderr)
    if report.ignored:
        say(in_lang(lang, "記録の項目ではないため無視した列:", "Columns ignored (no field of a record):"), err=True)
        for where, headers in _by_file(report.ignored).items():
            say(f"  {where}: {(', ' if en else '、').join(headers)}", err=True)
    for conflict in report.conflicts:
        say(in_lang(lang, "警告: ", "warning: ") + conflict.text(lang), err=True)
    if report.conflicts:
        say(in_lang(lang, "登録済みの値を訂正するときは、理由を添えて `nintei import --correct --reason \"…\" ファイル` と"
                          "してください（訂正前の値・理由・訂正した人と日時は台帳に残ります）。",
                    "To correct stored values, import with a reason: `nintei import --correct --reason \"...\" FILE` "
                    "(the earlier values, the reason, who corrected and when are kept in the ledger)."), err=True)
    for change in getattr(report, "corrections", []):
        values = ("、" if not en else ", ").join(f"{k}: {change.stored[k]!r} → {change.new[k]!r}" for k in change.new)
        say(in_lang(lang, f"訂正: {change.source}: {change.record_id}（{values}; 訂正前は {change.stored_source}）",
                    f"corrected: {change.source}: {change.record_id} ({values}; before: {change.stored_source})"),
            err=to_stderr)


def _by_file(ignored: list[str]) -> dict[str, list[str]]:
    """``["a.xls:職員名簿: 備考", "a.xls:職員名簿: 生年月日"]`` -> ``{"a.xls:職員名簿": ["備考", "生年月日"]}``."""
    out: dict[str, list[str]] = {}
    for entry in ignored:
        where, _, header = entry.rpartition(": ")
        out.setdefault(where, []).append(header)
    return out


@click.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--correct", is_flag=True,
              help="登録済みの記録と値が違う行を訂正として登録する（訂正前の値・理由・人・日時は台帳に残る）")
@click.option("--reason", metavar="TEXT", help="訂正の理由（--correct では必須）")
@click.option("--by", default=None, metavar="NAME", help="訂正した人（既定: ログイン名）")
@lang_option(what="表示と誤りの")
@db_option
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[Path, ...], correct: bool, reason: str | None, by: str | None,
               lang: str) -> None:
    """事実ファイル（CSV・タブ区切りテキスト・XLSX・XLS・JSON・JSON Lines）またはフォルダを検証して取り込みます。

    取り込みは一つのトランザクションです。誤りがあれば `ファイル:行: 列: 問題` を
    すべて表示し、何も保存せずに終了コード 1 で終わります。

    \b
    例:
      nintei import facts/samples/moka/
      nintei import 職員名簿.xls プロジェクト.txt --db sqlite:///nintei.db

    形式は docs/import.md を参照してください。
    """
    correction = None
    if correct:
        if not (reason or "").strip():
            raise click.UsageError(in_lang(lang, "--correct には --reason で訂正の理由を添えてください（台帳に残ります）",
                                           "--correct needs the reason of the correction in --reason (it is kept "
                                           "in the ledger)"), ctx)
        from facts.ledger import login

        correction = (reason.strip(), by or login())
    elif reason:
        raise click.UsageError(in_lang(lang, "--reason は --correct と一緒に使います", "--reason goes with --correct"),
                               ctx)
    db = open_db(ctx, must_exist=False)
    with discarded_if_it_fails(ctx, db):
        import_facts(db, paths, to_stderr=False, correction=correction, lang=lang)
