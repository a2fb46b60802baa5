"""Shared fixtures. ``db``: an initialised database engine, SQLite file and (when reachable or
required by NINTEI_REQUIRE_POSTGRES=1) PostgreSQL, each test in a fresh schema of its own."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import text

from facts.db import get_engine, init_db

POSTGRES_URL = os.environ.get("NINTEI_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = get_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means: not reachable
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


@pytest.fixture(scope="session")
def postgres_unreachable() -> str | None:
    return _postgres_reachable()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path_factory, postgres_unreachable):
    """An engine on an empty, initialised database (kept out of ``tmp_path``, where tests write
    the fact files they import)."""
    if request.param == "sqlite":
        engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'nintei.db'}")
        init_db(engine)
        yield engine
        engine.dispose()
        return
    from sqlmodel import create_engine

    with _postgres_schema(postgres_unreachable) as schema:
        engine = create_engine(POSTGRES_URL, connect_args={"options": f"-c search_path={schema}"})
        init_db(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path_factory, postgres_unreachable):
    """The URL of a database with no tables yet, as a user gives it to ``--db`` (for tests that
    run the command line in other processes): an SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'nintei.db'}"
        return
    with _postgres_schema(postgres_unreachable) as schema:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@contextmanager
def _postgres_schema(unreachable: str | None) -> Iterator[str]:
    """A schema of its own on the test PostgreSQL, dropped afterwards (the test skipped when the
    server does not answer, failed when NINTEI_REQUIRE_POSTGRES=1)."""
    if unreachable:
        message = f"PostgreSQL unreachable at {POSTGRES_URL} ({unreachable})"
        if os.environ.get("NINTEI_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = get_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def pytest_collection_modifyitems(items):
    """Each Gherkin scenario answers to its feature file's name: ``pytest -k oyama`` runs Oyama's."""
    from pytest_bdd.scenario import scenario_wrapper_template_registry

    for item in items:
        template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))
        if template is not None:
            item.extra_keyword_matches.add(Path(template.feature.filename).stem)


@pytest.fixture(autouse=True)
def _a_command_never_ends_in_an_uncaught_exception(monkeypatch):
    """Every command run through click's CliRunner: an exception escaping the command (which a user
    would see as a traceback) fails the test, whatever it asserts of the output (CliRunner keeps
    the exception aside and leaves no traceback in ``output``: a check for "Traceback" in it cannot
    fail)."""
    from click.testing import CliRunner

    invoke = CliRunner.invoke

    def checked(self, *args, **kwargs):
        result = invoke(self, *args, **kwargs)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"the command ended in an uncaught {type(result.exception).__name__}: "
                                 f"{result.exception} (output: {result.output[-500:]!r})") from result.exception
        return result

    monkeypatch.setattr(CliRunner, "invoke", checked)
