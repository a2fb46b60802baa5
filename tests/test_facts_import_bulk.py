"""The fast import paths: rows validated without building models, sheets read without openpyxl's
per-cell parsing, rows stored in bulk (executemany on SQLite, COPY on PostgreSQL); each gives what
the plain path gives, and all or nothing still holds."""
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from engine.errors import FactError
from facts import storing
from facts.importer import import_paths
from facts.readers import read_paths, xlsx
from facts.records import RECORD_TYPES
from facts.validator import RowValidator
from facts.store import load_year
from tests.facts_files import failing_after, roster, stored, write_csv

SAMPLES = Path(__file__).resolve().parent.parent / "facts" / "samples"


def test_rows_validated_without_models_equal_the_models_own():
    tables = read_paths([SAMPLES]).tables
    assert tables
    checked = 0
    for table in tables:
        model = RECORD_TYPES[table.record_type]
        validator = RowValidator(model)
        for number, raw in table.rows:
            values = validator.values(raw)
            record = model.model_validate({**raw, "provenance": table.source(number)})
            if values is not None:  # else: the model's path, as before
                assert values == record.model_dump(exclude={"provenance"})
                assert list(values) == list(record.model_dump(exclude={"provenance"}))
                assert model.key_of(values) == record.record_key
                checked += 1
    assert checked > 100


@pytest.mark.parametrize("raw", [
    {"staff_id": "1001", "fiscal_year": "来年", "name": "山田", "department": "総務課", "grade": "主事"},
    {"staff_id": "1001", "fiscal_year": 2025, "name": "山田", "department": " ", "grade": "主事"},
    {"staff_id": True, "fiscal_year": 2025, "name": "山田", "department": "総務課", "grade": "主事"},
    {"staff_id": "1001", "fiscal_year": 2025, "name": datetime(2025, 1, 1), "department": "総務課", "grade": "主事"},
    {"staff_id": 1001.5, "fiscal_year": 2025, "name": "山田", "department": "総務課", "grade": "主事"},
    {"staff_id": "1001", "fiscal_year": float("nan"), "name": "山田", "department": "総務課", "grade": "主事"},
    {"staff_id": "1001", "fiscal_year": 2025, "name": "山田", "department": "総務課", "grade": "社長"},
    {"staff_id": "1001", "fiscal_year": 2025, "name": "山田", "department": "総務課", "grade": "主事", "x": 1},
])
def test_a_row_the_model_would_reject_is_left_to_the_model(raw):
    assert RowValidator(RECORD_TYPES["staff"]).values(raw) is None


def test_evaluation_rules_hold_without_models():
    validator = RowValidator(RECORD_TYPES["evaluation"])
    row = {"fiscal_year": "R7", "project_id": "P1", "occasion": "終了後", "evaluator_id": "E1",
           "evaluator_type": "幹部職員", "target_staff_id": "1001", "score": "4"}
    assert validator.values(row)["perspective"] == "leadership"
    assert validator.values({**row, "target_staff_id": None}) is None  # the model says why
    assert validator.values({**row, "occasion": "報告会"}) is None


def _workbook(path: Path, shared: bool) -> Path:
    book = openpyxl.Workbook(write_only=not shared)
    sheet = book.create_sheet("職員名簿") if not shared else book.active
    if shared:
        sheet.title = "職員名簿"
    rows = [
        ["職員番号", "年度", "氏名", "所属", "職級", None, "備考"],
        [1001, "R7", "山田 & <太郎>", "総務部\u3000総務課", "係長", None, datetime(2025, 4, 1)],
        [1002.0, 2025, "  佐藤  ", "ＤＸ推進室", "主事", None, 12.5],
        [None, None, None, None, None, None, None],
        ["1003", "令和7年度", "鈴木", "課", "課長", None, True],
    ]
    for row in rows:
        sheet.append(row)
    if shared:
        sheet["Z9"] = "遠くのセル"  # beyond the last header column: not read
        second = book.create_sheet("資格")
        second.append(["職員番号", "資格名", "取得日"])
        second.append([1001, "応用情報技術者", datetime(2025, 10, 1)])
        second.append([1002, "ITパスポート", date(2024, 5, 1)])
    book.save(path)
    return path


@pytest.mark.parametrize("shared", [True, False], ids=["shared-strings", "inline-strings"])
def test_the_fast_sheet_reader_reads_what_openpyxl_reads(tmp_path, monkeypatch, shared):
    path = _workbook(tmp_path / "hr.xlsx", shared)
    fast = read_paths([path])
    monkeypatch.setattr(xlsx.FastBook, "open", classmethod(lambda cls, path: None))
    slow = read_paths([path])
    assert [(t.record_type, t.sheet, t.rows, t.headers) for t in fast.tables] == [
        (t.record_type, t.sheet, t.rows, t.headers) for t in slow.tables]
    assert ([str(p) for p in fast.problems], fast.ignored) == ([str(p) for p in slow.problems], slow.ignored)
    assert fast.tables[0].rows[0][1]["name"] == "山田 & <太郎>"


def test_a_sheet_the_fast_reader_does_not_know_is_read_by_openpyxl(tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    book.active.title = "職員名簿"
    book.active.append(["職員番号", "年度", "氏名", "所属", "職級"])
    book.active.append([1001, 2025, "山田", "総務課", "係長"])
    book.active["B2"] = "=2024+1"  # a formula: data_only reads its cached value (none here)
    book.save(tmp_path / "hr.xlsx")
    calls = []
    original = xlsx.read_xlsx_with_openpyxl
    monkeypatch.setattr(xlsx, "read_xlsx_with_openpyxl", lambda *a: calls.append(1) or original(*a))
    result = read_paths([tmp_path / "hr.xlsx"])
    assert calls == [1]
    assert result.tables[0].rows == [(2, {"staff_id": 1001, "fiscal_year": None, "name": "山田",
                                          "department": "総務課", "grade": "係長"})]


def test_rows_are_stored_in_chunks_with_their_provenance(db, tmp_path, monkeypatch):
    monkeypatch.setattr(storing, "_BULK", 2)
    roster(tmp_path, *[str(1000 + i) for i in range(5)])
    report = import_paths(db, [tmp_path])
    assert report.new == 5 and stored(db) == 5
    year = load_year(db, 2025)
    assert [(s.staff_id, str(s.provenance)) for s in year.roster] == [
        (str(1000 + i), f"staff.csv:{i + 2}") for i in range(5)]


def test_a_failure_while_storing_in_bulk_stores_nothing(db, tmp_path, monkeypatch):
    roster(tmp_path, "1001", "1002", "1003")
    original = storing._values
    monkeypatch.setattr(storing, "_values", failing_after(original, 2))
    with pytest.raises(RuntimeError):
        import_paths(db, [tmp_path])
    assert stored(db) == 0
    with db.connect() as conn:
        assert conn.execute(text("select count(*) from import_batch")).scalar_one() == 0
        if db.dialect.name == "sqlite":  # the import's larger page cache is not left behind
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -2000
    monkeypatch.setattr(storing, "_values", original)
    assert import_paths(db, [tmp_path]).new == 3


def test_a_reimport_of_many_rows_compares_every_one(db, tmp_path):
    ids = [str(1000 + i) for i in range(storing._CHUNK + 20)]
    roster(tmp_path / "a", *ids)
    import_paths(db, [tmp_path / "a"])
    changed = roster(tmp_path / "b", *ids)
    lines = changed.read_text(encoding="utf-8").splitlines()
    lines[-1] = lines[-1].replace("主任", "課長")
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_csv(tmp_path / "b" / "projects.csv", "staff_id,fiscal_year,project_id,project_name,role",
              f"{ids[0]},2025,P-01,窓口DX,leader")
    report = import_paths(db, [tmp_path / "b"])
    assert (report.counts["staff"].unchanged, report.counts["staff"].conflicts) == (len(ids) - 1, 1)
    assert report.counts["project"].new == 1
    [conflict] = report.conflicts
    assert (conflict.record_id, conflict.new) == (f"staff/{ids[-1]}|2025", {"grade": "manager"})
    assert stored(db) == len(ids) + 1
    with pytest.raises(FactError):
        import_paths(db, [tmp_path / "b", tmp_path / "b" / "projects.csv"])  # a duplicate row
    assert stored(db) == len(ids) + 1
