"""docs/import.md runs: its example import prints what it shows, its examples import, its 和暦
messages are the parser's, and it names every record type, column alias and grade there is."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from facts.aliases import COLUMN_ALIASES, COMMON_COLUMNS, GRADE_ALIASES, RECORD_TYPE_NAMES
from facts.dates import parse_date, parse_fiscal_year
from facts.readers import read_paths

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")


def _blocks(info: str) -> list[str]:
    return re.findall(rf"```{info}\n(.*?)```", DOC, re.S)


def test_the_example_import_prints_what_the_doc_shows(tmp_path, monkeypatch):
    command, = _blocks("sh")
    args = command.split()[1:]
    assert command.split()[0] == "nintei"
    monkeypatch.chdir(ROOT)
    r = CliRunner().invoke(main, ["--db", f"sqlite:///{tmp_path}/n.db", *args])
    assert r.exit_code == 0, r.output
    assert r.stdout + r.stderr == _blocks("text")[0]


def test_the_history_example_imports_as_cp932_with_names_and_labels(tmp_path):
    (name, body), = re.findall(r"```csv (\S+)\n(.*?)```", DOC, re.S)
    (tmp_path / name).write_bytes(body.replace("\n", "\r\n").encode("cp932"))
    (tmp_path / "職員名簿.csv").write_text("職員番号,年度,氏名,所属,職級\n11001,2022,真岡 一郎,総務課,主事\n")
    r = CliRunner().invoke(main, ["--db", f"sqlite:///{tmp_path}/n.db", "import", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "認定履歴 (certification): 新規 2 件" in r.output and "認定履歴.csv: 登録者" in r.output


@pytest.mark.parametrize("written, message", re.findall(r"^\| `([^`]+)` \| `(.+)` \|$", DOC, re.M))
def test_the_wareki_messages_are_the_parsers(written, message):
    parse = parse_fiscal_year if written.endswith("年度") else parse_date
    with pytest.raises(ValueError) as caught:
        parse(written)
    assert str(caught.value) == message


def test_the_header_errors_are_the_readers(tmp_path):
    (tmp_path / "評価.csv").write_text("年度,プロジェクト番号,評価区分,評価者,評価者区分,被評価社,評価点\n2025,P1,終了後,E1,幹部職員,1,4\n")
    (tmp_path / "職員名簿.csv").write_text("職員番号,年度,氏名,所属,職級,氏名\n1001,R7,山田,課,主事,山田\n")
    for problem in read_paths([tmp_path]).problems:
        assert f"`{problem}`" in DOC


def test_every_record_type_alias_and_grade_is_documented():
    names = [n for ns in RECORD_TYPE_NAMES.values() for n in ns]
    aliases = [a for columns in [COMMON_COLUMNS, *COLUMN_ALIASES.values()] for al in columns.values() for a in al]
    missing = [n for n in [*names, *aliases, *GRADE_ALIASES] if n.casefold() not in DOC.casefold()]
    assert missing == []
