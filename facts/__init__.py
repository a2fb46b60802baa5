"""Facts: reading a municipality's records, validating them, storing and loading them.

    import_paths(engine, paths, catalogues=None) -> ImportReport   (facts.importer)
    load_year(engine, fiscal_year) -> YearFacts                     (facts.store)
    get_engine(url=None), init_db(engine)                           (facts.db)

The import format is ``shared/spec/fact-records.md``.
"""
from facts.db import get_engine, init_db
from facts.importer import Conflict, ImportReport, TypeCounts, import_paths
from facts.records import (
    RECORD_TYPES, Activity, Certification, Evaluation, Project, Qualification, Record, Role, Skill,
    Source, Staff, Training,
)
from facts.store import StaffFacts, YearFacts, load_year

__all__ = [
    "RECORD_TYPES", "Activity", "Certification", "Conflict", "Evaluation", "ImportReport",
    "Project", "Qualification", "Record", "Role", "Skill", "Source", "Staff", "StaffFacts",
    "Training", "TypeCounts", "YearFacts", "get_engine", "import_paths", "init_db", "load_year",
]
