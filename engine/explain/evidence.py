"""A fact as evidence: the record it came from (file and row) with its fields, or, for a derived
fact, its fields and notes with the records it was derived from."""
from __future__ import annotations

from typing import Any

from ..derive import Fact
from ..model import Evidence


def evidence(fact: Fact) -> Evidence:
    if fact.record is not None:
        return Evidence(record_type=fact.type, source=str(fact.record.provenance), fields=_jsonable(fact.fields))
    fields = dict(fact.fields)
    fields.update({k: v for k, v in fact.notes.items() if v not in (None, [], {})})
    return Evidence(record_type=fact.type, source="derived", fields=_jsonable(fields),
                    derived_from=[Evidence(record_type=r.record_type, source=str(r.provenance),
                                           fields=_jsonable(r.fields())) for r in fact.derived_from])


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if hasattr(v, "isoformat"):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[k] = v
    return out
