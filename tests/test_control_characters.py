"""A terminal obeys nothing that a fact file or a command line put in a name (facts/shown.py):
staff names, departments, project names, reasons and who did it carry escape sequences here
(clear the screen, an OSC 8 hyperlink, a window title, a bell, C1 CSI, DEL, a bidi override, a
line break); every plain-text output shows them written out (``\\x1b[2J``), so that the name is
still recognisable and no control character but the layout's own line breaks reaches the
terminal. JSON keeps the exact strings; CSV keeps the values; the workbook keeps what XML can hold.

The commands run with ``color=True``: click strips ``ESC [ ... m``-like sequences from output that
is not a terminal, which would hide a sequence the clerk's terminal receives."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
NAME = "山田\x1b[2J花子\x07"
DEPARTMENT = "\x1b]8;;http://evil.example/\x1b\\総務課\x1b]8;;\x1b\\\x9b31m"
FORGED = "改行\n99003 偽の行"  # a line break: a name that would print a line of its own
PROJECT = "\x1b[31m赤い\x1b[0mプロジェクト"
NEWCOMER = "9\x1b]8;;http://e.example/\x1b\\9004"  # a staff id with a hyperlink in it
WHO = "\x1b]0;pwned\x07係長"  # --by and $NINTEI_USER
REASON = "\x1b[31m理由\x1b[0m\u202e逆順"
# C0 but tab and newline, DEL, C1; the bidi embeddings, overrides and isolates
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """How a value looks once its control characters are written out."""
    out = []
    for c in text:
        code = ord(c)
        if c in "\t\n\r":
            out.append({"\t": "\\t", "\n": "\\n", "\r": "\\r"}[c])
        elif code < 0x20 or 0x7f <= code < 0xa0:
            out.append(f"\\x{code:02x}")
        elif 0x202a <= code <= 0x202e or 0x2066 <= code <= 0x2069:
            out.append(f"\\u{code:04x}")
        else:
            out.append(c)
    return "".join(out)


def nintei(db: str, *args: str):
    result = CliRunner().invoke(main, ["--db", db, *args], color=True, env={"NINTEI_USER": WHO})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output + result.stderr
    return result


def clean(result) -> str:
    """The output, asserted free of control characters but the layout's line breaks."""
    for stream in (result.stdout, result.stderr):
        assert not CONTROL.findall(stream), sorted(set(CONTROL.findall(stream)))
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The moka samples with three more staff named as an attacker would, reviewed twice (the
    second time with one more, whose staff id holds a hyperlink), one decision overridden and
    revoked with such reasons. The output of every step is kept."""
    tmp = tmp_path_factory.mktemp("hostile")
    db = f"sqlite:///{tmp}/n.db"
    facts = tmp / "facts"
    shutil.copytree(ROOT / "facts" / "samples" / "moka", facts)
    roster = facts / "職員名簿.csv"
    quoted = lambda text: '"' + text.replace('"', '""') + '"'  # noqa: E731
    roster.write_bytes((roster.read_bytes().decode("cp932") + f"99001,2025,{quoted(NAME)},{quoted(DEPARTMENT)},主事\r\n"
                        f"99002,2025,{quoted(FORGED)},総務課\x7f,主事\r\n").encode("utf-8-sig"))
    projects = facts / "プロジェクト.csv"
    projects.write_bytes(projects.read_bytes() + f"99001,2025,P25-99,{PROJECT},リーダー\r\n".encode())
    out = SimpleNamespace(db=db, tmp=tmp)
    out.imported = nintei(db, "import", str(facts))
    assert out.imported.exit_code == 0, out.imported.stderr
    out.first = nintei(db, "review", "--policy", "moka", "--fiscal-year", "2025")
    (tmp / "more").mkdir()
    (tmp / "more" / "職員名簿.csv").write_text(f"職員番号,年度,氏名,所属,職級\n{quoted(NEWCOMER)},2025,新人,総務課,主事\n",
                                             encoding="utf-8")
    out.second = nintei(db, "review", "--policy", "moka", "--fiscal-year", "2025", "--facts", str(tmp / "more"))
    out.override = nintei(db, "override", "99001", "--policy", "moka", "--fiscal-year", "2025", "-c", "dx_advisor",
                          "--outcome", "certified", "--reason", REASON, "--by", WHO)
    out.revoke = nintei(db, "revoke", "99001", "--policy", "moka", "-c", "dx_advisor", "--reason", REASON,
                        "--by", WHO)
    for step in (out.first, out.second, out.override, out.revoke):
        assert step.exit_code == 0, step.output + step.stderr
    return out


def test_the_stored_values_keep_their_control_characters(hostile):
    """The values are stored as written (what follows shows them written out, never altered)."""
    rows = json.loads(nintei(hostile.db, "review", "--policy", "moka", "--fiscal-year", "2025",
                             "--format", "json").stdout)["decisions"]
    people = {(d["staff_id"], d["staff_name"], d["department"]) for d in rows if d["staff_id"].startswith("9")}
    assert {("99001", NAME, DEPARTMENT), ("99002", FORGED, "総務課\x7f")} <= people
    assert NEWCOMER in {d["staff_id"] for d in rows}


def test_the_review_table_shows_control_characters_written_out(hostile):
    text = clean(nintei(hostile.db, "review", "--policy", "moka", "--fiscal-year", "2025"))
    lines = [line for line in text.splitlines() if line.startswith("99001")]
    assert len(lines) == 3 and all(shown(NAME) in line and shown(DEPARTMENT) in line for line in lines)
    assert shown(PROJECT) in text and "（上書き: 認定）" in text
    assert not any(line.startswith("99003") for line in text.splitlines())  # the name forges no row
    assert f"{shown(FORGED)}  " in text and shown(NEWCOMER) in text


def test_the_review_table_written_to_a_file_is_the_same_text(hostile):
    out = hostile.tmp / "審査.txt"
    clean(nintei(hostile.db, "review", "--policy", "moka", "--fiscal-year", "2025", "--out", str(out)))
    text = out.read_text(encoding="utf-8")
    assert not CONTROL.findall(text) and shown(NAME) in text


def test_the_table_on_a_terminal_shows_control_characters_written_out():
    """On a terminal rich draws the table: it passes an escape sequence in a Text through."""
    from rich.console import Console

    from commands.review import _rich_table

    console = Console(file=io.StringIO(), force_terminal=True, width=300, color_system=None)
    console.print(_rich_table(("職員番号", "氏名", "所属"), [("99001", NAME, DEPARTMENT), ("99002", FORGED, "-")],
                              title=f"moka {NAME}"))
    drawn = console.file.getvalue()
    assert not CONTROL.findall(drawn)
    assert shown(NAME) in drawn and shown(DEPARTMENT) in drawn and shown(FORGED) in drawn


def test_the_steps_said_nothing_raw(hostile):
    """import's counts, the second review's replacement notice (the newcomer's decisions), and
    what override and revoke say they recorded (the reason and who, as given)."""
    for step in (hostile.imported, hostile.first):
        clean(step)
    assert shown(NEWCOMER) in clean(hostile.second)  # 「職員 9\x1b]8;;… の DXアドバイザー: なし → 非認定」
    for step in (hostile.override, hostile.revoke):
        text = clean(step)
        assert shown(REASON) in text and shown(WHO) in text


def test_explain_text_shows_control_characters_written_out(hostile):
    text = clean(nintei(hostile.db, "explain", "99001", "--policy", "moka", "--fiscal-year", "2025"))
    assert f"99001 {shown(NAME)}（{shown(DEPARTMENT)}） — DXアドバイザー" in text
    assert f"{shown(WHO)}、" in text and f"理由: {shown(REASON)}" in text and f"根拠: {shown(REASON)}" in text
    assert shown(PROJECT) in text
    forged = clean(nintei(hostile.db, "explain", "99002", "--policy", "moka", "--fiscal-year", "2025"))
    assert f"99002 {shown(FORGED)}（総務課\\x7f）" in forged
    assert not any(line.startswith("99003") for line in forged.splitlines())


def test_explain_html_on_standard_output_holds_no_control_character(hostile):
    page = clean(nintei(hostile.db, "explain", "99001", "--policy", "moka", "--fiscal-year", "2025", "--format", "html"))
    assert shown(NAME) in page


def test_history_shows_control_characters_written_out(hostile):
    text = clean(nintei(hostile.db, "history", "99001"))
    assert f"理由: {shown(REASON)}" in text and f"根拠: {shown(REASON)}" in text and shown(WHO) in text
    assert any(line.startswith("moka 令和7年度") for line in text.splitlines())  # its blank lines are layout


def test_runs_and_audit_show_who_ran_them_written_out(hostile):
    runs = clean(nintei(hostile.db, "runs")).splitlines()
    assert len(runs) >= 3 and all(shown(WHO) in line for line in runs[1:])  # each review run (tests add more)
    replay = clean(nintei(hostile.db, "audit", "replay", "2"))
    assert f"実行者 {shown(WHO)}" in replay
    clean(nintei(hostile.db, "audit", "verify"))


def test_diff_shows_a_staff_id_written_out(hostile):
    text = clean(nintei(hostile.db, "diff", "1", "2"))
    assert shown(NEWCOMER) in text


def test_errors_quoting_a_given_staff_id_show_it_written_out(hostile):
    for args in (("explain", NEWCOMER + "x", "--policy", "moka", "--fiscal-year", "2025"),
                 ("override", NEWCOMER + "x", "--policy", "moka", "--fiscal-year", "2025", "-c", "dx_advisor",
                  "--outcome", "certified", "--reason", REASON)):
        result = nintei(hostile.db, *args)
        assert result.exit_code == 1 and shown(NEWCOMER + "x") in clean(result)


def test_json_keeps_the_exact_strings_and_escapes_every_control_character(hostile):
    """JSON escapes C0 itself; C1, DEL and bidi marks are written as \\u escapes too: the same strings."""
    for args, found in [
        (("review", "--policy", "moka", "--fiscal-year", "2025", "--format", "json"),
         lambda doc: {(d["staff_name"], d["department"]) for d in doc["decisions"]} >= {(NAME, DEPARTMENT),
                                                                                        (FORGED, "総務課\x7f")}),
        (("explain", "99001", "--policy", "moka", "--fiscal-year", "2025", "--format", "json"),
         lambda doc: doc["decisions"][0]["override"]["reason"] == REASON and doc["decisions"][0]["staff_name"] == NAME),
        (("history", "99001", "--format", "json"), lambda doc: doc["overrides"][0]["by"] == WHO),
        (("runs", "--format", "json"), lambda doc: {r["by"] for r in doc} == {WHO}),
    ]:
        result = nintei(hostile.db, *args)
        clean(result)
        assert found(json.loads(result.stdout)), args


def test_csv_keeps_the_values_and_the_workbook_what_xml_can_hold(hostile):
    text = nintei(hostile.db, "review", "--policy", "moka", "--fiscal-year", "2025", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [NAME, DEPARTMENT] in [r[1:3] for r in rows]
    out = hostile.tmp / "結果.xlsx"
    result = nintei(hostile.db, "review", "--policy", "moka", "--fiscal-year", "2025", "--out", str(out))
    assert result.exit_code == 0
    cells = {row[0]: row[1:3] for row in openpyxl.load_workbook(out).active.iter_rows(min_row=2, values_only=True)}
    assert cells["99001"] == ("山田\\x1b[2J花子\\x07", "\\x1b]8;;http://evil.example/\\x1b\\総務課\\x1b]8;;\\x1b\\\x9b31m")
    assert cells["99002"] == (FORGED, "総務課\x7f")  # a line break and DEL: XML holds them


def test_the_report_workbook_and_page_take_such_names(hostile):
    for fmt in ("xlsx", "html"):
        out = hostile.tmp / f"報告書.{fmt}"
        result = nintei(hostile.db, "report", "--policy", "moka", "--fiscal-year", "2025", "--format", fmt,
                        "--out", str(out))
        assert result.exit_code == 0 and out.stat().st_size > 0
    assert shown(DEPARTMENT) in (hostile.tmp / "報告書.html").read_text(encoding="utf-8")


def test_import_messages_show_file_names_headers_and_values_written_out(tmp_path):
    db = f"sqlite:///{tmp_path}/n.db"
    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / "職員名簿.csv").write_text("職員番号,年度,氏名,所属,職級\n1001,2025,山田,総務課,主事\n", encoding="utf-8")
    assert nintei(db, "import", str(folder)).exit_code == 0
    header = "備考\x1b]8;;http://evil.example/\x1b\\"
    (folder / "職員名簿.csv").write_text(f"職員番号,年度,氏名,所属,職級,{header}\n1001,2025,{NAME},総務課,主事,x\n",
                                      encoding="utf-8")
    text = clean(nintei(db, "import", str(folder)))
    assert f"職員名簿.csv: {shown(header)}" in text  # the column it ignored
    assert "警告: 職員名簿.csv:2:" in text and "'山田\\x1b[2J花子\\x07'" in text  # the conflict
    bad = tmp_path / f"職員名簿{NAME}.csv"
    bad.write_text("職員番号,年度,氏名,所属,職級\n1002,2025,山田,総務課,社長\n", encoding="utf-8")
    result = nintei(db, "import", str(bad))
    assert result.exit_code == 1 and f"職員名簿{shown(NAME)}.csv: 記録の種類がわかりません" in clean(result)


def test_an_argument_that_is_not_utf8_is_a_usage_error(hostile):
    """Bytes of another encoding on the command line arrive as lone surrogates, which neither the
    database nor the terminal can take (it was a traceback): exit 2, the bytes shown."""
    import os
    import subprocess
    import sys

    reason = os.fsdecode(b"\xff\xfe\xe7\x90\x86\xe7\x94\xb1")  # two stray bytes, then 理由
    done = subprocess.run([sys.executable, "cli.py", "--db", hostile.db, "override", "99001", "--policy", "moka",
                           "--fiscal-year", "2025", "-c", "dx_expert", "--outcome", "certified", "--reason", reason],
                          cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert "引数 '\\xff\\xfe理由' は UTF-8 の文字ではありません" in done.stderr.decode()


def test_a_file_name_that_is_not_utf8_is_named_not_read(tmp_path):
    import os

    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / os.fsdecode(b"staff_\xff.csv")).write_text("職員番号,年度,氏名,所属,職級\n1001,2025,山田,総務課,主事\n")
    result = nintei(f"sqlite:///{tmp_path}/n.db", "import", str(folder))
    assert result.exit_code == 1
    assert "staff_\\xff.csv: ファイル名が UTF-8 の文字ではありません。名前を付け直してください" in clean(result)
