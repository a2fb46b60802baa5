"""``diff RUN_A RUN_B``: who changed outcome between two runs, and why: a rule change or a fact
change, naming the conditions whose result changed.

For each staff member whose outcome for a certification differs, the pure judge answers the
counterfactual: B's rules on A's facts. If that gives A's outcome, the rules did not make the
difference: the facts did; if it gives B's outcome, the rule change did; otherwise both. When the
two runs have the same rule file, it is a fact change without asking; when the staff member's
facts are the same records in both (same fact rows, same earlier grants), a rule change.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import orjson
from sqlalchemy import select as sa_select
from sqlmodel import Session

from facts.stream import ALL, year_index

from . import pipeline, stored
from .compile import compile_policy
from .errors import ReviewError
from .replay import _grants_read
from .rulebook import policy_from_content
from .tables import JudgementRow, ReviewRun

CAUSE_JA = {"rules": "ルールの変更", "facts": "事実の変更", "both": "ルールと事実の両方の変更",
            "grants": "既認定（前年度までの判定・上書き・取消）の変更",
            "facts_grants": "事実と既認定（前年度までの判定・上書き・取消）の変更",
            "rules_grants": "ルールと既認定（前年度までの判定・上書き・取消）の変更",
            "all": "ルール・事実・既認定（前年度までの判定・上書き・取消）のすべての変更"}
CAUSE_EN = {"rules": "a rule change", "facts": "a fact change", "both": "a change of both the rules and the facts",
            "grants": "a change of earlier grants (earlier years' decisions, overrides, revocations)",
            "facts_grants": "a change of the facts and of earlier grants (earlier years' decisions, overrides, revocations)",
            "rules_grants": "a change of the rules and of earlier grants (earlier years' decisions, overrides, revocations)",
            "all": "a change of the rules, the facts and earlier grants (earlier years' decisions, overrides, revocations)"}


@dataclass
class Change:
    staff_id: str
    certification: str
    label: str
    before: str | None
    after: str | None
    cause: str  # key of CAUSE_JA / CAUSE_EN
    conditions: list[tuple[str, bool]] = field(default_factory=list)  # (description, met in B)
    label_en: str = ""  # the rule file's English label, where it gives one
    conditions_en: list[tuple[str, bool]] = field(default_factory=list)  # the same, in the rule file's English


@dataclass
class RunDiff:
    a: ReviewRun
    b: ReviewRun
    changes: list[Change] = field(default_factory=list)
    staff_only_a: list[str] = field(default_factory=list)
    staff_only_b: list[str] = field(default_factory=list)
    same: int = 0


def _load_run(session: Session, run_id: int) -> ReviewRun:
    run = session.get(ReviewRun, run_id)
    if run is None:
        raise ReviewError(f"審査 run {run_id} はありません（`nintei runs` で一覧を確かめてください）",
                          en=f"there is no review run {run_id} (`nintei runs` lists them)")
    return run


def diff_runs(db, run_a: int, run_b: int) -> RunDiff:
    with Session(db) as session:
        a, b = _load_run(session, run_a), _load_run(session, run_b)
    if a.policy != b.policy:
        raise ReviewError(f"審査 run {run_a}（{a.policy}）と run {run_b}（{b.policy}）は方針が異なるため比べられません",
                          en=f"review runs {run_a} ({a.policy}) and {run_b} ({b.policy}) are of different policies: "
                             "they cannot be compared")
    docs_a, docs_b = _texts_of(db, a.id), _texts_of(db, b.id)
    policy_b = policy_from_content(b.policy, b.rules_content)
    policy_a = policy_from_content(a.policy, a.rules_content)
    texts, texts_en = _texts(policy_b) | _texts(policy_a), _texts(policy_b, "en") | _texts(policy_a, "en")
    labels = {c.id: (c.label.ja, c.label.en or c.label.ja) for c in policy_b.certifications}
    out = RunDiff(a, b, staff_only_a=sorted(set(docs_a) - set(docs_b)), staff_only_b=sorted(set(docs_b) - set(docs_a)))
    pending: list[Change] = []
    for staff_id in [s for s in docs_b if s in docs_a]:
        if docs_a[staff_id] == docs_b[staff_id]:  # judged alike (the usual case): nothing to parse
            out.same += 1
            continue
        da, db_ = stored.load(docs_a[staff_id]), stored.load(docs_b[staff_id])
        oa, ob = da.get("o", {}), db_.get("o", {})
        changed = [c for c in ob if oa.get(c) != ob.get(c)] + [c for c in oa if c not in ob]
        if not changed:
            out.same += 1
            continue
        for cert in changed:
            ja, en = labels.get(cert, (cert, cert))
            change = Change(staff_id, cert, ja, oa.get(cert), ob.get(cert), "", label_en=en)
            change.conditions, change.conditions_en = _conditions(da, db_, texts), _conditions(da, db_, texts_en)
            facts_differ = _inputs(da) != _inputs(db_) or a.fiscal_year != b.fiscal_year
            grants_differ = _grants(da) != _grants(db_)
            if a.rules_content == b.rules_content:
                change.cause = _besides_rules(facts_differ, grants_differ)
            elif not facts_differ and not grants_differ:
                change.cause = "rules"
            else:  # unless B's rules on A's facts and grants say otherwise (_counterfactual)
                change.cause = ("all" if facts_differ else "rules_grants") if grants_differ else "both"
                pending.append(change)
            out.changes.append(change)
    if pending:
        _counterfactual(db, a, b, pending)
    return out


def _texts_of(db, run_id: int) -> dict[str, str]:
    """Each staff member's stored judgement, as stored (parsed only where two runs differ)."""
    with db.connect() as conn:
        return {s: d for s, d in conn.execute(
            sa_select(JudgementRow.staff_id, JudgementRow.data).where(JudgementRow.run_id == run_id)
            .order_by(JudgementRow.id))}


def _inputs(doc: dict) -> tuple:
    """The records a judgement read: its roster row, base facts and the rows derived facts came from
    (certification history records aside: they are earlier grants, see _grants)."""
    return (doc.get("s"), tuple(sorted(r for t, r in doc.get("b", []) if t != "certification")),
            tuple(sorted(r for d in doc.get("d", []) for r in d[3])))


def _grants(doc: dict) -> tuple:
    """What a judgement read as granted earlier: earlier reviews' grants (and overrides), the
    imported certification history, and the revocations that kept any of them from being held."""
    return (sorted((g[0], g[1]) for g in doc.get("g", [])),
            sorted(r for t, r in doc.get("b", []) if t == "certification"), sorted(doc.get("r", [])))


def _texts(policy, lang: str = "ja") -> dict[str, str]:
    """Each condition's text in the rule file (``en``: its English, else the Japanese)."""
    out: dict[str, str] = {}
    roots = [c.condition for c in policy.certifications] + list(policy.conditions.values())
    for root in roots:
        for node in root.walk():
            out.setdefault(node.id, (node.text.en or node.text.ja) if lang == "en" else node.text.ja)
    return out


def _met(doc: dict) -> set[str]:
    return set(doc.get("m", [])) | {f[1] for f in doc.get("f", []) if f[0] == "leaf"}


def _conditions(da: dict, db_: dict, texts: dict[str, str]) -> list[tuple[str, bool]]:
    """Conditions met in one run and not the other (those the rule files describe)."""
    ma, mb = _met(da), _met(db_)
    return [(texts[n], n in mb) for n in sorted(ma ^ mb) if n in texts]


def _counterfactual(db, a: ReviewRun, b: ReviewRun, pending: list[Change]) -> None:
    """B's rules judged on A's facts (and A's grants) for the staff members concerned."""
    compiled = compile_policy(policy_from_content(b.policy, b.rules_content), a.fiscal_year)
    index = year_index(db, a.fiscal_year, a.facts_upto if a.facts_upto is not None else ALL)
    wanted = {c.staff_id for c in pending}
    index.roster = [s for s in index.roster if s in wanted]
    grants = _grants_read(db, a)
    result: dict[str, dict] = {}
    for judged in pipeline.judged(compiled, grants, db, index, 500, 1):
        for staff_id, outcomes, _ in judged:
            result[staff_id] = outcomes
    for c in pending:
        mixed = result.get(c.staff_id, {}).get(c.certification)
        if mixed == c.before:  # B's rules alone change nothing: the facts and/or earlier grants did
            c.cause = _besides_rules(c.cause in ("all", "both"), c.cause in ("all", "rules_grants"))
        elif mixed == c.after:
            c.cause = "rules"


def _besides_rules(facts_differ: bool, grants_differ: bool) -> str:
    """What made a difference that the rules did not: the records, the earlier grants, or both."""
    if facts_differ:
        return "facts_grants" if grants_differ else "facts"
    return "grants"
