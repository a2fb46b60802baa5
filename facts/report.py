"""What an import reports: counts per record type, the conflicts with stored rows, ignored columns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TypeCounts:
    new: int = 0
    unchanged: int = 0
    conflicts: int = 0
    corrected: int = 0  # import --correct: changed values under stored keys, stored as corrections


@dataclass(frozen=True)
class Conflict:
    """A record whose key is stored with other values: the stored values stand."""

    record_id: str
    source: str  # file:row of the new record
    stored_source: str  # file:row the stored record came from
    stored: dict[str, Any]  # the differing fields, as stored
    new: dict[str, Any]  # the differing fields, as in the new file

    def __str__(self) -> str:
        return self.text()

    def text(self, lang: str = "ja") -> str:
        changes = ", ".join(f"{k}: {self.stored[k]!r} → {self.new[k]!r}" for k in self.new)
        if lang == "en":
            return (f"{self.source}: {self.record_id} differs from the values stored from {self.stored_source}"
                    f" ({changes}); the stored values stand")
        return (f"{self.source}: {self.record_id} は {self.stored_source} で登録済みの値と違います"
                f" ({changes}); 登録済みの値のままです")


@dataclass
class ImportReport:
    import_id: int | None
    files: list[str]
    counts: dict[str, TypeCounts] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    corrections: list[Conflict] = field(default_factory=list)  # import --correct: the values corrected
    ignored: list[str] = field(default_factory=list)  # "file: header" of columns that are no field

    @property
    def new(self) -> int:
        return sum(c.new for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())
