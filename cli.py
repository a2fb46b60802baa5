"""nintei's command line: a thin layer over the Python API (the contract: ../shared/spec/cli.md).

Every command calls one function of ``facts`` or ``engine``; those are imported inside the
commands so that ``--help`` works even when a part is missing or slow to import. Errors of the
``engine.errors`` tree become exit status 1 with their lines on standard error; usage errors are
click's (exit 2); anything else is a bug and crashes with a traceback.

This file is the entry (``nintei``, ``python cli.py``) and the group; the commands and what they
share live in the package ``commands/`` (its docstring lists the modules).
"""
from __future__ import annotations

import click

from commands import audit, certificates, check, history, importing, people, report, review, rules
from commands.common import (
    CONTEXT_SETTINGS,
    FISCAL_YEAR,
    FiscalYear,
    NinteiGroup,
    Settings,
    db_option,
    fiscal_year_option,
    lang_option,
    policy_option,
)

# what others use of this module: the group, and the shared pieces a test or a plug-in command needs
__all__ = ["main", "CONTEXT_SETTINGS", "FISCAL_YEAR", "FiscalYear", "NinteiGroup", "Settings", "db_option",
           "fiscal_year_option", "lang_option", "policy_option"]


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


for _command in (importing.import_cmd, review.review_cmd, review.explain_cmd, check.check_cmd, rules.rules_group,
                 audit.runs_cmd, audit.audit_group, history.history_cmd, history.diff_cmd, people.override_cmd,
                 people.revoke_cmd, report.report_cmd, certificates.certificate_cmd, certificates.badges_cmd):
    main.add_command(_command)


if __name__ == "__main__":
    main()
