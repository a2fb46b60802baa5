"""The database: which one, and creating its tables (the facts' and the engine's)."""
from __future__ import annotations

import importlib
import os

from sqlalchemy import Engine
from sqlmodel import SQLModel, create_engine

DEFAULT_URL = "sqlite:///nintei.db"


def get_engine(url: str | None = None) -> Engine:
    """An engine for ``url``, else ``$NINTEI_DB``, else ``nintei.db`` in the working directory."""
    return create_engine(url or os.environ.get("NINTEI_DB") or DEFAULT_URL)


def init_db(engine: Engine) -> None:
    """Create every table that is missing: ``facts.tables`` and, when present, ``engine.tables``."""
    importlib.import_module("facts.tables")
    try:
        importlib.import_module("engine.tables")
    except ModuleNotFoundError as exc:
        if exc.name not in ("engine.tables", "engine"):
            raise  # engine.tables exists but is broken: a bug, let it show
    SQLModel.metadata.create_all(engine)
