"""Reading real files as municipalities export them."""
import json
from datetime import datetime

import openpyxl
import pytest

from facts.readers import read_paths


def write_csv(path, lines, encoding="utf-8"):
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def only_table(result):
    assert result.problems == []
    assert len(result.tables) == 1
    return result.tables[0]


def test_shift_jis_csv_with_japanese_headers(tmp_path):
    write_csv(tmp_path / "職員名簿.csv", ["職員番号,年度,氏名,所属,職級", "1001,令和7年度,山田太郎,情報政策課,主任"],
              encoding="cp932")
    table = only_table(read_paths([tmp_path / "職員名簿.csv"]))
    assert (table.record_type, table.file, table.sheet) == ("staff", "職員名簿.csv", None)
    assert table.rows == [(2, {"staff_id": "1001", "fiscal_year": "令和7年度", "name": "山田太郎",
                               "department": "情報政策課", "grade": "主任"})]
    assert table.header("grade") == "職級"


def test_utf8_csv_with_bom_and_full_width_text(tmp_path):
    write_csv(tmp_path / "projects.csv", ["staff_id,fiscal_year,project_id,project_name,role",
                                          "１００１,２０２５,Ｐ－０１, 窓口ＤＸ ,leader", ",,,,",
                                          "1002,2025,P-01,窓口DX,member"], encoding="utf-8-sig")
    table = only_table(read_paths([tmp_path]))
    assert table.file == "projects.csv"
    assert [n for n, _ in table.rows] == [2, 4]  # blank row 3 skipped, numbering kept
    assert table.rows[0][1] == {"staff_id": "1001", "fiscal_year": "2025", "project_id": "P-01",
                                "project_name": "窓口DX", "role": "leader"}


def test_xlsx_with_two_sheets_and_a_date_cell(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "研修"
    sheet.append(["職員番号", "研修名", "修了日"])
    sheet.append([1001, "DX基礎", datetime(2025, 6, 30)])
    roster = book.create_sheet("職員")
    roster.append(["staff_id", "fiscal_year", "name", "department", "grade"])
    roster.append([1001, 2025, "山田", "情報政策課", "主任"])
    roster.append([None, None, None, None, None])
    roster.append([1002, 2025, "佐藤", "総務課", "課長"])
    book.save(tmp_path / "records.xlsx")

    result = read_paths([tmp_path / "records.xlsx"])
    assert result.problems == []
    training, staff = result.tables
    assert (training.record_type, training.sheet) == ("training", "研修")
    assert training.rows == [(2, {"staff_id": 1001, "course": "DX基礎", "completed_on": datetime(2025, 6, 30)})]
    assert training.source(2).__str__() == "records.xlsx:研修:2"
    assert staff.record_type == "staff"
    assert [n for n, _ in staff.rows] == [2, 4]


def test_single_sheet_workbook_takes_its_type_from_the_file_name(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["職員番号", "年度", "種別"])
    book.active.append(["1001", "R7", "自学"])
    book.save(tmp_path / "活動.xlsx")
    table = only_table(read_paths([tmp_path / "活動.xlsx"]))
    assert table.record_type == "activity"
    assert table.sheet == "Sheet"


def test_json_array_and_json_lines(tmp_path):
    (tmp_path / "qualifications.json").write_text(json.dumps([
        {"staff_id": "1001", "qualification": "基本情報技術者", "acquired_on": "2024-11-20"},
        {"staff_id": "1002", "qualification": "ap", "acquired_on": "R6.6.1"},
    ], ensure_ascii=False), encoding="utf-8")
    (tmp_path / "activities.jsonl").write_text(
        '{"staff_id": "1001", "fiscal_year": 2025, "kind": "self_study"}\n\n'
        '{"staff_id": "1002", "fiscal_year": "R7", "kind": "OJT講師", "detail": "Excel"}\n', encoding="utf-8")
    result = read_paths([tmp_path])
    assert result.problems == []
    activities, qualifications = result.tables  # folder read in name order
    assert activities.record_type == "activity"
    assert [n for n, _ in activities.rows] == [1, 3]  # line numbers
    assert qualifications.record_type == "qualification"
    assert [n for n, _ in qualifications.rows] == [1, 2]  # element numbers from 1


def test_record_type_column_overrides_the_file_name(tmp_path):
    write_csv(tmp_path / "export.csv", ["record_type,staff_id,fiscal_year,kind", "活動,1001,2025,自学"])
    table = only_table(read_paths([tmp_path / "export.csv"]))
    assert table.record_type == "activity"


def test_a_column_that_is_no_field_is_ignored_and_listed(tmp_path):
    write_csv(tmp_path / "staff.csv", ["staff_id,fiscal_year,name,department,grade,備考",
                                       "1001,2025,山田,課,主任,x"])
    result = read_paths([tmp_path / "staff.csv"])
    assert result.problems == [] and result.ignored == ["staff.csv: 備考"]
    assert "備考" not in only_table(result).rows[0][1]


def test_a_misspelt_column_is_a_problem_at_the_header(tmp_path):
    write_csv(tmp_path / "staff.csv", ["staff_id,fiscal_year,name,departmnt,grade", "1001,2025,山田,課,主任"])
    result = read_paths([tmp_path / "staff.csv"])
    assert [str(p) for p in result.problems][0].startswith("staff.csv:1: departmnt: 不明な列です（もしかして 'department'？")


def test_unknown_record_type_names_the_file_and_the_accepted_names(tmp_path):
    write_csv(tmp_path / "people.csv", ["staff_id", "1"])
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    problems = [str(p) for p in read_paths([tmp_path]).problems]
    assert problems[0].startswith("notes.pdf: この種類のファイルは読めません")
    assert problems[1].startswith("people.csv: 記録の種類がわかりません")
    assert "職員名簿" in problems[1] and "training" in problems[1]


def test_missing_path_is_a_problem(tmp_path):
    problems = [str(p) for p in read_paths([tmp_path / "nowhere"]).problems]
    assert problems == [f"{tmp_path / 'nowhere'}: ファイルもフォルダもありません"]


def test_a_folder_with_the_database_beside_the_facts_reads_the_facts_only(tmp_path):
    write_csv(tmp_path / "staff.csv", ["staff_id,fiscal_year,name,department,grade", "1001,2025,山田,課,主任"])
    (tmp_path / "nintei.db").write_bytes(b"SQLite format 3\x00")
    (tmp_path / "nintei.db-journal").write_bytes(b"")
    result = read_paths([tmp_path])
    assert result.problems == [] and result.files == ["staff.csv"]


# --- as HR exports them (issue 16) -------------------------------------------------------------

HR_EXPORTS = __import__("pathlib").Path(__file__).parent / "data" / "hr_exports"


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path):
    (tmp_path / "職員名簿.txt").write_bytes("職員番号\t年度\t氏名\t所属\t職級\t備考\r\n1001\tR7\t山田 太郎\t総務課\t主任\t\r\n"
                                        .encode("utf-16"))
    result = read_paths([tmp_path])
    table = only_table(result)
    assert table.rows == [(2, {"staff_id": "1001", "fiscal_year": "R7", "name": "山田 太郎", "department": "総務課",
                               "grade": "主任"})]
    assert result.ignored == ["職員名簿.txt: 備考"]


def test_tsv_and_a_txt_of_commas(tmp_path):
    write_csv(tmp_path / "staff.tsv", ["staff_id\tfiscal_year\tname\tdepartment\tgrade", "1001\t2025\t山田, 太郎\t課\t主任"],
              encoding="cp932")
    write_csv(tmp_path / "roles.txt", ["staff_id,fiscal_year,role", "1001,2025,DX推進員"])
    result = read_paths([tmp_path])
    assert result.problems == []
    roles, staff = result.tables
    assert staff.rows[0][1]["name"] == "山田, 太郎" and roles.rows[0][1]["role"] == "DX推進員"


def test_a_txt_file_that_names_no_record_type_is_a_note_in_a_folder(tmp_path):
    write_csv(tmp_path / "staff.csv", ["staff_id,fiscal_year,name,department,grade", "1001,2025,山田,課,主任"])
    (tmp_path / "読んでください.txt").write_text("人事課から 2025-04-01 に受領")
    assert read_paths([tmp_path]).files == ["staff.csv"]


@pytest.mark.parametrize("encoding, name", [
    ("cp932", "髙橋 ①子"), ("utf-8", "髙橋 ①子"), ("utf-8-sig", "髙橋 ①子"), ("utf-16", "髙橋 ①子"),
    ("euc_jp", "高橋 一子"),
])
def test_the_encoding_is_detected_not_guessed(tmp_path, encoding, name):
    write_csv(tmp_path / "職員名簿.csv", ["職員番号,年度,氏名,所属,職級", f"1001,令和7年度,{name},情報政策課,主任"], encoding)
    table = only_table(read_paths([tmp_path / "職員名簿.csv"]))
    assert table.rows[0][1]["name"] == name.replace("①", "1")  # NFKC


def test_a_file_in_no_japanese_encoding_is_said_to_be_unreadable(tmp_path):
    (tmp_path / "staff.csv").write_bytes(bytes(range(128, 256)) * 8)
    problems = [str(p) for p in read_paths([tmp_path / "staff.csv"]).problems]
    assert problems == ["staff.csv: 文字コードを読めません (UTF-8・Shift_JIS (CP932)・UTF-16 のいずれかで保存してください)"]


def test_an_xls_workbook_as_hr_exports_it():
    """A real .xls (BIFF, written by LibreOffice: scripts/make_hr_exports.py): numbers as numbers,
    date cells as dates, the columns HR keeps beside ignored and listed."""
    result = read_paths([HR_EXPORTS / "goka" / "職員名簿.xls", HR_EXPORTS / "goka" / "研修受講.xls"])
    assert result.problems == []
    staff, training = result.tables
    assert (staff.record_type, staff.sheet, staff.rows[0][0]) == ("staff", "職員名簿", 2)
    assert staff.rows[0][1] == {"staff_id": 51001, "fiscal_year": "2023", "name": "鈴木 太一", "department": "総務課",
                                "grade": "課長"}
    assert training.rows[0][1]["completed_on"] == datetime(2024, 9, 10)
    assert result.ignored == ["職員名簿.xls:職員名簿: 生年月日", "職員名簿.xls:職員名簿: 採用年月日",
                              "職員名簿.xls:職員名簿: 備考", "研修受講.xls:研修受講: 備考"]
    assert str(staff.source(2)) == "職員名簿.xls:職員名簿:2"


def test_an_xls_that_is_text_or_xlsx_inside_is_read_as_what_it_is(tmp_path):
    (tmp_path / "職員名簿.xls").write_bytes("職員番号\t年度\t氏名\t所属\t職級\r\n1001\tR7\t山田\t課\t主任\r\n".encode("cp932"))
    book = openpyxl.Workbook()
    book.active.title = "活動"
    book.active.append(["職員番号", "年度", "種別"])
    book.active.append(["1001", "R7", "自学"])
    book.save(tmp_path / "活動.xls")
    result = read_paths([tmp_path])
    assert result.problems == []
    assert [(t.record_type, t.rows[0][1]["staff_id"]) for t in result.tables] == [("activity", "1001"), ("staff", "1001")]


def test_a_broken_xls_is_a_problem_not_a_traceback(tmp_path):
    (tmp_path / "staff.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    problems = [str(p) for p in read_paths([tmp_path / "staff.xls"]).problems]
    assert len(problems) == 1 and problems[0].startswith("staff.xls: Excel (.xls) ファイルとして読めません")


def test_the_same_header_twice_and_a_likely_typo_in_a_cp932_export(tmp_path):
    write_csv(tmp_path / "評価.csv", ["年度,プロジェクト番号,評価区分,評価者,評価者区分,被評価社,評価点,評価点,備考",
                                    "2025,P1,終了後,E1,幹部職員,1001,4,4,"], encoding="cp932")
    problems = [str(p) for p in read_paths([tmp_path]).problems]
    assert problems[0] == "評価.csv:1: 評価点: 列 '評価点' が 2 回あります (同じ見出しは 1 つにしてください)"
    assert problems[1].startswith("評価.csv:1: 被評価社: 不明な列です（もしかして '被評価者'？")
