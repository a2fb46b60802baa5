"""Values never accepted (shared/spec/fact-records.md, "Bad input"): numbers that are not finite,
ids written as JSON numbers that are not whole, cells over 1 MiB, JSON nested deeper than records
need. Each is a located row problem (or a file problem), never a traceback, and nothing of the
batch is stored. A review never crashes on a stored fact that is not finite."""
from __future__ import annotations

import json
import math
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from pydantic import ValidationError
from sqlalchemy import text

from cli import main
from engine.errors import FactError
from facts.importer import import_paths
from facts.readers import read_paths
from facts.records import RECORD_TYPES, data_fields
from tests.facts_files import roster, stored, write_csv

ROOT = Path(__file__).resolve().parent.parent
EVAL_HEADER = "fiscal_year,project_id,occasion,perspective,evaluator_id,evaluator_type,target_staff_id,score"
MAX_CELL_BYTES = 1 << 20  # 1 MiB: the spec's limit of one cell
NOT_FINITE = "は有限の数値ではありません"


def problems_of(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


# --- numbers that are not finite -------------------------------------------------------------

@pytest.mark.parametrize("written", ["nan", "NaN", "inf", "-inf", "Infinity", "-Infinity", "1e999"])
def test_a_csv_score_that_is_not_finite_is_a_row_error(db, tmp_path, written):
    roster(tmp_path, "1001")
    write_csv(tmp_path / "evaluations.csv", EVAL_HEADER,
              "2025,P-01,報告会,政策的観点,E1,幹部職員,1001,4.0",
              f"2025,P-01,報告会,政策的観点,E2,幹部職員,1001,{written}")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo) == [f"evaluations.csv:3: score: '{written}' {NOT_FINITE} (nan や inf は使えません)"]
    assert stored(db) == 0


def test_json_nan_and_infinity_are_row_errors_in_every_numeric_field(db, tmp_path):
    roster(tmp_path, "1001")
    base = {"fiscal_year": 2025, "project_id": "P-01", "occasion": "報告会", "perspective": "技術",
            "evaluator_id": "E1", "evaluator_type": "職員", "target_staff_id": "1001", "score": 4}
    (tmp_path / "evaluations.json").write_text(
        "[" + ", ".join([json.dumps({**base, "score": math.nan}),  # NaN
                         json.dumps({**base, "evaluator_id": "E2", "score": math.inf}),  # Infinity
                         json.dumps({**base, "evaluator_id": "E3", "fiscal_year": -math.inf}),
                         json.dumps({**base, "evaluator_id": "E4"})]) + "]", encoding="utf-8")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo) == [
        f"evaluations.json:1: score: 'nan' {NOT_FINITE} (nan や inf は使えません)",
        f"evaluations.json:2: score: 'inf' {NOT_FINITE} (nan や inf は使えません)",
        f"evaluations.json:3: fiscal_year: '-inf' {NOT_FINITE} (nan や inf は使えません)",
    ]
    assert stored(db) == 0


def _xlsx_with_raw_cell(path: Path, header: list[str], row: list, raw: str, column: str,
                        cell_type: str = "n", title: str = "評価") -> Path:
    """A workbook whose cell ``column``2 holds ``raw`` as written in the XML: a number openpyxl
    itself never writes (NaN, INF), or a string longer than Excel's own limit (32,767), as other
    programs and hand-made files do."""
    book = openpyxl.Workbook()
    book.active.title = title
    book.active.append(header)
    book.active.append(row)
    book.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    cell = (f'<c r="{column}2" t="n"><v>{raw}</v></c>' if cell_type == "n"
            else f'<c r="{column}2" t="inlineStr"><is><t>{raw}</t></is></c>')
    sheet, n = re.subn(rf'<c r="{column}2"[^>]*>.*?</c>', cell, sheet)
    assert n == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("raw,problem", [
    ("1E999", "評価.xlsx:評価:2: score: 'inf' は有限の数値ではありません (nan や inf は使えません)"),
    ("-1E999", "評価.xlsx:評価:2: score: '-inf' は有限の数値ではありません (nan や inf は使えません)"),
    # openpyxl cannot even read these number cells: the sheet's row says so, no traceback
    ("NaN", "評価.xlsx:評価:2: 数値のセルの値 'NaN' を読めません (有限の数値にしてください: nan や inf は使えません)"),
    ("INF", "評価.xlsx:評価:2: 数値のセルの値 'INF' を読めません (有限の数値にしてください: nan や inf は使えません)"),
])
def test_an_xlsx_cell_that_is_not_finite_is_a_row_error(db, tmp_path, raw, problem):
    roster(tmp_path, "1001")
    _xlsx_with_raw_cell(tmp_path / "評価.xlsx", EVAL_HEADER.split(","),
                        [2025, "P-01", "報告会", "政策的観点", "E1", "幹部職員", 1001, 4.0], raw, "H")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo) == [problem]
    assert stored(db) == 0


def test_xlsx_reading_stops_at_the_last_header_column(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "職員"
    book.active.append(list(VALID["staff"]))
    book.active.append([1001, 2025, "山田", "総務課", "主任"])
    book.active.cell(row=2, column=16384, value="遠くのセル")  # XFD2: 16,384 columns wide
    book.save(tmp_path / "hr.xlsx")
    result = read_paths([tmp_path / "hr.xlsx"])
    assert result.problems == []
    assert result.tables[0].rows == [(2, {"staff_id": 1001, "fiscal_year": 2025, "name": "山田",
                                          "department": "総務課", "grade": "主任"})]


# one valid row of every record type, as a JSON file would write it
VALID = {
    "staff": {"staff_id": "1001", "fiscal_year": 2025, "name": "山田", "department": "総務課", "grade": "主任"},
    "project": {"staff_id": "1001", "fiscal_year": 2025, "project_id": "P-01", "project_name": "窓口DX",
                "role": "リーダー"},
    "evaluation": {"fiscal_year": 2025, "project_id": "P-01", "occasion": "報告会", "perspective": "技術",
                   "evaluator_id": "E1", "evaluator_type": "職員", "target_staff_id": "1001", "score": 4.0},
    "training": {"staff_id": "1001", "course": "DX基礎", "completed_on": "2025-06-30", "provider": "県"},
    "qualification": {"staff_id": "1001", "qualification": "ap", "acquired_on": "2025-06-30"},
    "skill": {"staff_id": "1001", "fiscal_year": 2025, "framework": "goka", "skill": "s1", "level": 3,
              "assessor": "E1"},
    "role": {"staff_id": "1001", "fiscal_year": 2025, "role": "DX推進員", "nominated_for": "DX推進員",
             "nominated_by": "自薦", "recommended_by": "E1", "appointed_by": "E2", "appointed_on": "2025-04-01"},
    "activity": {"staff_id": "1001", "fiscal_year": 2025, "kind": "自学", "detail": "本"},
    "certification": {"staff_id": "1001", "policy": "moka", "certification": "dx_advisor", "fiscal_year": 2024,
                      "source": "台帳"},
}
EVERY_FIELD = [(rt, name) for rt, cls in RECORD_TYPES.items() for name in data_fields(cls)]


def test_the_valid_rows_are_valid_and_name_every_field():
    for record_type, cls in RECORD_TYPES.items():
        assert set(VALID[record_type]) == set(data_fields(cls))
        cls.model_validate({**VALID[record_type], "provenance": {"file": "x.json", "row": 1}})


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("record_type,name", EVERY_FIELD)
def test_no_field_of_any_record_type_takes_a_number_that_is_not_finite(record_type, name, value):
    cls = RECORD_TYPES[record_type]
    with pytest.raises(ValidationError) as excinfo:
        cls.model_validate({**VALID[record_type], name: value, "provenance": {"file": "x.json", "row": 1}})
    [error] = excinfo.value.errors()
    assert error["loc"] == (name,) and NOT_FINITE in error["msg"]


# --- ids written as JSON numbers ---------------------------------------------------------------

def test_an_id_written_as_a_json_number_must_be_a_whole_number(db, tmp_path):
    (tmp_path / "staff.json").write_text(json.dumps([
        {**VALID["staff"], "staff_id": 12.5},
        {**VALID["staff"], "staff_id": 1002.0, "name": 3.5},  # a whole number is an id; a name may be a number
        {**VALID["staff"], "staff_id": 1003},
    ]), encoding="utf-8")
    (tmp_path / "projects.json").write_text(json.dumps([
        {**VALID["project"], "staff_id": 1002, "project_id": 0.5}]), encoding="utf-8")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo) == [
        "projects.json:1: project_id: 0.5 は番号として使えません (整数ではない数値です。番号は文字か整数で書いてください)",
        "staff.json:1: staff_id: 12.5 は番号として使えません (整数ではない数値です。番号は文字か整数で書いてください)",
    ]
    assert stored(db) == 0
    (tmp_path / "projects.json").unlink()
    (tmp_path / "staff.json").write_text(json.dumps([{**VALID["staff"], "staff_id": 1002.0, "name": 3.5}]),
                                         encoding="utf-8")
    import_paths(db, [tmp_path])
    with db.connect() as conn:
        assert conn.execute(text("select staff_id from fact_row")).scalars().all() == ["1002"]


# --- cells over 1 MiB ---------------------------------------------------------------------------

def test_a_cell_over_1_mib_is_a_row_error_and_a_large_cell_under_it_is_read(db, tmp_path):
    big = "あ" * (MAX_CELL_BYTES // 3 + 1)  # 3 bytes each in UTF-8: just over 1 MiB
    large = "x" * 200_000  # over the csv module's own default limit (131072), under 1 MiB
    write_csv(tmp_path / "staff.csv", "staff_id,fiscal_year,name,department,grade",
              f"1001,2025,{large},総務課,主任", f"1002,2025,{big},総務課,主任")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo) == ["staff.csv:3: name: 値が大きすぎます (1 つのセルは 1 MiB まで)"]
    assert stored(db) == 0
    (tmp_path / "staff.csv").unlink()
    (tmp_path / "staff.jsonl").write_text(
        json.dumps({**VALID["staff"], "name": large}) + "\n"
        + json.dumps({**VALID["staff"], "staff_id": "1002", "department": big}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo) == ["staff.jsonl:2: department: 値が大きすぎます (1 つのセルは 1 MiB まで)"]
    (tmp_path / "staff.jsonl").write_text(json.dumps({**VALID["staff"], "name": large}) + "\n", encoding="utf-8")
    assert import_paths(db, [tmp_path]).new == 1


def test_an_xlsx_cell_over_1_mib_is_a_row_error(tmp_path):
    _xlsx_with_raw_cell(tmp_path / "職員.xlsx", list(VALID["staff"]), [1001, 2025, "山田", "総務課", "主任"],
                        "x" * (MAX_CELL_BYTES + 1), "C", cell_type="inlineStr", title="職員")
    result = read_paths([tmp_path / "職員.xlsx"])
    assert [str(p) for p in result.problems] == ["職員.xlsx:職員:2: name: 値が大きすぎます (1 つのセルは 1 MiB まで)"]


# --- JSON nested deeper than records need -------------------------------------------------------

DEEP = 'JSON の入れ子が深すぎます (記録は {"列名": 値, ...} の形にし、値は文字か数値にしてください)'


def test_json_nested_deeper_than_records_need_is_refused_without_a_traceback(db, tmp_path):
    depth = 100_000  # far beyond Python's recursion limit: json.loads alone would raise RecursionError
    roster(tmp_path, "1001")
    (tmp_path / "staff.json").write_text("[" * depth + "]" * depth, encoding="utf-8")
    (tmp_path / "roles.jsonl").write_text(
        json.dumps(VALID["role"], ensure_ascii=False) + "\n" + '{"staff_id": ' * depth + "1" + "}" * depth + "\n",
        encoding="utf-8")
    (tmp_path / "projects.json").write_text(
        json.dumps([VALID["project"], {**VALID["project"], "project_name": [[["深い"]]]}]), encoding="utf-8")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo) == [f"projects.json:2: {DEEP}", f"roles.jsonl:2: {DEEP}", f"staff.json:1: {DEEP}"]
    assert stored(db) == 0


def test_brackets_inside_strings_do_not_count_and_one_nested_value_is_named(tmp_path):
    (tmp_path / "staff.json").write_text(json.dumps([
        {**VALID["staff"], "name": "[[[[{{{{"}, {**VALID["staff"], "staff_id": "1002", "department": ["総務課"]}],
        ensure_ascii=False), encoding="utf-8")
    result = read_paths([tmp_path])
    assert [str(p) for p in result.problems] == ["staff.json:2: department: 値は文字・数値にしてください"]
    assert result.tables[0].rows[0][1]["name"] == "[[[[{{{{"


def test_a_json_integer_too_long_to_read_is_a_problem(tmp_path):
    (tmp_path / "staff.json").write_text('[{"staff_id": 1' + "0" * 5000 + "}]", encoding="utf-8")
    assert [str(p) for p in read_paths([tmp_path]).problems] == [
        "staff.json: JSON として読めません (桁の多すぎる数があります)"]


# --- a stored fact that is not finite -----------------------------------------------------------

@pytest.mark.parametrize("written", ["NaN", "-Infinity"])
def test_a_review_on_a_stored_fact_that_is_not_finite_exits_1_naming_it(tmp_path, written):
    db = f"sqlite:///{tmp_path}/n.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "import", str(ROOT / "facts" / "samples" / "moka")]).exit_code == 0
    from facts.db import get_engine

    engine = get_engine(db)
    with engine.begin() as conn:
        row_id, data, source_row = conn.execute(text(
            "select id, data, source_row from fact_row where record_type = 'evaluation' order by id limit 1")).one()
        values = json.loads(data)
        values["score"] = float(written.replace("Infinity", "inf"))
        conn.execute(text("update fact_row set data = :d where id = :i"), {"d": json.dumps(values), "i": row_id})
    engine.dispose()
    r = runner.invoke(main, ["--db", db, "review", "--policy", "moka", "--fiscal-year", "2025"])
    assert r.exit_code == 1, r.output
    assert not isinstance(r.exception, Exception) or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output
    assert "審査を行えません" in r.stderr
    record_id = "evaluation/" + "|".join(str(values[k] or "") for k in (
        "fiscal_year", "project_id", "occasion", "perspective", "evaluator_id", "target_staff_id"))
    assert f"評価.xlsx:評価:{source_row}: score: {record_id} の値 '{float(written.replace('Infinity', 'inf'))}' {NOT_FINITE}" \
        in r.stderr
