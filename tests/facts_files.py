"""Writing small fact files for the facts tests."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from facts.tables import FactRow

STAFF_HEADER = "staff_id,fiscal_year,name,department,grade"


def write_csv(path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def roster(folder: Path, *staff_ids: str, year: int = 2025, name: str = "staff.csv") -> Path:
    rows = [f"{sid},{year},職員{sid},情報政策課,主任" for sid in staff_ids]
    return write_csv(folder / name, STAFF_HEADER, *rows)


def stored(engine, record_type: str | None = None) -> int:
    query = select(func.count()).select_from(FactRow)
    if record_type:
        query = query.where(FactRow.record_type == record_type)
    with Session(engine) as session:
        return session.execute(query).scalar_one()


def failing_after(original, at: int, message: str = "disk full"):
    """``storing._values`` that raises after ``at`` rows: a failure in the middle of storing."""
    def failing(rows, import_id, *chain):
        for n, values in enumerate(original(rows, import_id, *chain)):
            if n == at:
                raise RuntimeError(message)
            yield values
    return failing
