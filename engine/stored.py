"""Compact stored judgements, and decisions rendered from them on read.

A review stores, per staff member, what was decided and from what (``review_judgement.data``):

    {"v": 1,
     "s": 812,                                    fact_row id of the year's roster row
     "b": [["project", 17], ...],                  the base facts: record type and fact_row id
     "d": [["project_year", "<fact id>", {fields}, [fact_row ids it came from], {notes}], ...]
     "g": [["dx_advisor", 2024, 3, 991], ...],    grants of earlier reviews: certification, year,
                                                  run, review_decision id
     "f": [["leaf", "node id", {"m": 0}], ...],   what fired: kind, node, pattern -> fact (an index
                                                  into b + d + g, or a meta fact's id); alternative
     "m": [met node ids], "h": [held certifications], "o": {certification: outcome}}

Facts are named by their fact_row ids, never copied: a row's content is fixed once stored. The
explanation tree, the table's gaps, text, JSON and HTML are rendered from this, the run's stored
rule file and the records, by the same explainer a fresh judgement uses: a stored decision explains
itself exactly as it was explained when it was made (tests/test_explain_golden.py).
"""
from __future__ import annotations

import base64
import zlib
from typing import Any, Iterable

import orjson

from facts.records import Certification, Source

from .compile import Compiled, Firing, Firings
from .derive import Fact, base_fact
from .explain import Explainer
from .judge import Judgement
from .model import Decision

VERSION = 1


def encode(j: Judgement, row_id, revocations: list[int] = ()) -> str:
    """The judgement as stored. ``row_id(record)`` gives a loaded record's fact_row id;
    ``revocations``: the ids of the revocations that kept certifications from being held."""
    base, derived, grants = [], [], []
    index: dict[str, int] = {}
    for f in j.facts:
        if f.record is not None and f.record.provenance.file.startswith("review-run-"):
            continue
        if f.record is not None:
            index[f.id] = len(index)
            base.append([f.type, row_id(f.record)])
    for f in j.facts:
        if f.record is None:
            index[f.id] = len(index)
            derived.append([f.type, f.id, f.fields, [row_id(r) for r in f.derived_from],
                            {k: v for k, v in f.notes.items()}])
    for f in j.facts:
        if f.record is not None and f.record.provenance.file.startswith("review-run-"):
            index[f.id] = len(index)
            rec = f.record
            grant = [rec.certification, rec.fiscal_year, int(rec.provenance.file.removeprefix("review-run-")),
                     rec.provenance.row]
            if rec.source and rec.source.startswith("override "):
                grant.append(int(rec.source.removeprefix("override ")))  # a reviewer's override granted it
            grants.append(grant)
    fired = []
    for item in j.firings.items:
        row = [item.kind, item.node, {k: index.get(v, v) for k, v in item.facts.items()}]
        if item.alt:
            row.append(list(item.alt))
        fired.append(row)
    doc = {"v": VERSION, "s": row_id(j.staff), "b": base, "d": derived, "g": grants, "f": fired,
           "m": sorted(j.firings.met), "h": sorted(j.firings.held), "o": j.outcomes}
    if revocations:
        doc["r"] = list(revocations)
    return pack(orjson.dumps(doc))


# A judgement of many facts (Oyama's eight skills each with its latest assessment: ~4 KB) is stored
# deflated, as "z:" + base64: its JSON repeats itself (field names, node ids) and shrinks ~4x; a
# small one (Moka's ~1 KB) is stored as it is, which costs nothing to write or read.
COMPRESS_OVER = 1536


def pack(text: bytes) -> str:
    if len(text) > COMPRESS_OVER:
        return "z:" + base64.b64encode(zlib.compress(text, 6)).decode("ascii")
    return text.decode("utf-8")


def load(data: str) -> dict[str, Any]:
    """A stored judgement (review_judgement.data) as its document, deflated or not."""
    if data.startswith("z:"):
        return orjson.loads(zlib.decompress(base64.b64decode(data[2:])))
    return orjson.loads(data)


def row_ids(doc: dict[str, Any]) -> Iterable[int]:
    """Every fact_row id a stored judgement names."""
    yield doc["s"]
    for _, rid in doc["b"]:
        yield rid
    for d in doc["d"]:
        yield from d[3]


def grant_record(staff_id: str, policy_id: str, grant: list) -> Certification:
    """A stored grant ([certification, year, run, decision row, override id?]) as the record the
    review read (engine/people.py earlier_grants)."""
    cert, year, run_id, row = grant[:4]
    source = f"override {grant[4]}" if len(grant) > 4 else f"review run {run_id}"
    return Certification(staff_id=staff_id, policy=policy_id, certification=cert, fiscal_year=year,
                         source=source, provenance=Source(file=f"review-run-{run_id}", row=row))


def decode(doc: dict[str, Any], records: dict[int, Any], compiled: Compiled) -> tuple[Any, list[Fact], Firings]:
    """The roster row, the facts (in the order judged) and the firings of a stored judgement;
    ``records``: fact_row id -> record (facts.store.load_rows)."""
    policy = compiled.policy
    facts: list[Fact] = []
    for ftype, rid in doc["b"]:
        facts.append(base_fact(ftype, records[rid], policy))
    for ftype, fid, fields, came_from, notes in doc["d"]:
        facts.append(Fact(ftype, fid, fields, None, [records[r] for r in came_from], notes))
    staff = records[doc["s"]]
    for grant in doc["g"]:
        rec = grant_record(staff.staff_id, policy.id, grant)
        facts.append(Fact("certification", f"certification/review/{rec.certification}",
                          {**rec.fields(), "fiscal_year": rec.fiscal_year}, rec))
    ids = [f.id for f in facts]
    items = [Firing(row[0], row[1], {k: ids[v] if isinstance(v, int) else v for k, v in row[2].items()},
                    tuple(row[3]) if len(row) > 3 else ()) for row in doc["f"]]
    firings = Firings(items=items, met=set(doc["m"]), held=set(doc["h"]), outcomes=set(doc["o"]))
    return staff, facts, firings


def decisions(compiled: Compiled, staff, facts: list[Fact], firings: Firings,
              certification: str | None = None) -> list[Decision]:
    """The decisions with their explanation trees, as a fresh judgement explains them."""
    explainer = Explainer(compiled, facts, firings)
    return [explainer.decision(c, staff) for c in compiled.policy.certifications
            if certification is None or c.id == certification]


def render(doc: dict[str, Any], records: dict[int, Any], compiled: Compiled,
           certification: str | None = None) -> list[Decision]:
    staff, facts, firings = decode(doc, records, compiled)
    return decisions(compiled, staff, facts, firings, certification)
