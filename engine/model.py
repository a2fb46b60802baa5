"""Decisions and their explanation trees: data first, text second (see engine/render.py).

The JSON shape is the contract of ../shared/spec/cli.md: every node has ``description`` and
``met``; a met leaf lists ``evidence`` (records with their ``source``); nodes nest under
``conditions``. The extra fields (``observations``, ``criterion``, ``description_en``...) extend
that shape; nothing in it is removed or renamed.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["certified", "held", "not_certified"]
OUTCOMES: tuple[str, ...] = ("certified", "held", "not_certified")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Shown(Frozen):
    """A field of a record as a clerk reads it: its label and its value in words."""

    label: str
    label_en: str = ""
    value: str
    value_en: str = ""


class Evidence(Frozen):
    """A record that a condition looked at: its type, where it came from, its fields (as stored,
    and ``shown`` in words)."""

    record_type: str
    source: str  # "file:row" or "file:sheet:row" or "review-run-<run>:<decision>" for earlier grants
    fields: dict[str, Any] = Field(default_factory=dict)
    label: str = ""  # the record type in words, e.g. 「プロジェクト参加」
    label_en: str = ""
    shown: list[Shown] = Field(default_factory=list)
    derived_from: list["Evidence"] = Field(default_factory=list)  # for derived facts


class Observation(Frozen):
    """One comparison shown to the reader: a value looked at against a threshold."""

    label: str  # Japanese label of the value, e.g. "報告会評価"
    label_en: str = ""
    value: Any = None  # None: no value (records missing)
    op: str = ""  # ">=", "<", "==", "in", ...
    threshold: Any = None
    met: bool = False
    shortfall: float | None = None  # how much is missing, where a number is involved
    subject: str = ""  # which candidate fact this belongs to, e.g. "2024年度 P-01"
    subject_en: str = ""  # the same in English, e.g. "FY2024 P-01"
    parameter: str | None = None  # the rule-file parameter that set the threshold
    parameter_since: int | None = None  # fiscal year from which that value applies
    parameter_label: str = ""  # that parameter's label, e.g. 「報告会評価の基準点」
    parameter_label_en: str = ""
    # the value and the threshold in words where they are codes (「課長級」 for manager), and what
    # the threshold is when it is no number of the rule file (「このリーダー年度」, 「審査年度」)
    value_text: str = ""
    value_text_en: str = ""
    threshold_text: str = ""
    threshold_text_en: str = ""
    threshold_label: str = ""
    threshold_label_en: str = ""
    setting: bool = False  # a yes/no setting of the rule file (a flag), not a record's value


class ExplanationNode(Frozen):
    id: str
    kind: str  # all / any / not / exists / at_least / every / certified / held / outcome
    description: str  # Japanese
    description_en: str = ""
    met: bool
    missing_records: bool = False  # unmet because records are missing (not a low score)
    criterion: str | None = None  # quoted sentence of the municipal document
    location: str | None = None  # rules/moka.yaml:42
    observations: list[Observation] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    conditions: list["ExplanationNode"] = Field(default_factory=list)


class ParameterValue(Frozen):
    """A parameter of the rule file that the decision used: its value in force and the fiscal
    year from which that value applies (None: from the first year of the policy)."""

    name: str
    label: str
    label_en: str = ""
    value: Any = None
    value_text: str = ""  # the value in words where it holds codes (「課長級、部長級」)
    value_text_en: str = ""
    since: int | None = None


class Decision(Frozen):
    policy: str
    fiscal_year: int
    staff_id: str
    staff_name: str = ""
    department: str = ""  # 所属 on the review year's roster
    certification: str
    label: str
    label_en: str = ""
    outcome: Outcome
    validity: Literal["permanent", "yearly"] = "permanent"
    explanation: ExplanationNode
    parameters: list[ParameterValue] = Field(default_factory=list)
    # people's actions beside the engine's decision (spec/cli.md): the outcome stays the engine's
    override: dict[str, Any] | None = None  # outcome, reason, by, at
    revoked: dict[str, Any] | None = None  # reason, by, date
    # records the decision used that ``import --correct`` corrected (kind "corrected": the value
    # used is the corrected one; "corrected_later": the record was corrected after the decision)
    corrections: list[dict[str, Any]] | None = None

    def public(self) -> dict[str, Any]:
        """The decision object of spec/cli.md (plus extensions); override / revoked when present."""
        return self.model_dump(mode="json", exclude={k for k in ("override", "revoked", "corrections") if getattr(self, k) is None})


class ReviewResult:
    """A finished review run. Its decisions are rendered from the store when first asked for
    (``decisions``, ``iter_decisions``): a review of 100,000 staff holds none of them in memory."""

    def __init__(self, policy: str, fiscal_year: int, rules_version: str, run_id: int | None = None,
                 decisions: list[Decision] | None = None, staff_count: int = 0, decision_count: int = 0,
                 db: Any = None):
        self.policy, self.fiscal_year, self.rules_version, self.run_id = policy, fiscal_year, rules_version, run_id
        self.staff_count, self.decision_count, self.db = staff_count, decision_count, db
        self._decisions = decisions

    def iter_decisions(self, batch: int = 500):
        if self._decisions is not None:
            yield from self._decisions
            return
        from engine.review import iter_run_decisions  # the store renders them

        yield from iter_run_decisions(self.db, self.run_id, batch)

    @property
    def decisions(self) -> list[Decision]:
        if self._decisions is None:
            self._decisions = list(self.iter_decisions())
        return self._decisions

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for d in self.decisions:
            row = out.setdefault(d.certification, {o: 0 for o in OUTCOMES})
            row[d.outcome] += 1
        return out
