"""The file readers' own problems in English (``nintei import --lang en``): a file that is no
workbook, broken or too deeply nested JSON, an ``.xls`` that is none, text that cannot be decoded,
a zip bomb... Each is imported twice through the command line on a real SQLite file: in Japanese
(the default, worded as before) and in English, where the line keeps the same ``file:row:``
location and holds no Japanese besides it. Also in English: the summary of stored values no review
can use (``review --lang en``) and the line said while waiting for another process's write lock."""
from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from cli import main
from facts.db import get_engine, init_db
from facts.errors import FactError, Worded
from facts.importer import import_paths
from facts.readers import read_paths
from tests.facts_files import roster
from tests.test_facts_bad_input import _xlsx_with_raw_cell
from tests.test_zip_bomb import CELL, _workbook_parts, bomb_workbook

ROOT = Path(__file__).resolve().parent.parent
JAPANESE = re.compile("[\u3040-\u30ff\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
STAFF = "staff_id,fiscal_year,name,department,grade"


def _write(content: bytes | str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return write


def _no_header_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "staff"
    book.active["A2"] = "1001"
    book.save(path)


def _nan_cell_workbook(path: Path) -> None:
    _xlsx_with_raw_cell(path, STAFF.split(","), ["1001", 2025, "a", "b", "c"], "NaN", "B", title="staff")


def _billion_laughs(path: Path) -> None:
    """A sheet whose XML holds entities of entities (expat refuses them: its amplification limit)."""
    import zipfile

    parts = _workbook_parts()
    laughs = b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10))
    sheet = parts["xl/worksheets/sheet1.xml"]
    start = sheet.index(b"<worksheet")
    sheet = sheet[:start] + b'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">' + laughs + b"]>" + sheet[start:]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("山田 花子".encode(), b"&lol9;")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


NOT_TEXT = bytes(range(128, 256)) * 16
SAVE_AS_UTF8 = ("文字コードを読めません (UTF-8 で保存してください)", "cannot read its characters (save it as UTF-8)")

# (file name, how it is made, its location, the start of the Japanese line, of the English line)
CASES = [
    pytest.param("staff.xlsx", _write("this is no workbook\n"), "staff.xlsx",
                 "Excel ファイルとして読めません (File is not a zip file)",
                 "cannot read it as an Excel file (File is not a zip file)", id="xlsx-not-a-zip"),
    pytest.param("staff.xlsx", _no_header_workbook, "staff.xlsx:staff:1",
                 "1行目に見出しがありません (2行目に値があります)",
                 "no headings in row 1 (row 2 holds values)", id="xlsx-no-header"),
    pytest.param("staff.xlsx", _nan_cell_workbook, "staff.xlsx:staff:2",
                 "数値のセルの値 'NaN' を読めません (有限の数値にしてください: nan や inf は使えません)",
                 "cannot read the number cell's value 'NaN' (make it a finite number: nan and inf cannot be used)",
                 id="xlsx-nan-cell"),
    pytest.param("staff.xlsx", _billion_laughs, "staff.xlsx:職員名簿:2", "シートの XML を読めません (limit on",
                 "cannot read the sheet's XML (limit on", id="xlsx-billion-laughs"),
    pytest.param("staff.xlsx", lambda path: bomb_workbook(path, "xl/worksheets/sheet1.xml", CELL, 50 << 20),
                 "staff.xlsx", "展開すると大きすぎるため読みません（xl/worksheets/sheet1.xml は ",
                 "not read: too large once unpacked (xl/worksheets/sheet1.xml unpacks from ", id="xlsx-zip-bomb"),
    pytest.param("staff.xls", _write(NOT_TEXT), "staff.xls", "Excel (.xls) ファイルとしても、テキストとしても読めません",
                 "cannot read it as an Excel (.xls) file, nor as text", id="xls-neither-excel-nor-text"),
    pytest.param("staff.xls", _write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), "staff.xls",
                 "Excel (.xls) ファイルとして読めません (", "cannot read it as an Excel (.xls) file (",
                 id="xls-broken"),
    pytest.param("staff.csv", _write(NOT_TEXT), "staff.csv",
                 "文字コードを読めません (UTF-8・Shift_JIS (CP932)・UTF-16 のいずれかで保存してください)",
                 "cannot read its characters (save it as UTF-8, Shift_JIS (CP932) or UTF-16)", id="csv-undecodable"),
    pytest.param("staff.csv", _write(f"{STAFF}\n1001,2025,{'x' * ((1 << 20) + 1)},b,c\n"), "staff.csv:2: name",
                 "値が大きすぎます (1 つのセルは 1 MiB まで)", "the value is too large (a cell holds at most 1 MiB)",
                 id="csv-cell-over-1-mib"),
    pytest.param("staff.json", _write('[{"staff_id": "1001",'), "staff.json", "JSON として読めません (",
                 "cannot read it as JSON (", id="json-broken"),
    pytest.param("staff.json", _write('[{"staff_id": "1001"}, {"staff_id": [[["1002"]]]}]'), "staff.json:2",
                 'JSON の入れ子が深すぎます (記録は {"列名": 値, ...} の形にし、値は文字か数値にしてください)',
                 'JSON nested too deep (write each record as {"column": value, ...}, each value text or a number)',
                 id="json-too-deep"),
    pytest.param("staff.jsonl", _write('{"staff_id": "1001"}\n{"staff_id": [["1002"]]}\n'), "staff.jsonl:2",
                 "JSON の入れ子が深すぎます", "JSON nested too deep", id="jsonl-too-deep"),
    pytest.param("staff.json", _write('{"staff_id": "1001"}'), "staff.json",
                 "JSON は記録の配列 ([{...}, ...]) にしてください", "make the JSON an array of records ([{...}, ...])",
                 id="json-not-an-array"),
    pytest.param("staff.json", _write('[{"name": "'.encode() + "あ".encode("cp932") + b'"}]'), "staff.json",
                 *SAVE_AS_UTF8, id="json-not-utf8"),
    pytest.param("staff.jsonl", _write(b'{"name": "\x82\xa0"}\n'), "staff.jsonl",
                 *SAVE_AS_UTF8, id="jsonl-not-utf8"),
    pytest.param("staff.json", _write("[1]"), "staff.json:1", '記録はオブジェクト ({"列名": 値, ...}) にしてください',
                 'make each record an object ({"column": value, ...})', id="json-record-not-an-object"),
    pytest.param("staff.json", _write('[{"staff_id": "1001", "name": {"a": 1}}]'), "staff.json:1: name",
                 "値は文字・数値にしてください", "make the value text or a number", id="json-value-nested"),
    pytest.param("staff.json", _write('[{"staff_id": "1001", "name": "\\ud800"}]'), "staff.json:1: name",
                 "文字ではないもの（対になっていないサロゲート \\ud800）があります。UTF-8 の文字で書いてください",
                 "something that is no character (a lone surrogate \\ud800): write characters of UTF-8",
                 id="json-lone-surrogate"),
    pytest.param("staff.json", _write('[{"staff_id": 1' + "0" * 5000 + "}]"), "staff.json",
                 "JSON として読めません (桁の多すぎる数があります)", "cannot read it as JSON (a number of too many digits)",
                 id="json-number-of-5000-digits"),
    pytest.param("staff.json", _write('[{"staff_id": 12.5, "fiscal_year": 2025, "name": "a", "department": "b", '
                                      '"grade": "主任"}]'), "staff.json:1: staff_id",
                 "12.5 は番号として使えません (整数ではない数値です。番号は文字か整数で書いてください)",
                 "12.5 cannot be used as an id (not a whole number: write ids as text or whole numbers)",
                 id="json-id-not-whole"),
]


def _cli(url: str, *args: str):
    return CliRunner().invoke(main, ["--db", url, *args])


def _line(output: str, location: str, said: str) -> str:
    """The one line of ``output`` at ``location`` that says ``said`` (its start)."""
    found = [line for line in output.splitlines() if line.startswith(f"{location}: {said}")]
    assert len(found) == 1, f"no line {location}: {said}... in:\n{output}"
    return found[0]


@pytest.mark.parametrize("name, make, location, ja, en", CASES)
def test_a_reader_problem_is_english_with_lang_en_at_the_same_location(tmp_path, name, make, location, ja, en):
    make(tmp_path / name)
    url = f"sqlite:///{tmp_path / 'n.db'}"
    japanese = _cli(url, "import", str(tmp_path / name))
    english = _cli(url, "import", str(tmp_path / name), "--lang", "en")
    assert (japanese.exit_code, english.exit_code) == (1, 1), (japanese.output, english.output)
    assert "Traceback" not in japanese.output + english.output
    said_ja = _line(japanese.stderr, location, ja)
    said_en = _line(english.stderr, location, en)
    assert not JAPANESE.search(said_en.removeprefix(f"{location}: ")), said_en
    # the rest of the English output too: its summary, and no line left in Japanese
    left = [line for line in english.stderr.replace(location, "").splitlines() if JAPANESE.search(line)]
    assert not left, english.stderr
    assert english.stderr.splitlines()[0].endswith("problem(s) in the fact files. Nothing was stored.")
    assert said_ja.startswith(f"{location}: ") and said_en.startswith(f"{location}: ")  # the same place


def test_a_file_name_that_is_not_utf8_is_named_in_english(tmp_path):
    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / os.fsdecode(b"staff_\xff.csv")).write_text(f"{STAFF}\n1001,2025,a,b,c\n")
    url = f"sqlite:///{tmp_path / 'n.db'}"
    japanese, english = _cli(url, "import", str(folder)), _cli(url, "import", str(folder), "--lang", "en")
    assert (japanese.exit_code, english.exit_code) == (1, 1)
    _line(japanese.stderr, "staff_\\xff.csv", "ファイル名が UTF-8 の文字ではありません。名前を付け直してください")
    _line(english.stderr, "staff_\\xff.csv", "the file name is not in characters of UTF-8: rename the file")


def test_a_path_that_is_not_there_is_named_in_either_language(tmp_path):
    """The command line refuses such a path first (a usage error); the readers' API says it too."""
    [problem] = read_paths([tmp_path / "nowhere"]).problems
    assert problem.text() == f"{tmp_path / 'nowhere'}: ファイルもフォルダもありません"
    assert problem.text("en") == f"{tmp_path / 'nowhere'}: no such file or folder"


@pytest.mark.parametrize("kind, value, said", [
    ("occasion", "朝礼", "'朝礼' cannot be used as an occasion (accepted: "),
    ("evaluator_type", "x", "'x' cannot be used as an evaluator type (accepted: "),
    ("perspective", "x", "'x' cannot be used as a perspective (accepted: "),
    ("nominated_for", "x", "'x' cannot be used as a nomination (accepted: "),
])
def test_the_article_before_a_kind_of_value_follows_its_sound(kind, value, said):
    from facts.aliases import canonical

    with pytest.raises(Worded) as error:
        canonical(kind, value)
    assert error.value.en.startswith(said)
    assert str(error.value).startswith(f"'{value}' は")  # the Japanese as before


def _stored_nan(tmp_path: Path) -> tuple[str, int]:
    """The Moka samples imported, then one evaluation's score made NaN behind the importer's back."""
    url = f"sqlite:///{tmp_path / 'n.db'}"
    assert _cli(url, "import", str(ROOT / "facts" / "samples" / "moka")).exit_code == 0
    engine = get_engine(url)
    with engine.begin() as conn:
        row_id, data = conn.execute(text(
            "select id, data from fact_row where record_type = 'evaluation' order by id limit 1")).one()
        values = {**json.loads(data), "score": float("nan")}
        conn.execute(text("update fact_row set data = :d where id = :i"), {"d": json.dumps(values), "i": row_id})
    engine.dispose()
    return url, row_id


def test_stored_values_no_review_can_use_are_told_in_english(tmp_path):
    url, _ = _stored_nan(tmp_path)
    japanese = _cli(url, "review", "--policy", "moka", "--fiscal-year", "2025")
    english = _cli(url, "review", "--policy", "moka", "--fiscal-year", "2025", "--lang", "en")
    assert (japanese.exit_code, english.exit_code) == (1, 1)
    assert ("登録済みの事実 1 件に使えない値があるため、2025年度の審査を行えません。次の記録の元の行を確かめ、正しい値で"
            "登録し直してください。") in japanese.stderr
    assert ("1 stored fact(s) hold values no review can use: the review of 2025 cannot run. Check the original rows "
            "of these records and import them again with correct values.") in english.stderr
    [ja] = [line for line in japanese.stderr.splitlines() if line.startswith("評価.xlsx:評価:")]
    [en] = [line for line in english.stderr.splitlines() if line.startswith("評価.xlsx:評価:")]
    location = ja[:ja.index(": score: ") + len(": score: ")]
    assert ja.endswith("の値 'nan' は有限の数値ではありません (nan や inf は審査に使えません)")
    assert en.startswith(location) and en.endswith("is not a finite number (nan and inf cannot be used in a review)")
    assert not JAPANESE.search(en.removeprefix(location))


def test_stored_records_read_back_by_id_are_told_in_english(tmp_path):
    """What a stored review's explanation reads back (facts.stream.load_rows)."""
    from facts.stream import load_rows

    url, row_id = _stored_nan(tmp_path)
    engine = get_engine(url)
    with pytest.raises(FactError) as error:
        load_rows(engine, [row_id])
    engine.dispose()
    assert error.value.lines()[0] == "登録済みの事実 1 件に使えない値があります"
    assert error.value.lines("en")[0] == "1 stored fact(s) hold values that cannot be used"
    assert error.value.lines("en")[1].endswith("is not a finite number (nan and inf cannot be used in a review)")


class _Writing:
    """Another process holding SQLite's write lock on ``path`` (a transaction begun, not ended)."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def end(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.close()


WAITING = {"ja": "データベースに別の処理が書き込んでいます。終わるのを待っています…",
           "en": "another process is writing to the database: waiting for it to finish…"}


@pytest.mark.parametrize("lang", ["ja", "en", None])
def test_an_import_waiting_for_the_write_lock_says_so_in_the_callers_language(tmp_path, lang):
    engine = get_engine(f"sqlite:///{tmp_path / 'n.db'}?timeout=0.5")
    init_db(engine)
    told: list[str] = []
    other = _Writing(tmp_path / "n.db")
    try:
        with pytest.raises(FactError) as error:
            import_paths(engine, [roster(tmp_path, "1001")], waiting=told.append,
                         **({} if lang is None else {"lang": lang}))
    finally:
        other.end()
    engine.dispose()
    assert told == [WAITING[lang or "ja"]]
    assert error.value.lines(lang or "ja")[0].startswith(
        "could not write for 0.5 seconds" if lang == "en" else "データベースを別の処理が使い続けているため、0.5 秒")


@pytest.mark.parametrize("lang", ["ja", "en", None])
def test_making_the_tables_while_another_writes_says_so_in_the_callers_language(tmp_path, lang):
    other = _Writing(tmp_path / "n.db")  # a new database: its tables still to make
    engine = get_engine(f"sqlite:///{tmp_path / 'n.db'}?timeout=0.2")
    told: list[str] = []
    try:
        with pytest.raises(OperationalError):
            init_db(engine, waiting=told.append, **({} if lang is None else {"lang": lang}))
    finally:
        other.end()
        engine.dispose()
    assert told == [WAITING[lang or "ja"]]
