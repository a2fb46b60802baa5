"""Imports at the same time (issue 15, item 7), with real processes running the command line: on
PostgreSQL and SQLite, two imports of one file store it once (the second waits, then finds every
row stored); a command kept waiting for SQLite's write lock past its busy timeout ends with a
clear message. Never a traceback, never a row lost or stored twice."""
from __future__ import annotations

import selectors
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from facts.db import advisory_key, get_engine, init_db
from facts.errors import FactError
from facts.importer import import_paths
from tests.facts_files import roster

ROOT = Path(__file__).resolve().parent.parent
STAFF = [str(10000 + i) for i in range(2000)]


def _nintei(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _line(proc: subprocess.Popen, seconds: float = 60) -> str:
    """The next line the process writes to stderr (waiting at most ``seconds``)."""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stderr, selectors.EVENT_READ)
        if not sel.select(timeout=seconds):
            proc.kill()
            pytest.fail(f"no line on stderr within {seconds} s")
    return proc.stderr.readline()


def _stored(url: str) -> int:
    engine = get_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("select count(*) from fact_row")).scalar_one()
    finally:
        engine.dispose()


class _ImportInProgress:
    """What another import holds while it stores: PostgreSQL's import lock, SQLite's write lock."""

    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite"):
            self.conn = sqlite3.connect(url.removeprefix("sqlite:///").split("?")[0], isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.engine = get_engine(url)
            self.conn = self.engine.connect()
            self.conn.execute(text("select pg_advisory_xact_lock(:key)"), {"key": advisory_key("import")})

    def end(self) -> None:
        if self.url.startswith("sqlite"):
            self.conn.execute("COMMIT")
            self.conn.close()
        else:
            self.conn.commit()
            self.conn.close()
            self.engine.dispose()


def test_two_imports_of_one_file_at_once_store_it_once(db_url, tmp_path):
    facts = roster(tmp_path, *STAFF)
    engine = get_engine(db_url)
    init_db(engine)  # the tables made
    engine.dispose()
    other = _ImportInProgress(db_url)
    try:
        first, second = _nintei("--db", db_url, "import", str(facts)), _nintei("--db", db_url, "import", str(facts))
        for proc in (first, second):
            assert "待っています" in _line(proc)  # both read and checked the file, and wait
        time.sleep(0.5)
        assert first.poll() is None and second.poll() is None
    finally:
        other.end()
    outs = [proc.communicate(timeout=120) for proc in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    assert not any("Traceback" in out + err for out, err in outs)
    said = sorted(out.splitlines()[1].strip() for out, _ in outs)
    assert said == ["職員 (staff): 新規 0 件、変更なし 2000 件", "職員 (staff): 新規 2000 件、変更なし 0 件"]
    assert _stored(db_url) == len(STAFF)


def test_two_imports_started_together_store_the_file_once(db_url, tmp_path):
    """No lock held by the test, on a new database: whichever order they happen to run in, the
    tables are made once and the rows stored once."""
    facts = roster(tmp_path, *STAFF)
    procs = [_nintei("--db", db_url, "import", str(facts)) for _ in range(2)]
    outs = [proc.communicate(timeout=180) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outs
    assert not any("Traceback" in out + err for out, err in outs)
    assert sorted("新規 2000 件" in out for out, _ in outs) == [False, True]
    assert _stored(db_url) == len(STAFF)


@pytest.mark.parametrize("command", [["import"], ["review", "--policy", "moka", "--fiscal-year", "2025"]])
def test_a_command_kept_from_sqlite_s_write_lock_past_its_busy_timeout_says_so(tmp_path, command):
    url = f"sqlite:///{tmp_path / 'nintei.db'}"
    facts = roster(tmp_path / "facts", *STAFF[:5])
    assert _nintei("--db", url, "import", str(facts)).wait(timeout=120) == 0
    other = _ImportInProgress(url)
    try:
        args = [*command, str(roster(tmp_path / "more", "20001"))] if command == ["import"] else command
        proc = _nintei("--db", f"{url}?timeout=1", *args)
        out, err = proc.communicate(timeout=120)
    finally:
        other.end()
    assert proc.returncode == 1, (out, err)
    assert "Traceback" not in out + err
    assert "別の処理が使い続けているため" in err
    assert "もう一度実行してください" in err
    assert _stored(url) == 5


def test_an_import_kept_from_sqlite_s_write_lock_past_its_busy_timeout_stores_nothing(tmp_path):
    """The import's own lock (the database is made before: init_db does not wait here)."""
    url = f"sqlite:///{tmp_path / 'nintei.db'}"
    engine = get_engine(f"{url}?timeout=0.5")
    init_db(engine)
    told: list[str] = []
    other = _ImportInProgress(url)
    try:
        with pytest.raises(FactError) as error:
            import_paths(engine, [roster(tmp_path, *STAFF[:5])], waiting=told.append)
    finally:
        other.end()
    assert told == ["データベースに別の処理が書き込んでいます。終わるのを待っています…"]
    assert error.value.lines() == ["データベースを別の処理が使い続けているため、0.5 秒待っても書き込めませんでした。何も登録して"
                                   "いません。その処理が終わってから、もう一度実行してください。"]
    assert _stored(url) == 0
    assert import_paths(engine, [tmp_path]).new == 5
    engine.dispose()
