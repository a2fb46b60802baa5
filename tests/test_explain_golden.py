"""`explain` of every stored decision of each policy's samples prints exactly what the golden
files hold (tests/golden/<policy>.<format>.<lang>.gz): text and JSON, Japanese and English.

The golden files were written by the engine as it stood before decisions were stored compactly
and rendered on read (issue 14), so a reshaping that changes one character of an explanation fails
here. They are rewritten only on purpose: NINTEI_WRITE_GOLDEN=1 pytest tests/test_explain_golden.py
(and the diff is read before it is committed)."""
from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
POLICIES = ["moka", "goka", "oyama", "tarumizu", "kakamigahara"]
FORMATS = [("text", "ja"), ("text", "en"), ("json", "ja"), ("json", "en")]


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    dbs = {}
    runner = CliRunner()
    for policy in POLICIES:
        db = f"sqlite:///{tmp_path_factory.mktemp(policy) / 'g.db'}"
        r = runner.invoke(main, ["--db", db, "review", "--policy", policy, "--fiscal-year", "2025",
                                 "--facts", str(ROOT / "facts" / "samples" / policy), "--format", "json"])
        assert r.exit_code == 0, r.output
        dbs[policy] = (db, sorted({d["staff_id"] for d in json.loads(r.stdout)["decisions"]}))
    return dbs


@pytest.mark.parametrize("fmt,lang", FORMATS)
@pytest.mark.parametrize("policy", POLICIES)
def test_explain_prints_what_it_printed_before(reviewed, policy, fmt, lang):
    runner = CliRunner()
    out = []
    db, staff_ids = reviewed[policy]
    for staff in staff_ids:
        r = runner.invoke(main, ["--db", db, "explain", staff, "--policy", policy,
                                 "--fiscal-year", "2025", "--format", fmt, "--lang", lang])
        assert r.exit_code == 0, r.output
        out.append(f"==== {staff}\n{r.stdout}")
    got = "".join(out)
    path = GOLDEN / f"{policy}.{fmt}.{lang}.gz"
    if os.environ.get("NINTEI_WRITE_GOLDEN") == "1":
        path.write_bytes(gzip.compress(got.encode("utf-8"), mtime=0))
    assert path.exists(), f"{path} missing: NINTEI_WRITE_GOLDEN=1 writes it"
    expected = gzip.decompress(path.read_bytes()).decode("utf-8")
    assert got == expected, f"explain of {policy} ({fmt}, {lang}) differs from {path}"


@pytest.mark.parametrize("fmt,lang", [("table", "ja"), ("table", "en"), ("csv", "ja"), ("csv", "en")])
@pytest.mark.parametrize("policy", POLICIES)
def test_review_prints_what_it_printed_before(tmp_path, policy, fmt, lang):
    """The review's own output (table and CSV), from a fresh database, as before the reshaping."""
    r = CliRunner().invoke(main, ["--db", f"sqlite:///{tmp_path / 'r.db'}", "review", "--policy", policy,
                                  "--fiscal-year", "2025", "--facts", str(ROOT / "facts" / "samples" / policy),
                                  "--format", fmt, "--lang", lang])
    assert r.exit_code == 0, r.output
    path = GOLDEN / f"review-{policy}.{fmt}.{lang}.gz"
    if os.environ.get("NINTEI_WRITE_GOLDEN") == "1":
        path.write_bytes(gzip.compress(r.stdout.encode("utf-8"), mtime=0))
    assert path.exists(), f"{path} missing: NINTEI_WRITE_GOLDEN=1 writes it"
    assert r.stdout == gzip.decompress(path.read_bytes()).decode("utf-8"), f"review of {policy} differs from {path}"
