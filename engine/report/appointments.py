"""New appointments that a plan counts toward its targets (垂水市's 育成目標数: "new appointments
or certifications per year", ../shared/policies.md, tarumizu).

The rule file's ``targets.appointments`` maps a certification whose target counts appointments too
to the role whose new holders count (``dx_leader_candidate: dx_leader``: the リーダー target counts
new DX推進リーダー as well as the review's new リーダー推薦候補). A staff member is **newly
appointed** in the first fiscal year for which a role record of that role exists for them: one
appointed in 2024 and again in 2025 counts in 2024 only; one who held the role before, left it and
is appointed again is not counted again (the plan counts people developed, not terms served). Role
records before the first year the records cover look new in that year: import the earlier years'
appointments too. Whoever holds the role counts, on the roster of the year or not (the facts say
who was appointed, the roster only who is reviewed).
"""
from __future__ import annotations

import orjson
from sqlmodel import Session, select

from facts.tables import FactRow


def new_appointments(db, roles: set[str], up_to: int) -> dict[int, dict[str, set[str]]]:
    """Fiscal year -> role -> the staff newly appointed to it that year, for years <= ``up_to``."""
    if not roles:
        return {}
    first: dict[tuple[str, str], int] = {}  # (role, staff id) -> the first year held
    with Session(db) as session:
        rows = session.exec(select(FactRow.staff_id, FactRow.fiscal_year, FactRow.data).where(
            FactRow.record_type == "role", FactRow.fiscal_year <= up_to,
            FactRow.replaced_by == None))  # noqa: E711  (a row a correction replaced is history)
        for staff_id, year, data in rows:
            role = orjson.loads(data).get("role")
            if role in roles and staff_id and year is not None:
                key = (role, staff_id)
                first[key] = min(first.get(key, year), year)
    out: dict[int, dict[str, set[str]]] = {}
    for (role, staff_id), year in first.items():
        out.setdefault(year, {}).setdefault(role, set()).add(staff_id)
    return out
