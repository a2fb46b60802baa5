"""A fact as the engine sees it: a record (or a figure derived from records) with its fields,
and how it is asserted into durable_rules."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .facttypes import SCORE_SCALE, FactType


@dataclass
class Fact:
    type: str
    id: str
    fields: dict[str, Any]
    record: Any = None  # the source record of a base fact (facts.records.Record)
    derived_from: list[Any] = field(default_factory=list)  # source records of a derived fact
    notes: dict[str, Any] = field(default_factory=dict)  # figures shown in explanations only

    def durable(self, ftype: FactType) -> dict[str, Any]:
        out: dict[str, Any] = {"t": self.type, "id": self.id}
        for name, fdef in ftype.fields.items():
            v = self.fields.get(name)
            if v is None:
                continue  # a missing value matches no test
            if fdef.type == "score":
                v = round(float(v) * SCORE_SCALE)
            elif fdef.type == "rank":
                v = fdef.rank(v)
                if v is None:
                    continue
            out[name] = v
        return out
