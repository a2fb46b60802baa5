"""The validated rows of one import, and the checks across them: duplicates, the roster, course
names that fit several courses, and the policies and certifications history rows name."""
from __future__ import annotations

import difflib
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from facts.aliases import match_courses, norm
from facts.errors import Problem
from facts.readers import RawTable
from facts.records import text_value
from facts.tables import FactRow

Catalogues = dict[str, dict[str, list[str]]]  # policy_id -> {course_id: [names and aliases]}
# policy id -> (names of the policy, {certification id: names of the certification})
CertificationNames = dict[str, tuple[list[str], dict[str, list[str]]]]


class Row(NamedTuple):
    """A validated record as it is stored: its key, the staff id and fiscal year columns, the
    canonical fields as JSON, and where it came from (the table and the row number). A tuple:
    rows validated in a worker process come back pickled, and tuples are the cheapest to."""

    record_type: str
    key: str
    staff_id: str | None
    fiscal_year: int | None
    data: str
    table: RawTable
    number: int
    course: str | None
    digest: str = ""  # facts.ledger.fact_digest of the row (worked out by whoever validated it)

    @property
    def record_id(self) -> str:
        return f"{self.record_type}/{self.key}"

    @property
    def source(self) -> str:
        return str(self.table.source(self.number))


def batch_roster(tables: list[RawTable]) -> set[str]:
    """Staff ids on the roster rows of this import (valid or not: one problem is enough)."""
    return {text_value(v["staff_id"]) for table in tables if table.record_type == "staff"
            for _, v in table.rows if v.get("staff_id") is not None}


def _roster(session: Session, batch_roster: set[str]) -> set[str]:
    """Staff ids on any roster row, stored or in this import."""
    query = select(FactRow.staff_id).where(FactRow.record_type == "staff").distinct()
    return set(session.execute(query).scalars()) | batch_roster


def check_batch(session: Session, batch_roster: set[str], rows: list[Row], catalogues: Catalogues,
                 problems: list[Problem]) -> None:
    seen: dict[str, dict[str, Row]] = {}
    for row in rows:
        first = seen.setdefault(row.record_type, {}).setdefault(row.key, row)
        if first is not row:
            problems.append(Problem(row.source, f"重複した行です ({first.source} と同じキー: {row.record_id})",
                                    message_en=f"a duplicate row (the same key as {first.source}: {row.record_id})"))
    del seen
    roster = _roster(session, batch_roster)
    courses: dict[str, list[tuple[str, list[str]]]] = {}
    for row in rows:
        if row.staff_id is not None and row.staff_id not in roster:
            column = "target_staff_id" if row.record_type == "evaluation" else "staff_id"
            problems.append(Problem(row.source, f"職員番号 '{row.staff_id}' は職員名簿のどの行にもありません",
                                    column=row.table.header(column),
                                    message_en=f"staff number '{row.staff_id}' is on no row of the staff roster"))
        if row.record_type == "training" and catalogues:
            problems.extend(_course_problems(row, catalogues, courses))


def _course_problems(row: Row, catalogues: Catalogues,
                     memo: dict[str, list[tuple[str, list[str]]]]) -> list[Problem]:
    course = row.course
    if course not in memo:
        memo[course] = [(policy, candidates) for policy, known in catalogues.items()
                        if len(candidates := match_courses(course, known)) > 1]
    return [Problem(row.source, f"'{course}' は {policy} の研修のどれか決められません (候補: {', '.join(candidates)})",
                    column=row.table.header("course"),
                    message_en=f"'{course}' could be more than one course of {policy} (candidates: "
                               f"{', '.join(candidates)})")
            for policy, candidates in memo[course]]


def certification_ids(values: dict[str, Any], table: RawTable, number: int, names: CertificationNames,
                       problems: list[Problem]) -> bool:
    """A history row under the policy's and the certification's ids (with did-you-mean
    otherwise: then False)."""
    where = str(table.source(number))
    policies = {norm(n): pid for pid, (pnames, _) in names.items() for n in pnames if n}
    pid = policies.get(norm(values["policy"]))
    if pid is None:
        hint, hint_en = _suggest(values["policy"], [n for pnames, _ in names.values() for n in pnames if n])
        problems.append(Problem(where, f"方針 '{values['policy']}' はどのルールファイルにもありません{hint}",
                                column=table.header("policy"),
                                message_en=f"policy '{values['policy']}' is in no rule file{hint_en}"))
        return False
    certs = {norm(n): cid for cid, cnames in names[pid][1].items() for n in cnames if n}
    cid = certs.get(norm(values["certification"]))
    if cid is None:
        hint, hint_en = _suggest(values["certification"], [n for cnames in names[pid][1].values() for n in cnames if n])
        problems.append(Problem(where, f"認定区分 '{values['certification']}' は方針 {pid} にありません{hint}",
                                column=table.header("certification"),
                                message_en=f"policy {pid} has no certification '{values['certification']}'{hint_en}"))
        return False
    values["policy"], values["certification"] = pid, cid
    return True


def _suggest(value: str, choices: list[str]) -> tuple[str, str]:
    """The did-you-mean (or the list of what may be named), in Japanese and in English."""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if close:
        return f"（もしかして '{close[0]}'？）", f" (did you mean '{close[0]}'?)"
    known = ", ".join(f"'{c}'" for c in dict.fromkeys(choices))
    return f"（使えるもの: {', '.join(dict.fromkeys(choices))}）", f" (known: {known})"
