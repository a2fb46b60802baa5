"""Importing fact files: everything is checked, then all or nothing is stored."""
import pytest

from engine.errors import FactError
from facts.importer import import_paths
from facts.store import load_year
from tests.facts_files import roster, stored, write_csv

EVAL_HEADER = "fiscal_year,project_id,occasion,perspective,evaluator_id,evaluator_type,target_staff_id,score"


def problems_of(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_a_folder_of_files_is_imported_and_counted(db, tmp_path):
    roster(tmp_path / "in", "1001", "1002")
    write_csv(tmp_path / "in" / "研修.csv", "職員番号,研修名,修了日,主催", "1001,DX基礎,令和7年6月30日,",
              "1002,DX基礎,2025/7/1,県", encoding="cp932")
    report = import_paths(db, [tmp_path / "in"])
    assert report.files == ["staff.csv", "研修.csv"]
    assert {t: c.new for t, c in report.counts.items()} == {"staff": 2, "training": 2}
    assert report.conflicts == []
    assert stored(db) == 4


def test_several_bad_rows_are_all_listed_and_nothing_is_stored(db, tmp_path):
    roster(tmp_path, "1001")
    bad = write_csv(tmp_path / "evaluations.csv", EVAL_HEADER,
                    "2025,P-01,報告会,政策的観点,E1,幹部職員,1001,7.5",   # score too high
                    "2025,P-01,報告会,政策的観点,E2,社長,1001,4",        # unknown evaluator type
                    "R7,P-01,終了後,,E1,幹部職員,,4",                   # post_project needs the leader
                    "来年,,報告会,技術,E3,職員,1001,abc")                # bad year, missing id, not a number
    good = roster(tmp_path / "more", "1002", name="staff2.csv")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path / "staff.csv", bad, good])
    lines = problems_of(excinfo)
    assert lines == [
        "evaluations.csv:2: score: 7.5 は上限 5.0 を超えています",
        "evaluations.csv:3: evaluator_type: '社長' は評価者区分として使えません (使える値: "
        "executive (幹部職員/幹部), staff (職員), member (メンバー), expert (専門家/外部専門家))",
        "evaluations.csv:4: target_staff_id: 値がありません (終了後評価ではリーダーの職員番号が必要です)",
        "evaluations.csv:5: fiscal_year: '来年' は年度として読めません (例: 2025, R7, 令和7, 令和7年度)",
        "evaluations.csv:5: project_id: 値がありません",
        "evaluations.csv:5: score: 'abc' は数値ではありません",
    ]
    assert "何も登録していません" in excinfo.value.lines()[0]
    assert stored(db) == 0  # not even the good roster files


def test_problems_name_the_column_as_the_file_writes_it(db, tmp_path):
    write_csv(tmp_path / "職員.csv", "職員番号,年度,氏名,所属,職級,内線", "1001,R7,山田,,社長,123")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo) == [  # 内線 is no field of a staff record: ignored, not a problem
        "職員.csv:2: 所属: 値がありません",
        "職員.csv:2: 職級: '社長' は職級として使えません (使える値: staff (係員/主事/主任/主任主事/技師/一般職員), "
        "supervisor (係長/係長級/主査/主幹/課長補佐/監督職), manager (課長/課長級/室長/参事/次長/管理職), "
        "executive (部長/部長級/局長/理事))",
    ]


def test_a_duplicate_row_is_rejected(db, tmp_path):
    roster(tmp_path, "1001")
    write_csv(tmp_path / "projects.csv", "staff_id,fiscal_year,project_id,project_name,role",
              "1001,2025,P-01,窓口DX,leader", "1001,令和7年度,P-01,窓口DX,member")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo) == [
        "projects.csv:3: 重複した行です (projects.csv:2 と同じキー: project/1001|2025|P-01)"]
    assert stored(db) == 0


def test_staff_on_no_roster_row_are_rejected_but_evaluators_need_not_be(db, tmp_path):
    roster(tmp_path / "first", "1001")
    import_paths(db, [tmp_path / "first"])  # 1001 is now stored
    write_csv(tmp_path / "second" / "評価.csv", EVAL_HEADER,
              "2025,P-01,終了後,,OUTSIDE-1,専門家,1001,4",
              "2025,P-01,終了後,,OUTSIDE-1,専門家,9999,4")
    write_csv(tmp_path / "second" / "skills.csv", "staff_id,fiscal_year,framework,skill,level",
              "1003,2025,moka,データ活用,理解", "1002,2025,moka,データ活用,活用")
    roster(tmp_path / "second", "1002", name="staff.csv")  # 1002 joins in the same import
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path / "second"])
    assert problems_of(excinfo) == [
        "skills.csv:2: staff_id: 職員番号 '1003' は職員名簿のどの行にもありません",
        "評価.csv:3: target_staff_id: 職員番号 '9999' は職員名簿のどの行にもありません",
    ]
    assert stored(db) == 1


def test_importing_the_same_files_again_stores_nothing_new(db, tmp_path):
    roster(tmp_path, "1001", "1002")
    write_csv(tmp_path / "資格.csv", "職員番号,資格名,取得日", "1001,基本情報技術者試験,R6.11.20")
    first = import_paths(db, [tmp_path])
    second = import_paths(db, [tmp_path])
    assert (first.new, first.unchanged) == (3, 0)
    assert (second.new, second.unchanged, second.conflicts) == (0, 3, [])
    assert stored(db) == 3


def test_a_changed_value_is_a_conflict_and_the_stored_value_stands(db, tmp_path):
    roster(tmp_path / "april", "1001")
    import_paths(db, [tmp_path / "april"])
    write_csv(tmp_path / "june" / "staff.csv", "staff_id,fiscal_year,name,department,grade",
              "1001,2025,職員1001,情報政策課,課長", "1002,2025,佐藤,総務課,係員")
    report = import_paths(db, [tmp_path / "june"])
    assert report.counts["staff"].new == 1 and report.counts["staff"].conflicts == 1
    [conflict] = report.conflicts
    assert conflict.record_id == "staff/1001|2025"
    assert (conflict.stored, conflict.new) == ({"grade": "staff"}, {"grade": "manager"})
    assert (conflict.source, conflict.stored_source) == ("staff.csv:2", "staff.csv:2")
    year = load_year(db, 2025)
    assert year.staff("1001").staff.grade == "staff"  # stored value stands
    assert [s.staff_id for s in year.roster] == ["1001", "1002"]  # the rest was stored


CATALOGUES = {"moka": {"excel_basic": ["Excel研修(初級)", "Excel 基礎"],
                       "excel_advanced": ["Excel研修(中級)"],
                       "dx_basic": ["DX基礎研修", "DX基礎"]}}


def test_a_course_name_that_fits_several_courses_is_rejected_naming_them(db, tmp_path):
    roster(tmp_path, "1001")
    write_csv(tmp_path / "training.csv", "staff_id,course,completed_on",
              "1001,Excel研修,2025-06-30", "1001,ＤＸ基礎,2025-07-01", "1001,Ｅｘｃｅｌ基礎,2025-07-02")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path], catalogues=CATALOGUES)
    assert problems_of(excinfo) == [
        "training.csv:2: course: 'Excel研修' は moka の研修のどれか決められません (候補: excel_basic, excel_advanced)"]
    write_csv(tmp_path / "training.csv", "staff_id,course,completed_on",
              "1001,ＤＸ基礎,2025-07-01", "1001,Ｅｘｃｅｌ基礎,2025-07-02")
    import_paths(db, [tmp_path], catalogues=CATALOGUES)
    courses = [t.course for t in load_year(db, 2025).staff("1001").trainings]
    assert courses == ["DX基礎", "Excel基礎"]  # stored as given, normalised


def test_json_and_xlsx_records_import_with_their_provenance(db, tmp_path):
    import json
    from datetime import datetime

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "職員名簿"
    book.active.append(["職員番号", "年度", "氏名", "所属", "職級"])
    book.active.append([1001, "R7", "山田", "情報政策課", "係長"])
    sheet = book.create_sheet("資格")
    sheet.append(["職員番号", "資格名", "取得日"])
    sheet.append([1001, "応用情報技術者", datetime(2025, 10, 1)])
    book.save(tmp_path / "hr.xlsx")
    (tmp_path / "roles.json").write_text(json.dumps(
        [{"職員番号": "1001", "年度": "令和7年度", "役割": "DX推進員", "任命日": "R7.4.1"}], ensure_ascii=False),
        encoding="utf-8")
    import_paths(db, [tmp_path])
    facts = load_year(db, 2025).staff("1001")
    assert facts.staff.grade == "supervisor"
    assert str(facts.staff.provenance) == "hr.xlsx:職員名簿:2"
    assert [(q.qualification, str(q.provenance)) for q in facts.qualifications] == [("ap", "hr.xlsx:資格:2")]
    [role] = facts.roles
    assert (role.role, role.appointed_on.isoformat(), str(role.provenance)) == ("dx_promoter", "2025-04-01", "roles.json:1")


def test_an_empty_import_is_an_error(db, tmp_path):
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo) == ["読み込むファイルがありません"]


def test_columns_that_are_no_field_are_ignored_and_listed(db, tmp_path):
    write_csv(tmp_path / "職員名簿.csv", "職員番号,年度,氏名,所属,職級,生年月日,備考", "1001,R7,山田,総務課,主事,1990-01-01,")
    report = import_paths(db, [tmp_path])
    assert report.counts["staff"].new == 1
    assert report.ignored == ["職員名簿.csv: 生年月日", "職員名簿.csv: 備考"]


def test_a_column_close_to_a_known_one_is_a_typo_not_ignored(db, tmp_path):
    roster(tmp_path, "1001")
    write_csv(tmp_path / "評価.csv", "年度,プロジェクト番号,評価区分,観点,評価者,評価者区分,被評価社,評価点",
              "2025,P1,終了後,リーダーシップ,M1,メンバー,1001,4.0")
    with pytest.raises(FactError) as excinfo:
        import_paths(db, [tmp_path])
    assert problems_of(excinfo)[0] == ("評価.csv:1: 被評価社: 不明な列です（もしかして '被評価者'？ 被評価者 は "
                                       "target_staff_id の別名です。綴りを直してください）")
    assert stored(db) == 0
