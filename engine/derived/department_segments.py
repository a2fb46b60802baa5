"""``department_segments``: the year's department, whole and split into its segments."""
from __future__ import annotations

import re
import unicodedata

from ..fact import Fact
from ..facttypes import COMMON, FactType, FieldDef
from .kind import DerivedKind

FACT_TYPE = FactType("department_segments", "所属（区分）", "department segment", {
    **COMMON,
    "name": FieldDef("text", "所属名", "department name"),
    "department": FieldDef("text", "所属", "department"),
}, derived=True)


def department_segments(derived, options, staff_facts, year_facts, base) -> list[Fact]:
    """The department of the year's roster row, whole and split into its segments (on whitespace
    or '/'), one fact each: 「総務部 情報政策課」 matches a listed 情報政策課."""
    staff = staff_facts.staff
    dept = " ".join(unicodedata.normalize("NFKC", staff.department or "").split())
    if not dept:
        return []
    names = [dept] + [seg for seg in re.split(r"[\s/]+", dept) if seg and seg != dept]
    return [Fact(derived.name, f"{derived.name}/{staff.record_id}/{i}",
                 {"staff_id": staff.staff_id, "fiscal_year": staff.fiscal_year, "name": name, "department": dept},
                 None, [staff]) for i, name in enumerate(dict.fromkeys(names))]


KIND = DerivedKind(FACT_TYPE, (), department_segments)
