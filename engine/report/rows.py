"""The report's tables as rows, shared by the workbook and the page: targets against actuals
(by year), counts (by year), counts per 所属 (the year reported), in the report's language
(engine/report/words.py). Numbers stay numbers."""
from __future__ import annotations

from typing import Any

from engine.report.data import Report, Tally
from engine.report.words import BASIS, w, year_cells, year_heads


def target_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    """Every year that has a target or was reviewed (up to the year reported, and the plan's
    later years with their targets and no actual yet). Where the plan counts appointments too
    (Tarumizu), two more columns say where the actual figure comes from: the newly appointed
    and the newly certified (a person both is counted once in the actual figure)."""
    lang = report.lang
    sources = bool(report.appointment_roles)
    head = [*year_heads(lang), w(lang, "certification"), w(lang, "target"), w(lang, "actual"),
            *([w(lang, "appointed"), w(lang, "certified")] if sources else []), w(lang, "rate"), w(lang, "basis")]
    rows = []
    labels = dict(report.certifications)
    for year in sorted(set(report.targets) | set(report.years)):
        for cert, label in labels.items():
            target = report.targets.get(year, {}).get(cert)
            if target is None and report.tallies.get(year, {}).get(cert) is None:
                continue
            actual = report.actual(year, cert)
            rate = round(100 * actual / target.value, 1) if target and target.value and actual is not None else None
            basis = report.basis_of(year, cert)
            rows.append([*year_cells(year, lang), label, target.value if target else None, actual,
                         *(report.sources(year, cert) if sources else ()), rate, BASIS[lang].get(basis, basis)])
    return head, rows


def _counts(t: Tally) -> list[int]:
    return [t.certified, t.held, t.not_certified, t.missing, t.total]


def count_heads(lang: str) -> list[str]:
    return [w(lang, k) for k in ("newly", "held", "not_certified", "missing", "total")]


def count_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    lang = report.lang
    head = [*year_heads(lang), w(lang, "certification"), *count_heads(lang)]
    rows = [[*year_cells(year, lang), label, *_counts(report.tallies[year].get(cert, Tally()))]
            for year in report.years for cert, label in report.certifications]
    return head, rows


def department_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    lang = report.lang
    head = [w(lang, "department"), w(lang, "certification"), *count_heads(lang)]
    rows = [[dept, label, *_counts(by_cert.get(cert, Tally()))]
            for dept, by_cert in report.departments.items() for cert, label in report.certifications]
    return head, rows
