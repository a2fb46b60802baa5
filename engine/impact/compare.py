"""In each worker: a chunk of staff judged by the draft (engine/pipeline.py's judge_chunk, the
review's own judging), then set beside the stored run's judgements of the same staff.

A staff member whose stored judgement is the new one, byte for byte, changes nothing; the others
are compared outcome by outcome. Decisions are rendered (their explanation trees, from the stored
judgement and from the new one, engine/stored.py) only where they are needed: a changed outcome
(to say which conditions changed) and a decision not certified (records missing or not:
engine/results.py); a judgement the draft leaves as it was is rendered once. The trees name the
records they cite by type only (the costliest part of an explanation, and none of impact's). What
goes back to the parent is small: outcomes, the certifications whose records are missing, and the
changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from facts.stream import load_rows

from .. import pipeline, stored
from ..compile import Compiled
from ..errors import FactError, ReviewError
from ..explain import Explainer
from ..model import Decision
from ..replay import _stored
from ..results import records_missing
from .conditions import ConditionChange, changed_conditions

_RUN: dict[str, Any] = {}  # the stored run and its compiled rules, set by the parent before the fork


@dataclass
class Change:
    staff_id: str
    staff_name: str
    department: str
    certification: str
    label: str
    label_en: str
    before: str | None  # None: no such decision (a certification only one side has)
    after: str | None
    conditions: list[ConditionChange] = field(default_factory=list)


@dataclass
class Compared:
    """One staff member: outcomes under the run and under the draft, the certifications whose
    decision lacks records on each side, and the decisions that change."""

    staff_id: str
    before: dict[str, str]
    after: dict[str, str]
    missing_before: frozenset[str] = frozenset()
    missing_after: frozenset[str] = frozenset()
    changes: list[Change] = field(default_factory=list)


def prepare(db, run_id: int, before: Compiled) -> None:
    _RUN.update(db=db, run_id=run_id, before=before)


def compare_chunk(ids: list[str]) -> tuple[str, Any]:
    """``pipeline.judged``'s work: ("ok", [Compared]) or what judge_chunk said went wrong."""
    kind, value = pipeline.judge_chunk(ids)
    if kind != "ok":
        return kind, value
    try:
        return "ok", compared(value, pipeline._STATE["compiled"])
    except FactError as e:
        return "bad", e.problems
    except ReviewError as e:
        return "error", str(e)


def compared(judged: list, after: Compiled) -> list[Compared]:
    db, before = _RUN["db"], _RUN["before"]
    kept = _stored(db, _RUN["run_id"], [staff_id for staff_id, _, _ in judged])
    out, shown = [], {}
    for staff_id, outcomes, data in judged:
        doc_before = stored.load(kept[staff_id]) if staff_id in kept else None
        c = Compared(staff_id, dict(doc_before.get("o", {})) if doc_before else {}, outcomes)
        if "not_certified" in (*c.before.values(), *c.after.values()) or c.before != c.after:
            same = kept.get(staff_id) == data
            shown[staff_id] = (doc_before, None if same else stored.load(data), same)
        out.append(c)
    if not shown:
        return out
    records = load_rows(db, {rid for pair in shown.values() for doc in pair[:2] if doc for rid in stored.row_ids(doc)})
    for c in out:
        if c.staff_id not in shown:
            continue
        doc_before, doc_after, same = shown[c.staff_id]
        changed = {cert for cert in {*c.before, *c.after} if c.before.get(cert) != c.after.get(cert)}
        old = _rendered(doc_before, records, before, changed | _not_certified(c.before))
        new = old if same else _rendered(doc_after, records, after, changed | _not_certified(c.after))
        c.missing_before = frozenset(k for k, d in old.items() if records_missing(d))
        c.missing_after = frozenset(k for k, d in new.items() if records_missing(d))
        c.changes = [_change(c, cert, old.get(cert), new.get(cert)) for cert in dict.fromkeys([*c.after, *c.before])
                     if cert in changed]
    return out


def _not_certified(outcomes: dict[str, str]) -> set[str]:
    return {cert for cert, outcome in outcomes.items() if outcome == "not_certified"}


def _rendered(doc: dict | None, records: dict, compiled: Compiled, wanted: set[str]) -> dict[str, Decision]:
    """The decisions ``wanted`` of a stored judgement, their trees with the conditions and figures
    (the records they cite named by type only: engine/explain/tree.py)."""
    if doc is None:
        return {}
    staff, facts, firings = stored.decode(doc, records, compiled)
    explainer = Explainer(compiled, facts, firings, cited=False)
    return {c.id: explainer.decision(c, staff) for c in compiled.policy.certifications if c.id in wanted}


def _change(c: Compared, cert: str, old: Decision | None, new: Decision | None) -> Change:
    d = new or old
    return Change(c.staff_id, d.staff_name if d else "", d.department if d else "", cert,
                  d.label if d else cert, (d.label_en or d.label) if d else cert, c.before.get(cert),
                  c.after.get(cert), changed_conditions(old.explanation if old else None,
                                                        new.explanation if new else None))
