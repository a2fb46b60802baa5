"""Large files read in parts by forked workers (facts/readers/parts.py, facts/parallel.py) give
exactly what reading them in one go gives: the same rows stored in the same order, the same
problems in the same order, the same ignored columns. And a large first import rebuilds fact_row's
indexes under their names, all or nothing."""
from __future__ import annotations

import os
from datetime import date

import openpyxl
import pytest
from sqlalchemy import text

from engine.errors import FactError
from facts import parallel, storing
from facts.db import get_engine, init_db
from facts.importer import import_paths
from facts.readers import parts
from tests.facts_files import failing_after, STAFF_HEADER, stored, write_csv

ROWS = ("select record_type, record_key, staff_id, fiscal_year, data, source_file, source_sheet, source_row "
        "from fact_row order by id")


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of 4 rows, and a record of how many parts each forked read had."""
    monkeypatch.setattr(parts, "MIN_PART_ROWS", 4)
    forked: list[int] = []
    original = parallel.fork_map

    def counting(fn, items):
        forked.append(len(items))
        return original(fn, items)

    monkeypatch.setattr("facts.importer.fork_map", counting)
    return forked


def _files(folder, bad: bool = False):
    """A roster CSV (with an ignored column), projects in a workbook, evaluations in CSV."""
    staff = [f"{1000 + i},2025,職員{i},情報政策課,主任,備考{i}" for i in range(23)]
    if bad:
        staff[3] = "1003,2025,職員3,情報政策課,社長,"  # unknown grade: a row of the first part
        staff[17] = "1017,来年,職員17,情報政策課,主任,"  # a row of a later part
        staff.append(staff[9])  # a duplicate of a row of another part
    write_csv(folder / "staff.csv", STAFF_HEADER + ",備考", *staff)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "projects"
    sheet.append(["職員番号", "年度", "プロジェクト番号", "プロジェクト名", "役割", "メモ"])
    for i in range(14):
        sid = "9999" if bad and i == 12 else 1000 + i  # not on the roster
        sheet.append([sid, 2025, f"P{i % 3}", "窓口DX & <改善>", "リーダー" if i % 3 == 0 else "メンバー", None])
    sheet.append([None, None, None, None, None, None])
    sheet.append([1020, date(2025, 4, 1) if bad else 2025, "P9", "庁内DX", "メンバー", "x"])
    book.save(folder / "projects.xlsx")
    header = "年度,プロジェクト番号,評価区分,観点,評価者,評価者区分,被評価者,評価点"
    if bad:
        header = header.replace("被評価者", "被評価社")  # a likely typo: said once, not per part
    evaluations = [f"2025,P{i % 3},報告会,政策的観点,E{i},幹部職員,{1000 + i},{1 + i % 5}" for i in range(18)]
    write_csv(folder / "evaluations.csv", header, *evaluations)


def _sqlite(tmp_path, name):
    engine = get_engine(f"sqlite:///{tmp_path / name}")
    init_db(engine)
    return engine


def _stored_rows(engine):
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(ROWS))]


def test_files_read_in_parts_store_what_one_read_stores(db, tmp_path, monkeypatch, small_parts):
    _files(tmp_path / "facts")
    monkeypatch.setenv("NINTEI_WORKERS", "1")
    alone = _sqlite(tmp_path, "alone.db")
    expected = import_paths(alone, [tmp_path / "facts"])
    assert small_parts == []
    monkeypatch.setenv("NINTEI_WORKERS", "3")
    report = import_paths(db, [tmp_path / "facts"])
    assert small_parts == [3, 3, 3]  # the evaluations, the sheet and the roster, each in three parts
    assert (report.files, report.ignored) == (expected.files, expected.ignored)
    assert report.ignored == ["projects.xlsx:projects: メモ", "staff.csv: 備考"]
    assert {k: vars(v) for k, v in report.counts.items()} == {k: vars(v) for k, v in expected.counts.items()}
    assert _stored_rows(db) == _stored_rows(alone)
    assert stored(db) == 23 + 15 + 18
    alone.dispose()


def test_problems_of_files_read_in_parts_are_said_as_one_read_says_them(db, tmp_path, monkeypatch, small_parts):
    _files(tmp_path / "facts", bad=True)
    monkeypatch.setenv("NINTEI_WORKERS", "1")
    with pytest.raises(FactError) as alone:
        import_paths(db, [tmp_path / "facts"])
    monkeypatch.setenv("NINTEI_WORKERS", "2")
    with pytest.raises(FactError) as in_parts:
        import_paths(db, [tmp_path / "facts"])
    assert small_parts == [2, 2, 2]
    assert in_parts.value.lines() == alone.value.lines()
    lines = in_parts.value.lines()
    assert sum("被評価社" in line for line in lines) == 1
    assert any(line.startswith("staff.csv:5: grade:") for line in lines)
    assert any(line.startswith("staff.csv:19: fiscal_year:") for line in lines)
    assert any(line.startswith("staff.csv:25: 重複した行です (staff.csv:11 と同じキー") for line in lines)
    assert any(line.startswith("projects.xlsx:projects:14: 職員番号:") for line in lines)
    assert stored(db) == 0


def test_a_header_cell_too_big_is_said_once(db, tmp_path, monkeypatch, small_parts):
    write_csv(tmp_path / "staff.csv", STAFF_HEADER + ",備考" + "x" * (1 << 20),
              *[f"{1000 + i},2025,職員{i},情報政策課,主任,備考{i}" for i in range(23)])
    monkeypatch.setenv("NINTEI_WORKERS", "2")
    with pytest.raises(FactError) as error:
        import_paths(db, [tmp_path / "staff.csv"])
    assert error.value.lines()[1:] == ["staff.csv:1: 値が大きすぎます (1 つのセルは 1 MiB まで)"]


def test_a_sheet_part_the_fast_reader_gives_up_on_makes_openpyxl_read_the_file(db, tmp_path, monkeypatch,
                                                                                 small_parts):
    _files(tmp_path / "facts")
    book = openpyxl.load_workbook(tmp_path / "facts" / "projects.xlsx")
    book.active["B12"] = "=2024+1"  # a formula, in a later part: openpyxl reads its (missing) cached value
    book.save(tmp_path / "facts" / "projects.xlsx")
    monkeypatch.setenv("NINTEI_WORKERS", "2")
    with pytest.raises(FactError) as error:
        import_paths(db, [tmp_path / "facts"])
    assert [line for line in error.value.lines()[1:]] == ["projects.xlsx:projects:12: 年度: 値がありません"]


def test_a_failing_worker_is_a_bug_raised_with_its_traceback(tmp_path, monkeypatch, small_parts):
    _files(tmp_path / "facts")
    monkeypatch.setenv("NINTEI_WORKERS", "2")
    parent = os.getpid()

    def failing(self, raw):
        if os.getpid() != parent:  # in a worker
            raise KeyError("a bug")
        return original(self, raw)

    from facts.validator import RowValidator

    original = RowValidator.values
    monkeypatch.setattr(RowValidator, "values", failing)
    with pytest.raises(RuntimeError, match="KeyError: 'a bug'"):
        import_paths(_sqlite(tmp_path, "x.db"), [tmp_path / "facts"])


def test_parts_are_read_here_when_the_system_refuses_another_process(db, tmp_path, monkeypatch, small_parts):
    _files(tmp_path / "facts")

    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel.os, "fork", refused)
    monkeypatch.setenv("NINTEI_WORKERS", "2")
    assert import_paths(db, [tmp_path / "facts"]).new == 23 + 15 + 18
    assert small_parts == [2, 2, 2]


def test_a_bad_worker_count_is_said(tmp_path, monkeypatch):
    monkeypatch.setenv("NINTEI_WORKERS", "two")
    with pytest.raises(parallel.NinteiError, match="NINTEI_WORKERS='two'"):
        parallel.workers()


def _indexes(engine):
    query = {"sqlite": "select name, sql from sqlite_master where type = 'index' and tbl_name = 'fact_row' "
                       "order by name",
             "postgresql": "select indexname, indexdef from pg_indexes where tablename = 'fact_row' "
                           "and schemaname = current_schema() order by indexname"}[engine.dialect.name]
    with engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(query)]


def test_a_large_first_import_builds_the_indexes_again_under_their_names(db, tmp_path, monkeypatch):
    monkeypatch.setattr(storing, "_REBUILD_MIN_ROWS", 3)
    before = _indexes(db)
    assert len(before) >= 5
    _files(tmp_path / "facts")
    import_paths(db, [tmp_path / "facts"])
    assert _indexes(db) == before
    assert stored(db, "staff") == 23
    assert import_paths(db, [tmp_path / "facts"]).new == 0  # the unique key still holds


def test_a_failure_after_the_indexes_were_dropped_stores_nothing_and_keeps_them(db, tmp_path, monkeypatch):
    monkeypatch.setattr(storing, "_REBUILD_MIN_ROWS", 3)
    before = _indexes(db)
    _files(tmp_path / "facts")
    original = storing._values
    monkeypatch.setattr(storing, "_values", failing_after(original, 30))
    with pytest.raises(RuntimeError):
        import_paths(db, [tmp_path / "facts"])
    assert _indexes(db) == before
    assert stored(db) == 0
    monkeypatch.setattr(storing, "_values", original)
    assert import_paths(db, [tmp_path / "facts"]).new == 23 + 15 + 18
    assert _indexes(db) == before
