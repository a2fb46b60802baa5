"""Facts: reading a municipality's records, validating them, storing and loading them.

    import_paths(engine, paths, catalogues=None) -> ImportReport   (facts.importer)
    load_year(engine, fiscal_year) -> YearFacts                     (facts.store)
    get_engine(url=None), init_db(engine)                           (facts.db)

The import format is ``shared/spec/fact-records.md``.

The names above are imported when first used (``facts.import_paths``, ``from facts import ...``),
not when the package is: importing ``facts.errors`` (as engine/errors.py does) or
``facts.aliases`` loads no database or spreadsheet library.
"""
from importlib import import_module

_FROM = {
    "facts.db": ("get_engine", "init_db"),
    "facts.importer": ("Conflict", "ImportReport", "TypeCounts", "import_paths"),
    "facts.records": ("RECORD_TYPES", "Activity", "Certification", "Evaluation", "Project", "Qualification",
                      "Record", "Role", "Skill", "Source", "Staff", "Training"),
    "facts.store": ("StaffFacts", "YearFacts", "load_year"),
}
_MODULE_OF = {name: module for module, names in _FROM.items() for name in names}

__all__ = [
    "RECORD_TYPES", "Activity", "Certification", "Conflict", "Evaluation", "ImportReport",
    "Project", "Qualification", "Record", "Role", "Skill", "Source", "Staff", "StaffFacts",
    "Training", "TypeCounts", "YearFacts", "get_engine", "import_paths", "init_db", "load_year",
]


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'facts' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
