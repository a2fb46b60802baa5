"""Hostile input never crashes (issue 16): each of these is a clear ``file:row`` error, or is
stored and shown as plain text; no traceback, no memory blow-up, no markup or formula read as
such in any output; 100,000 problems in one file print a summary."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
STAFF = "職員番号,年度,氏名,所属,職級"

# Runs `nintei ARGS` in a child and prints its exit code, output and peak memory (KiB) as JSON.
_MEASURED = """
import json, resource, subprocess, sys
done = subprocess.run([sys.executable, "cli.py", *sys.argv[1:]], capture_output=True, text=True, timeout=300)
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr,
                  "kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def measured(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _MEASURED, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    return json.loads(done.stdout)


def nintei(tmp_path: Path, *args: str):
    result = CliRunner().invoke(main, ["--db", f"sqlite:///{tmp_path}/n.db", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output + result.stderr
    return result


def write(path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_a_10_mb_csv_cell_is_a_row_error_in_bounded_memory(tmp_path):
    path = write(tmp_path / "facts" / "職員名簿.csv", STAFF, "1001,R7," + "山" * ((10 << 20) // 3 + 1) + ",総務課,主事")
    assert path.stat().st_size > 10 << 20
    done = measured("--db", f"sqlite:///{tmp_path}/n.db", "import", str(path))
    assert done["code"] == 1 and "Traceback" not in done["err"]
    assert "職員名簿.csv:2: 氏名: 値が大きすぎます (1 つのセルは 1 MiB まで)" in done["err"]
    assert done["kib"] < 600 * 1024  # the file is 10 MB: a few copies of it, not a blow-up


def test_json_nested_100k_deep_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "staff.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    r = nintei(tmp_path, "import", str(path))
    assert r.exit_code == 1 and "staff.json:1: JSON の入れ子が深すぎます" in r.stderr


def test_jsonl_nested_deep_on_a_line_is_that_lines_error(tmp_path):
    path = tmp_path / "staff.jsonl"
    path.write_text('{"staff_id": "1001"}\n' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "\n")
    r = nintei(tmp_path, "import", str(path))
    assert r.exit_code == 1 and "staff.jsonl:2: JSON の入れ子が深すぎます" in r.stderr


def _far_cell_workbook(path: Path, with_records: bool) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "職員名簿"
    if with_records:
        sheet.append(["職員番号", "年度", "氏名", "所属", "職級"])
        sheet.append(["1001", "R7", "山田 花子", "総務課", "主事"])
    sheet["XFD1048576"] = "x"  # its dimension: A1:XFD1048576, 17 billion cells
    book.save(path)
    assert path.stat().st_size < 8 * 1024
    return path


@pytest.mark.parametrize("with_records", [True, False])
def test_an_8_kb_xlsx_with_one_cell_at_xfd1048576_is_read_in_bounded_time_and_memory(tmp_path, with_records):
    path = _far_cell_workbook(tmp_path / "職員名簿.xlsx", with_records)
    done = measured("--db", f"sqlite:///{tmp_path}/n.db", "import", str(path))
    assert "Traceback" not in done["err"] and done["kib"] < 400 * 1024
    if with_records:  # the stray cell is beyond the last header column: not read
        assert done["code"] == 0 and "新規 1 件" in done["out"]
    else:
        assert done["code"] == 1
        assert "職員名簿.xlsx:職員名簿:1: 1行目に見出しがありません (1048576行目に値があります)" in done["err"]


def test_an_xls_with_one_cell_at_iv65536_is_read_in_bounded_memory(tmp_path):
    """The HR export's roster with the 備考 of row 7 moved to IV65536, the last cell a .xls has:
    xlrd would make every one of 65,536 rows 256 cells wide (about 230 MiB for a file of 25 KB)."""
    import struct

    data = bytearray((ROOT / "tests/data/hr_exports/moka/職員名簿.xls").read_bytes())
    record = data.find(struct.pack("<HHHH", 0x00FD, 10, 6, 7))  # LABELSST at row 7 (0-based 6), column 8 (備考)
    assert record > 0
    struct.pack_into("<HH", data, record + 4, 65535, 255)
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "職員名簿.xls").write_bytes(bytes(data))
    done = measured("--db", f"sqlite:///{tmp_path}/n.db", "import", str(tmp_path / "facts"))
    assert done["code"] == 0 and "職員 (staff): 新規 149 件" in done["out"], done["err"]
    assert done["kib"] < 150 * 1024


def test_the_same_header_twice_is_an_error_at_the_header(tmp_path):
    path = write(tmp_path / "職員名簿.csv", STAFF + ",氏名", "1001,R7,山田 花子,総務課,主事,山田 華子")
    r = nintei(tmp_path, "import", str(path))
    assert r.exit_code == 1
    assert "職員名簿.csv:1: 氏名: 列 '氏名' が 2 回あります (同じ見出しは 1 つにしてください)" in r.stderr


def _stored_facts(tmp_path: Path) -> int:
    from sqlalchemy import inspect

    from facts.db import get_engine
    from tests.facts_files import stored

    engine = get_engine(f"sqlite:///{tmp_path}/n.db")
    return stored(engine) if inspect(engine).has_table("factrow") else 0


def _json_and_jsonl(*records: str) -> list[tuple[str, str]]:
    """The same records as a JSON array (staff.json) and as JSON Lines (staff.jsonl)."""
    return [("staff.json", "[" + ",\n".join(records) + "]"), ("staff.jsonl", "\n".join(records) + "\n")]


@pytest.mark.parametrize("name, text", _json_and_jsonl(
    '{"staff_id": "1001", "fiscal_year": 2025, "name": "山田", "department": "総務課", "grade": "主事"}',
    '{"staff_id": "A1", "fiscal_year": 2025, "name": "田中", "department": "総務課", "staff_id": "A2", "grade": "主事"}'))
def test_a_json_object_with_the_same_key_twice_is_a_row_error(tmp_path, name, text):
    """json keeps the last of two values without a word: which one did the export mean?"""
    write(tmp_path / "facts" / "roster.csv", STAFF, "A1,R7,田中,総務課,主事", "A2,R7,佐藤,総務課,主事")
    (tmp_path / "facts" / name).write_text(text, encoding="utf-8")
    r = nintei(tmp_path, "import", str(tmp_path / "facts"))
    assert r.exit_code == 1
    assert f"{name}:2: staff_id: 列 'staff_id' が 2 回あります (同じ列名は 1 つにしてください)" in r.stderr
    assert f"{name}:1" not in r.stderr  # the other record is fine
    assert _stored_facts(tmp_path) == 0  # neither that file nor the rest of the batch


def test_two_json_keys_that_are_one_column_once_normalised_are_a_row_error(tmp_path):
    path = tmp_path / "staff.jsonl"
    path.write_text('{"staff_id": "A1", "ｓｔａｆｆ＿ｉｄ ": "A2", "fiscal_year": 2025, "grade": "主事"}\n', encoding="utf-8")
    r = nintei(tmp_path, "import", str(path))
    assert r.exit_code == 1
    assert "staff.jsonl:1: staff_id: 列 'staff_id' が 2 回あります (同じ列名は 1 つにしてください)" in r.stderr


@pytest.mark.parametrize("name, text", _json_and_jsonl(
    '{"staff_id": "1001", "fiscal_year": 2025, "name": "山田\\ud800", "department": "総務課", "grade": "主事",'
    ' "備考\\udc00": "x"}'))
def test_a_json_string_with_a_lone_surrogate_is_a_row_error(tmp_path, name, text):
    """JSON allows "\\ud800" but it is no character: UTF-8 cannot store it (it was a traceback)."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "more_staff.jsonl").write_text(  # a surrogate pair (an emoji), and a backslash before "ud800"
        '{"staff_id": "1002", "fiscal_year": 2025, "name": "\\ud83d\\ude00 \\\\ud800", "department": "総務課",'
        ' "grade": "主事"}\n', encoding="utf-8")
    r = nintei(tmp_path, "import", str(tmp_path))
    assert r.exit_code == 1
    said = "があります。UTF-8 の文字で書いてください"
    assert f"{name}:1: name: 文字ではないもの（対になっていないサロゲート \\ud800）{said}" in r.stderr
    assert f"{name}:1: 備考?: 文字ではないもの（対になっていないサロゲート \\udc00）{said}" in r.stderr
    assert "more_staff.jsonl" not in r.stderr and _stored_facts(tmp_path) == 0


def test_a_json_id_of_1e400_is_a_row_error(tmp_path):
    path = tmp_path / "staff.json"
    path.write_text('[{"staff_id": 1e400, "fiscal_year": 2025, "name": "山田", "department": "総務課", "grade": "主事"}]')
    r = nintei(tmp_path, "import", str(path))
    assert r.exit_code == 1 and "staff.json:1: staff_id: '1e400' は有限の数値ではありません" in r.stderr


NAMES = ["[/]", '=HYPERLINK("http://example.com/","x")', "<script>alert(1)</script>", ":thumbs_up: [bold]"]


@pytest.fixture
def hostile_names(tmp_path):
    """The moka samples with three more staff, named as an attacker would, reviewed."""
    import shutil

    facts = tmp_path / "facts"
    shutil.copytree(ROOT / "facts" / "samples" / "moka", facts)
    roster = facts / "職員名簿.csv"
    text = roster.read_bytes().decode("cp932")
    quoted = ['"' + n.replace('"', '""') + '"' for n in NAMES]
    text += "".join(f"9900{i},2025,{name},{name},主事\r\n" for i, name in enumerate(quoted))
    roster.write_bytes(text.encode("cp932"))
    r = nintei(tmp_path, "import", str(facts))
    assert r.exit_code == 0, r.stderr
    assert nintei(tmp_path, "review", "--policy", "moka", "--fiscal-year", "2025").exit_code == 0
    return tmp_path


def test_names_of_markup_and_formulas_are_stored_and_shown_as_plain_text(hostile_names):
    tmp_path = hostile_names
    table = nintei(tmp_path, "review", "--policy", "moka", "--fiscal-year", "2025").output
    for name in NAMES:
        assert name in table
    csv_text = nintei(tmp_path, "review", "--policy", "moka", "--fiscal-year", "2025", "--format", "csv").output
    assert '"\'=HYPERLINK(""http://example.com/"",""x"")"' in csv_text  # written as text, not a formula
    html = nintei(tmp_path, "explain", "99002", "--policy", "moka", "--fiscal-year", "2025", "--format", "html").output
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = nintei(tmp_path, "explain", "99000", "--policy", "moka", "--fiscal-year", "2025").output
    assert "[/]" in text


def test_the_review_workbook_holds_a_formula_like_name_as_text(hostile_names):
    out = hostile_names / "結果.xlsx"
    nintei(hostile_names, "review", "--policy", "moka", "--fiscal-year", "2025", "--out", str(out))
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_table_on_a_terminal_shows_markup_as_written():
    """On a terminal the review table is drawn by rich: a name is Text, never markup."""
    from rich.console import Console

    from commands.review import _rich_table

    console = Console(file=io.StringIO(), force_terminal=True, width=200, color_system=None)
    console.print(_rich_table(("職員番号", "氏名"), [("9900" + str(i), n) for i, n in enumerate(NAMES)], title="[/]"))
    shown = console.file.getvalue()
    for name in NAMES:
        assert name in shown


def test_100k_problems_in_one_file_print_a_summary(tmp_path):
    path = write(tmp_path / "職員名簿.csv", STAFF, *(f"{10000 + i},R7,職員{i},総務課,社長" for i in range(100_000)))
    r = nintei(tmp_path, "import", str(path))
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert len(lines) < 30
    assert lines[0] == "事実ファイルに 100000 件の問題があります。何も登録していません。"
    assert lines[1].startswith("職員名簿.csv:2: 職級: '社長' は職級として使えません")
    assert lines[-1] == ("職員名簿.csv: ほかに 99,980 件の問題があります（最初の 20 件だけを表示しました。"
                         "列ごとの件数: 職級 99,980 件）")


def test_a_terminal_escape_in_a_value_is_shown_not_obeyed(tmp_path):
    path = write(tmp_path / "職員名簿.csv", STAFF, "1001,R7,山田,総務課,\x1b]8;;http://example.com/\x1b\\社長\r")
    r = nintei(tmp_path, "import", str(path))
    assert r.exit_code == 1 and "\x1b" not in r.stderr
    assert "職員名簿.csv:2: 職級: '\\x1b]8;;http://example.com/\\x1b\\社長' は職級として使えません" in r.stderr


def test_an_xls_that_is_neither_excel_nor_text_says_so(tmp_path):
    (tmp_path / "職員名簿.xls").write_bytes(bytes(range(128, 256)) * 16)
    r = nintei(tmp_path, "import", str(tmp_path / "職員名簿.xls"))
    assert r.exit_code == 1 and "職員名簿.xls: Excel (.xls) ファイルとしても、テキストとしても読めません" in r.stderr
