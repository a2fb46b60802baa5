"""``nintei rules impact``: whom an edit of a rule file would affect, before it is adopted.

The draft (``draft``: loaded and checked as ``rules lint`` checks) is judged on exactly what the
year's current review judged with, rebuilt as ``audit replay`` rebuilds it (engine/replay.py): the
facts as they stood when that run started (fact_row ids up to its ``facts_upto``), the earlier
grants and the revocations its judgements recorded. The same workers as the review judge it
(engine/pipeline.py), and each worker compares its chunk with the stored judgements
(``compare``); ``conditions`` says which conditions of a changed decision changed and by what
figures; ``output`` writes it as text, JSON or CSV. Nothing is stored: no run, no decision, no
ledger entry.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from sqlalchemy import func, or_, select

from facts.stream import ALL, year_index
from facts.tables import FactRow

from .. import pipeline
from ..compile import compile_policy
from ..errors import ReviewError
from ..model import OUTCOMES
from ..replay import _grants_read, _revoked
from ..review import CHUNK, compiled_for_run, current_run
from ..rulefile import Policy
from ..tables import Override, ReviewRun, Revocation
from . import compare
from .compare import Change, Compared
from .draft import ParameterChange, load_draft, parameter_changes

__all__ = ["Change", "Impact", "ParameterChange", "impact", "load_draft"]

KINDS = (*OUTCOMES, "records_missing")  # records_missing: part of not_certified


@dataclass
class Impact:
    run: ReviewRun
    draft: Policy
    parameters: list[ParameterChange]
    labels: dict[str, tuple[str, str]]  # certification -> (ja, en), the draft's order first
    changes: list[Change] = field(default_factory=list)
    counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # cert -> before/after -> kind
    staff: int = 0
    later_facts: int = 0  # fact rows of the year (or before) stored after the run: not part of this comparison
    # recorded after the run, not read as earlier grants by this comparison: overrides, revocations,
    # reviews of earlier years (a review of the year again takes them in)
    later_actions: dict[str, int] = field(default_factory=dict)

    @property
    def policy(self) -> str:
        return self.run.policy

    @property
    def fiscal_year(self) -> int:
        return self.run.fiscal_year

    @property
    def same_rules(self) -> bool:
        return self.draft.content == self.run.rules_content

    def add(self, c: Compared) -> None:
        self.staff += 1
        for side, outcomes, missing in (("before", c.before, c.missing_before), ("after", c.after, c.missing_after)):
            for cert, outcome in outcomes.items():
                row = self.counts.setdefault(cert, {"before": dict.fromkeys(KINDS, 0), "after": dict.fromkeys(KINDS, 0)})
                row[side][outcome] += 1
                row[side]["records_missing"] += cert in missing
        self.changes.extend(c.changes)


def impact(db, draft: Policy, fiscal_year: int, workers: int | None = None, chunk_size: int = CHUNK) -> Impact:
    """The draft judged on the facts of the current review of its policy and ``fiscal_year``."""
    run = current_run(db, draft.id, fiscal_year)
    if run is None:
        command = f"nintei review --policy {draft.id} --fiscal-year {fiscal_year}"
        raise ReviewError(f"方針 {draft.id} の {fiscal_year}年度の審査がありません: 影響は保存された審査と比べて示します。"
                          f"先に `{command}` を実行してください",
                          en=f"no review of policy {draft.id} for FY{fiscal_year} is stored: the impact is measured against "
                             f"it. Run `{command}` first")
    compiled = compile_policy(draft, fiscal_year)
    before = compiled_for_run(run)
    out = Impact(run, draft, parameter_changes(json.loads(run.parameters), before.policy, compiled),
                 _labels(draft, before.policy))
    upto = run.facts_upto if run.facts_upto is not None else ALL
    index = year_index(db, fiscal_year, upto)
    revocations: dict[str, set[int]] = {}
    grants = _grants_read(db, run, revocations)
    revoked = _revoked(db, revocations)
    compare.prepare(db, run.id, before)
    for chunk in pipeline.judged(compiled, grants, db, index, chunk_size, workers, revoked, work=compare.compare_chunk):
        for c in chunk:
            out.add(c)
    out.counts = {c: out.counts[c] for c in out.labels if c in out.counts}
    out.changes = [replace(c, label=out.labels[c.certification][0], label_en=out.labels[c.certification][1])
                   if c.certification in out.labels else c for c in out.changes]
    with db.connect() as conn:
        out.later_facts = conn.execute(select(func.count()).select_from(FactRow).where(
            FactRow.id > upto, or_(FactRow.fiscal_year.is_(None), FactRow.fiscal_year <= fiscal_year))).scalar() or 0
        after = run.started_at
        out.later_actions = {k: n for k, n in (
            ("overrides", conn.execute(select(func.count()).select_from(Override).where(
                Override.policy == run.policy, Override.fiscal_year < fiscal_year, Override.at > after)).scalar()),
            ("revocations", conn.execute(select(func.count()).select_from(Revocation).where(
                Revocation.policy == run.policy, Revocation.fiscal_year <= fiscal_year, Revocation.at > after)).scalar()),
            ("runs", conn.execute(select(func.count()).select_from(ReviewRun).where(
                ReviewRun.policy == run.policy, ReviewRun.fiscal_year < fiscal_year, ReviewRun.status != "failed",
                ReviewRun.started_at > after)).scalar())) if n}
    return out


def _labels(draft: Policy, before: Policy) -> dict[str, tuple[str, str]]:
    """Each certification's label (ja, en); a label two certifications share (one renamed in the
    draft) carries its id, so that the two rows can be told apart."""
    out = {c.id: (c.label.ja, c.label.en or c.label.ja) for c in draft.certifications}
    for c in before.certifications:
        out.setdefault(c.id, (c.label.ja, c.label.en or c.label.ja))
    shared = {ja for ja in [ja for ja, _ in out.values()] if [j for j, _ in out.values()].count(ja) > 1}
    return {cid: (f"{ja}（{cid}）", f"{en} ({cid})") if ja in shared else (ja, en) for cid, (ja, en) in out.items()}
