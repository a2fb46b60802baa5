"""The review as people read it (``nintei report``): counts per certification against the plan's
targets, per 所属, over the years reviewed, and the views each plan asks for.

- ``data``: what is counted (engine/report/data.py: Tally, Target, Report, build);
- ``views``: the plans' own tables, each in a module of its own (``compliance``, ``training_plan``,
  ``skill_gaps``, ``track_levels``);
- ``rows``: the report's tables as rows; ``words``: its headings and headers in Japanese and
  English (``lang``: Japanese by default, ``en`` for English);
- ``xlsx``: the workbook (a sheet per table); ``html``: the self-contained page, printable on A4
  and readable on a phone, with ``svg`` charts of progress against the targets.
"""
from __future__ import annotations

from pathlib import Path


def write_report(db, policy_id: str, fiscal_year: int, fmt: str, out: Path, lang: str = "ja") -> None:
    """Builds the report of that review and writes it to ``out`` as ``xlsx`` or ``html``."""
    from engine.report.data import build
    from engine.report.views import views_for
    from engine.rulebook import load_rulebook

    report = build(db, policy_id, fiscal_year, lang)
    report.views = views_for(db, load_rulebook().policy(policy_id), fiscal_year, report.decisions, lang)
    if fmt == "xlsx":
        from engine.report.xlsx import write_xlsx
        from engine.results import staff_grades

        write_xlsx(report, staff_grades(db, fiscal_year), out)
    else:
        from engine.report.html import render_page

        text = render_page(report)
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as err:
            from engine.errors import NinteiError

            raise NinteiError(f"{out} に書き出せません: {err.strerror or err}")
