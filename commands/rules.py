"""``nintei rules``: the policies and their certifications (``list``), a policy as readable
criteria (``show``), static checks of rule files (``lint``), an edited rule file's impact on the
stored review (``impact``: commands/impact.py)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .common import db_option, in_lang, lang_option, say

VALIDITY_JA = {"permanent": "永続", "yearly": "毎年判定"}


@click.group("rules")
def rules_group() -> None:
    """認定方針と認定区分（規則ファイル rules/*.yaml）。

    \b
    例:
      nintei rules list
      nintei rules show moka
      nintei rules lint
      nintei rules impact 下書き/moka.yaml --fiscal-year 令和7年度
    """


def _validity(cert: Any, lang: str = "ja") -> str:
    value = str(getattr(cert.validity, "value", cert.validity))
    return value if lang == "en" else VALIDITY_JA.get(value, value)


@rules_group.command("list")
@lang_option(what="名称")
@db_option
def rules_list_cmd(lang: str) -> None:
    """方針と、その認定区分を一覧にします（日本語の名称。--lang en で規則ファイルの英語の名称）。

    \b
    例:
      nintei rules list
    """
    from engine.rulebook import load_rulebook

    en = lang == "en"
    for policy in load_rulebook().policies.values():
        name, title = ((policy.municipality.en or policy.municipality.ja, policy.title.en or policy.title.ja) if en
                       else (policy.municipality.ja, policy.title.ja))
        say(f"{policy.id}  {name} {title}".rstrip())
        for cert in policy.certifications:
            label = (cert.label.en or cert.label.ja) if en else cert.label.ja
            say(f"  {cert.id}  {label} ({_validity(cert, lang)})" if en else f"  {cert.id}  {label}（{_validity(cert)}）")


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

    from engine.rulebook import load_rulebook
    from engine.show import show_policy
    from facts.dates import fiscal_year_of, parse_fiscal_year

    policies = load_rulebook().policies
    if policy_id not in policies:
        load_rulebook().policy(policy_id)  # says so, in either language
    year = parse_fiscal_year(fiscal_year) if fiscal_year else fiscal_year_of(date.today())
    from facts.shown import visible

    click.echo(visible(show_policy(policies[policy_id], year, lang)), nl=False)


@rules_group.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="警告があっても終了コード 1 にする")
@lang_option(what="要約")
@db_option
def rules_lint_cmd(paths: tuple[Path, ...], strict: bool, lang: str) -> None:
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
        say(str(f))
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    say(in_lang(lang, f"エラー {errors} 件、警告 {warnings} 件", f"{errors} error(s), {warnings} warning(s)") if findings
        else in_lang(lang, "問題はありません", "No problems found"), err=bool(findings))
    if errors or (strict and warnings):
        sys.exit(1)


from .impact import impact_cmd  # noqa: E402  (its own module: the draft's impact)

rules_group.add_command(impact_cmd)
