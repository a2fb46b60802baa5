"""What the report counts: per certification and fiscal year reviewed, the newly certified, the
holders, the not certified and, of those, the ones whose records are missing
(engine.results.records_missing); the plan's targets from the rule file's ``targets:`` section
(Moka's 目標人数 by year, cumulative holders; Tarumizu's 育成目標数, new per year, counted against
new appointments as well as certifications where ``targets.appointments`` says so:
engine/report/appointments.py); the counts per 所属 of the year reported."""
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
    certified_staff: set[str] = field(default_factory=set)  # who was newly certified

    def add(self, d: Decision) -> None:
        setattr(self, d.outcome, getattr(self, d.outcome) + 1)
        self.missing += records_missing(d)
        if d.outcome == "certified":
            self.certified_staff.add(d.staff_id)

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
    appointment_roles: dict[str, str] = field(default_factory=dict)  # certification -> role whose new holders count
    appointed: dict[int, dict[str, set[str]]] = field(default_factory=dict)  # year -> role -> newly appointed

    def basis(self) -> str:
        for by_cert in self.targets.values():
            for t in by_cert.values():
                return t.basis
        return ""

    def basis_of(self, year: int, cert: str) -> str:
        """What the figure of that certification and year counts: ``cumulative``, ``new_per_year``
        or ``appointments`` (new per year, appointments included)."""
        target = self.targets.get(year, {}).get(cert)
        basis = target.basis if target else self.basis() or "cumulative"
        return "appointments" if basis == "new_per_year" and cert in self.appointment_roles else basis

    def appointed_for(self, year: int, cert: str) -> set[str] | None:
        """The staff newly appointed in that year to the role counted for that certification's
        target (None: the certification counts no appointments)."""
        role = self.appointment_roles.get(cert)
        return None if role is None else self.appointed.get(year, {}).get(role, set())

    def actual(self, year: int, cert: str) -> int | None:
        """The figure set against the target: the holders at the end of the year (cumulative), or
        the newly certified and, where the plan says so, the newly appointed, each person once.
        None for a year not reviewed, or a certification the year's review did not judge and
        that has no target then."""
        if year not in self.tallies:
            return None
        tally = self.tallies[year].get(cert)
        if tally is None and cert not in self.targets.get(year, {}):
            return None
        tally = tally or Tally()
        if self.basis_of(year, cert) == "cumulative":
            return tally.holders
        return len(tally.certified_staff | (self.appointed_for(year, cert) or set()))

    def sources(self, year: int, cert: str) -> tuple[int | None, int | None]:
        """Where the actual figure comes from: (newly appointed, newly certified); None where not
        counted (no appointments for that certification, a year not reviewed)."""
        if year not in self.tallies:
            return None, None
        appointed = self.appointed_for(year, cert)
        tally = self.tallies[year].get(cert) or Tally()
        return (None if appointed is None else len(appointed)), tally.certified


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
    from engine.report.appointments import new_appointments
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
    roles = {str(c): str(r) for c, r in ((policy.targets or {}).get("appointments") or {}).items()}
    en = lang == "en"
    return Report(
        policy=policy_id, title=(policy.title.en if en and policy.title.en else policy.title.ja),
        municipality=(policy.municipality.en if en and policy.municipality.en else policy.municipality.ja),
        fiscal_year=fiscal_year,
        certifications=[(c.id, c.label.en if en and c.label.en else c.label.ja) for c in policy.certifications],
        years=sorted(tallies), tallies=tallies, targets=targets, target_note=note, plan=plan,
        departments=by_department(decisions, lang), decisions=decisions,
        run_id=run.id if run else None, rules_version=run.rules_version if run else "", lang=lang,
        appointment_roles=roles, appointed=new_appointments(db, set(roles.values()), fiscal_year))


def _year_tally(db, policy_id: str, year: int) -> dict[str, Tally]:
    """The counts of an earlier year's review, read batch by batch."""
    from engine.review import current_run, iter_run_decisions

    out: dict[str, Tally] = {}
    for d in iter_run_decisions(db, current_run(db, policy_id, year).id):
        out.setdefault(d.certification, Tally()).add(d)
    return out
