"""A clerk's folder of HR exports imports unedited (issue 16): for each policy,
tests/data/hr_exports/<policy>/ holds the people of facts/samples/<policy>/ as HR exports them
(.xls with 生年月日 and 備考 columns, Excel's 「Unicode テキスト」 (UTF-16, tabs), CP932 CSV with
extra columns, a 認定履歴 naming 真岡市 and DXアドバイザー), written by scripts/make_hr_exports.py.
Imported, they are the same facts as the samples."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select

from facts.db import get_engine, init_db
from facts.importer import import_paths
from facts.tables import FactRow

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "facts" / "samples"
EXPORTS = ROOT / "tests" / "data" / "hr_exports"
POLICIES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


def _facts(tmp_path: Path, name: str, folder: Path):
    engine = get_engine(f"sqlite:///{tmp_path / name}.db")
    init_db(engine)
    report = import_paths(engine, [folder])
    with Session(engine) as session:
        rows = session.exec(select(FactRow)).all()
        facts = {(r.record_type, r.record_key): (r.staff_id, r.fiscal_year, json.loads(r.data)) for r in rows}
    engine.dispose()
    return report, facts


def test_every_policy_has_a_folder_of_hr_exports_in_each_format():
    assert sorted(p.name for p in EXPORTS.iterdir()) == POLICIES
    for policy in POLICIES:
        suffixes = {p.suffix for p in (EXPORTS / policy).iterdir()}
        assert {".xls", ".txt", ".csv"} <= suffixes, policy
        assert (EXPORTS / policy / "認定履歴.csv").read_bytes().decode("cp932").startswith("職員番号,自治体,認定区分")
        text = next((EXPORTS / policy).glob("*.txt")).read_bytes()
        assert text.startswith(b"\xff\xfe")  # UTF-16 LE with BOM: 「Unicode テキスト」


@pytest.mark.parametrize("policy", POLICIES)
def test_a_clerks_folder_of_hr_exports_imports_unedited_into_the_facts_of_the_samples(tmp_path, policy):
    report, exported = _facts(tmp_path, "exports", EXPORTS / policy)
    _, samples = _facts(tmp_path, "samples", SAMPLES / policy)
    assert exported == samples
    ignored = {entry.split(": ", 1)[1] for entry in report.ignored}
    assert {"生年月日", "採用年月日", "備考"} <= ignored
    assert any(entry.startswith("職員名簿.xls:職員名簿: ") for entry in report.ignored)
    assert sum(c.new for c in report.counts.values()) == len(samples)
