"""The report's tables as rows, shared by the workbook and the page: targets against actuals
(by year), counts (by year), counts per 所属 (the year reported). Numbers stay numbers."""
from __future__ import annotations

from typing import Any

from engine.report.data import Report, Tally
from facts.dates import wareki_year

BASIS = {"cumulative": "年度末の累計保有者数", "new_per_year": "その年度の新たな認定数"}


def target_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    """Every year that has a target or was reviewed (up to the year reported, and the plan's
    later years with their targets and no actual yet)."""
    head = ["年度", "年度（和暦）", "認定区分", "目標", "実績", "達成率(%)", "数え方"]
    rows = []
    labels = dict(report.certifications)
    for year in sorted(set(report.targets) | set(report.years)):
        for cert, label in labels.items():
            target = report.targets.get(year, {}).get(cert)
            tally = report.tallies.get(year, {}).get(cert)
            if target is None and tally is None:
                continue
            reviewed = year in report.tallies
            basis = target.basis if target else report.basis() or "cumulative"
            actual = (target.actual(tally) if target else (tally.holders if basis == "cumulative" else tally.certified)
                      ) if reviewed else None
            rate = round(100 * actual / target.value, 1) if target and target.value and actual is not None else None
            rows.append([year, wareki_year(year), label, target.value if target else None, actual, rate,
                         BASIS.get(basis, basis)])
    return head, rows


def _counts(t: Tally) -> list[int]:
    return [t.certified, t.held, t.not_certified, t.missing, t.total]


COUNT_HEADS = ["新たに認定", "認定済（保持）", "非認定", "うち記録不足", "計"]


def count_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    head = ["年度", "年度（和暦）", "認定区分", *COUNT_HEADS]
    rows = [[year, wareki_year(year), label, *_counts(report.tallies[year].get(cert, Tally()))]
            for year in report.years for cert, label in report.certifications]
    return head, rows


def department_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    head = ["所属", "認定区分", *COUNT_HEADS]
    rows = [[dept, label, *_counts(by_cert.get(cert, Tally()))]
            for dept, by_cert in report.departments.items() for cert, label in report.certifications]
    return head, rows
