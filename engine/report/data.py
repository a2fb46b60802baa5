"""What the report counts: per certification and fiscal year reviewed, the newly certified, the
holders, the not certified and, of those, the ones whose records are missing
(engine.results.records_missing); the plan's targets from the rule file's ``targets:`` section
(Moka's 目標人数 by year, cumulative holders; Tarumizu's 育成目標数, new per year); the counts per
所属 of the year reported."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.model import OUTCOMES, Decision
from engine.results import records_missing

KINDS = ("certified", "held", "not_certified", "missing")


@dataclass
class Tally:
    """Counts of one certification in one review (``missing`` is part of ``not_certified``)."""

    certified: int = 0
    held: int = 0
    not_certified: int = 0
    missing: int = 0

    def add(self, d: Decision) -> None:
        setattr(self, d.outcome, getattr(self, d.outcome) + 1)
        self.missing += records_missing(d)

    @property
    def holders(self) -> int:
        """Everyone holding it at the end of the year: granted by this review or earlier."""
        return self.certified + self.held

    @property
    def total(self) -> int:
        return sum(getattr(self, o) for o in OUTCOMES)


@dataclass
class Target:
    """A plan's figure for a certification and year; ``basis`` says what it counts."""

    value: int
    basis: str  # "cumulative": holders at the end of the year; "new_per_year": certified that year

    def actual(self, tally: Tally | None) -> int:
        if tally is None:
            return 0
        return tally.holders if self.basis == "cumulative" else tally.certified


@dataclass
class Report:
    policy: str
    title: str
    municipality: str
    fiscal_year: int
    certifications: list[tuple[str, str]]  # (id, label), the rule file's order
    years: list[int]  # the fiscal years reviewed (current runs), <= fiscal_year
    tallies: dict[int, dict[str, Tally]]  # year -> certification -> counts
    targets: dict[int, dict[str, Target]]  # year -> certification -> target
    target_note: str
    plan: dict[str, int]  # the plan's totals, where it states them
    departments: dict[str, dict[str, Tally]]  # 所属 -> certification -> counts (the year reported)
    decisions: list[Decision]  # the year reported
    run_id: int | None = None
    rules_version: str = ""
    views: list[Any] = field(default_factory=list)  # engine.report.views.View
    lang: str = "ja"  # the language of every word the report shows (engine/report/words.py)

    def basis(self) -> str:
        for by_cert in self.targets.values():
            for t in by_cert.values():
                return t.basis
        return ""


def read_targets(targets: dict[str, Any], lang: str = "ja") -> tuple[dict[int, dict[str, Target]], str, dict[str, int]]:
    """The rule file's ``targets:`` as Target per year and certification, its note (``note_en`` in
    English; without one, what the targets count, in words), the plan."""
    from engine.report.words import TARGET_NOTE_EN

    basis = str(targets.get("basis") or "new_per_year")
    by_year: dict[int, dict[str, Target]] = {}
    for year, figures in (targets.get("by_year") or {}).items():
        by_year[int(year)] = {cert: Target(int(v), basis) for cert, v in (figures or {}).items()}
    plan = {cert: int(v) for cert, v in (targets.get("plan") or {}).items()}
    note = str(targets.get("note") or "")
    if lang == "en":
        note = str(targets.get("note_en") or (TARGET_NOTE_EN.get(basis, "") if by_year else ""))
    return by_year, note, plan


def tally(decisions: list[Decision]) -> dict[str, Tally]:
    out: dict[str, Tally] = {}
    for d in decisions:
        out.setdefault(d.certification, Tally()).add(d)
    return out


def by_department(decisions: list[Decision], lang: str = "ja") -> dict[str, dict[str, Tally]]:
    from engine.report.words import w

    out: dict[str, dict[str, Tally]] = {}
    for d in decisions:
        out.setdefault(d.department or w(lang, "no_department"), {}).setdefault(d.certification, Tally()).add(d)
    return dict(sorted(out.items()))


def build(db, policy_id: str, fiscal_year: int, lang: str = "ja") -> Report:
    """The report of the review of ``fiscal_year``, with every earlier year that was reviewed.
    A year never reviewed is no error (it is left out); the year reported must have been."""
    from engine.review import current_run, stored_decisions
    from engine.rulebook import load_rulebook

    policy = load_rulebook().policy(policy_id)
    decisions = stored_decisions(db, policy_id, fiscal_year)  # ReviewError when never reviewed
    run = current_run(db, policy_id, fiscal_year)
    tallies = {fiscal_year: tally(decisions)}
    targets, note, plan = read_targets(policy.targets or {}, lang)
    earliest = min([*targets, fiscal_year])
    for year in range(earliest - 5, fiscal_year):
        if current_run(db, policy_id, year) is not None:
            tallies[year] = _year_tally(db, policy_id, year)
    en = lang == "en"
    return Report(
        policy=policy_id, title=(policy.title.en if en and policy.title.en else policy.title.ja),
        municipality=(policy.municipality.en if en and policy.municipality.en else policy.municipality.ja),
        fiscal_year=fiscal_year,
        certifications=[(c.id, c.label.en if en and c.label.en else c.label.ja) for c in policy.certifications],
        years=sorted(tallies), tallies=tallies, targets=targets, target_note=note, plan=plan,
        departments=by_department(decisions, lang), decisions=decisions,
        run_id=run.id if run else None, rules_version=run.rules_version if run else "", lang=lang)


def _year_tally(db, policy_id: str, year: int) -> dict[str, Tally]:
    """The counts of an earlier year's review, read batch by batch."""
    from engine.review import current_run, iter_run_decisions

    out: dict[str, Tally] = {}
    for d in iter_run_decisions(db, current_run(db, policy_id, year).id):
        out.setdefault(d.certification, Tally()).add(d)
    return out
