"""The auditor's and the clerk's commands in English (``--lang en`` or NINTEI_LANG=en): every line
of ``runs``, ``audit verify``, ``audit replay``, ``history``, ``diff``, ``override``, ``revoke`` and
``import`` (its counts and its errors) in English, Japanese script left only where the data are
Japanese (names and reasons people typed, file names, column headers and values of the files);
Japanese stays the default. A real SQLite file, made by importing the Moka samples and reviewing
them through the command line."""
from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "facts" / "samples" / "moka"
# kana, kanji, and the Japanese punctuation and full-width forms (（）、。「」): a Japanese template
# whose only Japanese left is its brackets is not English either
JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
# what people typed and the ledger keeps as typed: stays Japanese in English output
BY, REASON, HEAD, GROUNDS = "人事課 鈴木", "記入漏れを確認", "人事課長", "懲戒処分"
USER = "監査 太郎"


def english_only(text: str, stored: tuple[str, ...] = ()) -> str:
    """``text`` with the stored data taken out; fails naming each line where Japanese script is left."""
    rest = text
    for data in sorted(stored, key=len, reverse=True):
        rest = rest.replace(data, "")
    left = [line for line in rest.splitlines() if JAPANESE.search(line)]
    assert not left, "Japanese outside the stored data:\n" + "\n".join(left)
    return text


def test_the_helper_finds_japanese_left_outside_stored_data():
    english_only("staff 11001: held (人事課長)", stored=(HEAD,))
    with pytest.raises(AssertionError, match="取消"):
        english_only("Revocations\n取消", stored=(HEAD,))
    with pytest.raises(AssertionError):
        english_only("な")  # hiragana
    with pytest.raises(AssertionError):
        english_only("カ")  # katakana


def _cli(url: str, *args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["--db", url, *args], env={"NINTEI_USER": USER, **(env or {})})


def _ok(result):
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """Moka's samples imported (in English), reviewed for 2024 and 2025; an override and a
    revocation recorded (in English); 2025 reviewed again under a rule file with a lower report
    threshold (run 3)."""
    folder = tmp_path_factory.mktemp("lang-en")
    url = f"sqlite:///{folder / 'nintei.db'}"
    out = SimpleNamespace(folder=folder, url=url, path=folder / "nintei.db")
    out.imported = _ok(_cli(url, "import", str(SAMPLES), "--lang", "en"))
    _ok(_cli(url, "review", "-p", "moka", "-y", "2024"))
    _ok(_cli(url, "review", "-p", "moka", "-y", "2025"))
    out.overridden = _ok(_cli(url, "override", "11006", "-p", "moka", "-y", "2025", "-c", "dx_specialist",
                              "--outcome", "certified", "--reason", REASON, "--by", BY, "--lang", "en"))
    out.revoked = _ok(_cli(url, "revoke", "11001", "-p", "moka", "-c", "dx_expert", "--reason", GROUNDS,
                           "--date", "令和7年10月1日", "--by", HEAD, "--lang", "en"))
    rules = folder / "rules"
    shutil.copytree(ROOT / "rules", rules)
    moka = rules / "moka.yaml"
    moka.write_text(moka.read_text(encoding="utf-8").replace("value: 3.5", "value: 3.0", 1), encoding="utf-8")
    out.rereviewed = _cli(url, "review", "-p", "moka", "-y", "2025", "--lang", "en", env={"NINTEI_RULES_DIR": str(rules)})
    _ok(out.rereviewed)
    return out


def test_import_counts_in_english(reviewed, tmp_path):
    english_only(reviewed.imported)
    assert "Imported:" in reviewed.imported
    assert re.search(r"^  staff: new 149, unchanged 0$", reviewed.imported, re.M), reviewed.imported
    shutil.copy(reviewed.path, tmp_path / "copy.db")
    url = f"sqlite:///{tmp_path / 'copy.db'}"
    again = _ok(_cli(url, "import", str(SAMPLES), "--lang", "en"))
    assert re.search(r"^  project: new 0, unchanged 65$", again, re.M) and english_only(again)
    assert "新規 0 件、変更なし 65 件" in _ok(_cli(url, "import", str(SAMPLES)))  # Japanese by default


def test_runs_in_english(reviewed):
    listed = english_only(_ok(_cli(reviewed.url, "runs", "--lang", "en")), stored=(USER,))
    header, *rows = listed.splitlines()
    assert header.split()[:4] == ["run", "policy", "year", "started"] and "rules version" in header
    assert "complete (superseded)" in rows[1] and "complete (current)" in rows[0] and "complete (current)" in rows[2]
    assert USER in rows[0]
    ja = _ok(_cli(reviewed.url, "runs"))
    assert "完了（置換済み）" in ja and "方針" in ja


def test_audit_verify_in_english(reviewed):
    said = english_only(_ok(_cli(reviewed.url, "audit", "verify", "--lang", "en")))
    assert re.search(r"^The ledger is intact: verified 6 entries \(import 1, override 1, revocation 1, review 3\), "
                     r"3 review run\(s\) and 270 decision\(s\)\.$", said, re.M), said
    head = re.search(r"^Ledger head hash: ([0-9a-f]{64})$", said, re.M)[1]
    kept = english_only(_ok(_cli(reviewed.url, "audit", "verify", "--head", head, "--lang", "en")))
    assert "The head hash you kept is ledger entry #6 (0 entries since)." in kept
    scoped = english_only(_ok(_cli(reviewed.url, "audit", "verify", "--run", "2", "--lang", "en")))
    assert "The ledger is intact (the decisions of review run 2)" in scoped


def test_audit_verify_of_an_altered_database_in_english(reviewed, tmp_path):
    copy = tmp_path / "altered.db"
    shutil.copy(reviewed.path, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("update review_decision set outcome = 'certified' where staff_id = '11002' "
                     "and certification = 'dx_specialist' and run_id = 3")
        conn.execute("update certification_revocation set reason = 'x'")
    url = f"sqlite:///{copy}"
    failed = _cli(url, "audit", "verify", "--lang", "en")
    assert failed.exit_code == 1
    english_only(failed.output)
    lines = failed.output.splitlines()
    assert lines[0] == "The ledger does not verify: 2 problem(s)."
    assert re.match(r"First entry that does not verify: ledger #5 \(revocation 1\): staff 11001's revocation: reason "
                    r"differs from the ledger's record \(certification_revocation id 1 has been altered\)$", lines[1])
    assert re.match(r"  ledger #6 \(review run 3\): staff 11002's dx_specialist decision \(review_decision id \d+\): "
                    r"the outcome differs from the judgement's record \(not_certified\) \(altered to certified\)$",
                    lines[2]), lines[2]
    ja = _cli(url, "audit", "verify")
    assert ja.exit_code == 1 and ja.output.startswith("台帳の検証に失敗しました: 問題 2 件。")
    assert "結果が判定の記録（not_certified）と異なります（certified に改変されています）" in ja.output


def test_audit_replay_in_english(reviewed):
    said = english_only(_ok(_cli(reviewed.url, "audit", "replay", "2", "--lang", "en")), stored=(USER,))
    assert said.startswith(f"Judged review run 2 (moka FY2025, run ")
    assert f"by {USER}) again from what the ledger recorded." in said.splitlines()[0]
    assert "(not today's rule files)" in said and "Result: all the same (30 staff, 90 decisions)." in said
    assert "結果: すべて同じです（職員 30 人、判定 90 件）。" in _ok(_cli(reviewed.url, "audit", "replay", "2"))


def test_override_and_revoke_in_english(reviewed):
    english_only(reviewed.overridden, stored=(BY, REASON))
    assert (f"Staff 11006, FY2025 dx_specialist: recorded {BY}'s decision \"certified\" beside the review's decision "
            f"\"not certified\" (run 2) (reason: {REASON}; ledger #4).") in reviewed.overridden
    assert "The engine's decision stays as it is." in reviewed.overridden
    english_only(reviewed.revoked, stored=(HEAD, GROUNDS))
    assert (f"Revoked staff 11001's dx_expert as of 2025-10-01 (FY2025) ({HEAD}; grounds: {GROUNDS}; ledger #5)."
            in reviewed.revoked)
    assert "Reviews of FY2025 and later no longer read this certification as held." in reviewed.revoked


def test_history_in_english(reviewed):
    said = english_only(_ok(_cli(reviewed.url, "history", "11006", "--lang", "en")), stored=(USER, BY, REASON))
    assert said.startswith("Decisions of staff 11006 over the years")
    assert re.search(rf"^moka FY2025 review run 2 \(superseded, [0-9: -]+, {USER}\)$", said, re.M), said
    assert "  dx_specialist: not certified" in said
    assert re.search(rf"^    override: certified \({BY}, [0-9: -]+; reason: {REASON}\)$", said, re.M), said
    revoked = english_only(_ok(_cli(reviewed.url, "history", "11001", "--lang", "en")), stored=(USER, HEAD, GROUNDS))
    assert "Revocations" in revoked and "  dx_expert: held" in revoked
    assert f"  moka dx_expert: as of 2025-10-01 (FY2025), {HEAD}; grounds: {GROUNDS}" in revoked
    assert "取消" in _ok(_cli(reviewed.url, "history", "11001"))


def test_diff_and_the_re_review_in_english(reviewed):
    said = english_only(_ok(_cli(reviewed.url, "diff", "2", "3", "--lang", "en")))
    assert said.startswith("Differences between review run 2 (moka FY2025, rules ")
    assert "  The rule files differ." in said
    # the rule file's English labels and condition texts, as review --lang en shows them
    assert "  staff 11013, DX Advisor: not certified -> certified (by a rule change)" in said
    assert "    now met: a project joined as member (or leader) scored at or above the threshold" in said
    replaced = english_only(reviewed.rereviewed.stderr)  # what the re-review says before it replaces run 2
    assert replaced.startswith("Review run 3 replaces run 2, the current review of FY2025 (run 2 stays in the history): "
                               "4 decision(s) change outcome."), replaced
    assert "  staff 11013, DX Advisor: not certified -> certified (by a rule change)" in replaced
    ja = _ok(_cli(reviewed.url, "diff", "2", "3"))
    assert "  職員 11013 の DXアドバイザー: 非認定 → 認定（ルールの変更による）" in ja


@pytest.mark.parametrize("args, expected", [
    (["history", "99999"], "there are no records and no decisions of staff 99999 (check the staff number)"),
    (["diff", "2", "9"], "there is no review run 9 (`nintei runs` lists them)"),
    (["audit", "replay", "9"], "there is no review run 9 (`nintei runs` lists them)"),
    (["override", "11006", "-p", "moka", "-y", "2023", "-c", "dx_expert", "--outcome", "certified", "--reason", "r"],
     "policy moka has no review of FY2023"),
    (["override", "11006", "-p", "moka", "-y", "2025", "-c", "dx_master", "--outcome", "certified", "--reason", "r"],
     "policy moka has no certification dx_master (it has: dx_advisor, dx_expert, dx_specialist)"),
    (["revoke", "11006", "-p", "moka", "-c", "dx_specialist", "--reason", "r", "--date", "2024-06-01"],
     "staff 11006 was not granted dx_specialist by FY2024, so it cannot be revoked"),
])
def test_errors_in_english(reviewed, args, expected):
    said = _cli(reviewed.url, *args, "--lang", "en")
    assert said.exit_code == 1 and expected in said.output, said.output
    english_only(said.output)
    assert JAPANESE.search(_cli(reviewed.url, *args).output)  # Japanese by default


def test_no_database_said_in_english(tmp_path):
    said = _cli(f"sqlite:///{tmp_path / 'none.db'}", "runs", "--lang", "en")
    assert said.exit_code == 1 and "there is no database" in said.output and english_only(said.output)
    assert not (tmp_path / "none.db").exists()


def test_an_empty_ledger_is_said_to_be_empty(tmp_path):
    from facts.db import get_engine, init_db

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    init_db(get_engine(url))
    ja = _cli(url, "audit", "verify")
    assert ja.exit_code == 0 and ja.output.strip() == "台帳は空です: まだ何も取り込み・審査していないため、検証するものはありません。"
    en = _cli(url, "audit", "verify", "--lang", "en")
    assert en.exit_code == 0 and en.output.strip() == ("The ledger is empty: nothing has been imported or reviewed "
                                                       "yet, so there is nothing to verify.")
    assert "0 件" not in ja.output and "intact" not in en.output


def test_nintei_lang_is_honoured_by_every_command_and_lang_wins(reviewed):
    env = {"NINTEI_LANG": "en"}
    assert "The ledger is intact" in _ok(_cli(reviewed.url, "audit", "verify", env=env))
    assert "台帳は完全です" in _ok(_cli(reviewed.url, "audit", "verify", "--lang", "ja", env=env))
    explained = _ok(_cli(reviewed.url, "explain", "11003", "-p", "moka", "-y", "2025", "-c", "dx_specialist",
                         env=env))  # a command that had --lang before
    assert "granted because" in explained and "認定の理由" not in explained
    # run 3 was judged under another rule file than today's: the note says so in English too
    assert "Note: this decision (review run 3) was judged with another version" in explained and "注意" not in explained
    assert "review run" in _ok(_cli(reviewed.url, "history", "11003", env=env))
    bad = _cli(reviewed.url, "runs", env={"NINTEI_LANG": "fr"})
    assert bad.exit_code == 2 and "NINTEI_LANG" in bad.output
    assert "NINTEI_LANG" in _ok(_cli(reviewed.url, "runs", "--help"))


def _bad_files(folder: Path) -> Path:
    bad = folder / "bad"
    bad.mkdir()
    (bad / "職員名簿.csv").write_text("職員番号,氏名,所属,職級,年度\n11001,山田 花子,総務課,主事,2025\n", encoding="utf-8")
    (bad / "プロジェクト.csv").write_text("職員番号,年度,プロジェクト番号,プロジェクト名,役割,役割り\n"
                                       "11001,令和7年度,,窓口,リーダー,x\n", encoding="utf-8")
    (bad / "研修.csv").write_text("職員番号,研修名,修了日\n11001,情報セキュリティ研修,平成32年4月1日\n", encoding="utf-8")
    (bad / "認定履歴.csv").write_text("職員番号,policy,certification,認定年度\n11001,mokaa,dx_advisor,2023\n"
                                  "11001,moka,dx_expertt,2023\n", encoding="utf-8")
    return bad


def test_import_errors_in_english_with_the_same_locations(tmp_path):
    bad = _bad_files(tmp_path)
    url = f"sqlite:///{tmp_path / 'n.db'}"
    en, ja = _cli(url, "import", str(bad), "--lang", "en"), _cli(url, "import", str(bad))
    assert en.exit_code == 1 and ja.exit_code == 1
    # the file names, column headers and values are the files' own
    english_only(en.output, stored=("プロジェクト.csv", "研修.csv", "認定履歴.csv", "役割り", "'役割'", "プロジェクト番号",
                                    "修了日", "平成32年4月1日"))
    lines = en.output.splitlines()
    assert lines[0] == "5 problem(s) in the fact files. Nothing was stored."
    expected = [
        "プロジェクト.csv:1: 役割り: unknown column (did you mean '役割'? '役割' is a name of role: correct the spelling)",
        "プロジェクト.csv:2: プロジェクト番号: no value",
        "研修.csv:2: 修了日: '平成32年4月1日' is after the end of the Heisei era (2019-04-30) (did you mean R2.4.1, "
        "i.e. 2020-04-01?)",
        "認定履歴.csv:2: policy: policy 'mokaa' is in no rule file (did you mean 'moka'?)",
        "認定履歴.csv:3: certification: policy moka has no certification 'dx_expertt' (did you mean 'dx_expert'?)",
    ]
    for line in expected:
        assert line in lines, en.output
    assert "研修.csv:2: 修了日: '平成32年4月1日' は平成の終わり (2019-04-30) より後の日付です（令和2年4月1日 のことですか？）" in ja.output
    # the `file:row: column:` of each problem, identical in both languages
    prefix = re.compile(r"^(\S+:\d+: [^:]+): ")
    assert sorted(prefix.match(l)[1] for l in lines[1:]) == sorted(prefix.match(l)[1] for l in ja.output.splitlines()[1:])
    assert not (tmp_path / "n.db").exists()


def test_import_usage_errors_and_conflicts_in_english(reviewed, tmp_path):
    usage = _cli(reviewed.url, "import", str(SAMPLES), "--correct", "--lang", "en")
    assert usage.exit_code == 2 and "--correct needs the reason" in usage.output
    folder = tmp_path / "訂正"
    folder.mkdir()
    (folder / "プロジェクト.csv").write_text("職員番号,年度,プロジェクト番号,プロジェクト名,役割\n"
                                          "11005,2024,P24-02,道路損傷通報のLINE受付,リーダー\n", encoding="utf-8")
    copy = tmp_path / "copy.db"
    shutil.copy(reviewed.path, copy)
    said = _ok(_cli(f"sqlite:///{copy}", "import", str(folder), "--lang", "en"))
    english_only(said, stored=("プロジェクト.csv",))
    assert "  project: new 0, unchanged 0, conflicts 1" in said
    assert re.search(r"^warning: プロジェクト\.csv:2: project/11005\|2024\|P24-02 differs from the values stored from "
                     r"プロジェクト\.csv:\d+ \(role: 'member' → 'leader'\); the stored values stand$", said, re.M), said
    corrected = _ok(_cli(f"sqlite:///{copy}", "import", str(folder), "--correct", "--reason", "role", "--lang", "en"))
    english_only(corrected, stored=("プロジェクト.csv",))
    assert "  project: new 0, unchanged 0, corrected 1" in corrected
    assert re.search(r"^corrected: プロジェクト\.csv:2: project/11005\|2024\|P24-02 \(role: 'member' → 'leader'; "
                     r"before: プロジェクト\.csv:\d+\)$", corrected, re.M), corrected


def test_usage_errors_in_english_whatever_the_order_of_the_options(reviewed, tmp_path):
    # --lang is read first (eager): the fiscal year and the date before it are judged in English
    year = _cli(reviewed.url, "runs", "-y", "平成32年度", "--lang", "en")
    assert year.exit_code == 2 and english_only(year.output, stored=("平成32年度",))
    assert "'平成32年度' does not exist: the Heisei era ended on 2019-04-30 (did you mean R2, i.e. FY2020?)" in year.output
    day = _cli(reviewed.url, "revoke", "11001", "-p", "moka", "-c", "dx_advisor", "--reason", "r",
               "--date", "令和1年4月1日", "--lang", "en")
    assert day.exit_code == 2 and english_only(day.output, stored=("令和1年4月1日",))
    assert "is before the start of the Reiwa era (2019-05-01) (did you mean H31.4.1, i.e. 2019-04-01?)" in day.output
    assert "平成31年4月1日 のことですか" in _cli(reviewed.url, "revoke", "11001", "-p", "moka", "-c", "dx_advisor",
                                           "--reason", "r", "--date", "令和1年4月1日").output
    out = _cli(reviewed.url, "review", "-p", "moka", "-y", "2025", "--out", str(tmp_path / "no" / "x.csv"),
               env={"NINTEI_LANG": "en"})
    assert out.exit_code == 2 and f"there is no folder {tmp_path / 'no'}" in out.output


def test_files_import_cannot_place_said_in_english(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "謎.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "職員名簿.csv").write_text("職員番号,氏名,氏名,所属,職級,年度\n1,a,b,c,主事,2025\n", encoding="utf-8")
    (folder / "メモ.pdf").write_bytes(b"%PDF")
    said = _cli(f"sqlite:///{tmp_path / 'n.db'}", "import", str(folder), "--lang", "en")
    assert said.exit_code == 1
    english_only(said.output.split("(names: ")[0] + said.output.split("(names: ")[1].split(")", 1)[1],
                 stored=("謎.csv", "職員名簿.csv", "メモ.pdf", "氏名"))
    assert "謎.csv: which kind of record is this? Name the file or the sheet after the record type" in said.output
    assert "職員名簿.csv:1: 氏名: column '氏名' is there 2 times (keep one heading of a name)" in said.output
    assert "メモ.pdf: cannot read this kind of file" in said.output


# From the second reader's review of --lang en: every command that prints for people, in English.
WRITTEN = "に書き出しました"


@pytest.fixture(scope="module")
def moka25(tmp_path_factory):
    """Moka's samples imported and reviewed for 2025."""
    folder = tmp_path_factory.mktemp("lang-en-review")
    url = f"sqlite:///{folder / 'nintei.db'}"
    _ok(_cli(url, "import", str(SAMPLES)))
    _ok(_cli(url, "review", "-p", "moka", "-y", "2025"))
    return url


@pytest.mark.parametrize("args", [
    ["review", "-p", "moka", "-y", "2025", "--out", "{tmp}/x.csv"],   # commands/review.py:126
    ["explain", "11003", "-p", "moka", "-y", "2025", "--out", "{tmp}/e.html"],  # commands/review.py:190
    ["report", "-p", "moka", "-y", "2025", "--out", "{tmp}/r.html"],  # commands/report.py:43
])
def test_a_written_file_is_said_in_english(moka25, tmp_path, args):
    said = _cli(moka25, *[a.format(tmp=tmp_path) for a in args], "--lang", "en")
    assert said.exit_code == 0, said.output
    english_only(said.stderr)  # today: "/tmp/.../x.csv に書き出しました。"


def test_certificate_says_what_it_wrote_in_english(moka25, tmp_path):
    said = _cli(moka25, "certificate", "-p", "moka", "-y", "2025", "--out", str(tmp_path), "--no-pdf", "--lang", "en")
    assert said.exit_code == 0, said.output
    english_only(said.stderr)  # today: "認定証 6 枚を ... に書き出しました（HTML 7 ファイル、PDF 0 ファイル）。"
    none = _cli(moka25, "certificate", "-p", "moka", "-y", "2025", "--staff", "11001", "--out", str(tmp_path),
                "--no-pdf", "--lang", "en")
    english_only(none.stderr)  # today: "職員 11001 はこの審査（実行番号 1）で新たに認定された区分はありません。…"
    missing = _cli(moka25, "certificate", "-p", "moka", "-y", "2025", "--out", str(tmp_path / "none"), "--lang", "en")
    assert missing.exit_code == 2
    english_only(missing.output)  # today: "--out …/none: そのフォルダがありません（先に作ってください）"


def test_badges_take_lang_and_nintei_lang(moka25, tmp_path):
    """README: every command that prints for people, badges among them, takes --lang and NINTEI_LANG."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    given = _cli(moka25, "badges", "-p", "moka", "-y", "2025", "--out", str(tmp_path / "a"), "--lang", "en")
    assert given.exit_code == 0, given.output  # today: exit 2, "No such option '--lang'"
    from_env = _cli(moka25, "badges", "-p", "moka", "-y", "2025", "--out", str(tmp_path / "b"), env={"NINTEI_LANG": "en"})
    assert from_env.exit_code == 0
    english_only(from_env.stderr, stored=("バッジ_", "受領者コード", "DXスペシャリスト", "DXエキスパート",
                                          "DXアドバイザー"))  # today: "オープンバッジ 6 件を … に書き出しました。"


def test_rules_lint_honours_nintei_lang():
    said = _cli("sqlite://", "rules", "lint", env={"NINTEI_LANG": "en"})
    assert said.exit_code == 0
    english_only(said.output)  # today: "問題はありません"


@pytest.mark.parametrize("args", [
    ["explain", "11001", "-p", "moka", "-y", "2023"],  # engine/review.py:241
    ["report", "-p", "moka", "-y", "2023", "--out", "{tmp}/r.html"],
    ["explain", "99999", "-p", "moka", "-y", "2025"],  # engine/review.py:244
])
def test_no_review_or_no_decision_said_in_english(moka25, tmp_path, args):
    said = _cli(moka25, *[a.format(tmp=tmp_path) for a in args], "--lang", "en")
    assert said.exit_code == 1
    english_only(said.output)  # today: "方針 moka の 2023年度の審査結果がありません: 先に …"


@pytest.mark.parametrize("args", [
    ["review", "-p", "mokaa", "-y", "2025"],  # engine/rulebook.py:24 "unknown policy 'mokaa' (policies: ...)"
    ["review", "-p", "moka", "-y", "2030"],   # engine/review.py:59 "no staff on the roster of fiscal year 2030: ..."
])
def test_japanese_by_default_for_an_unknown_policy_or_an_empty_roster(moka25, args):
    said = _cli(moka25, *args)
    assert said.exit_code == 1
    assert not re.search(r"\b(unknown|no staff)\b", said.output), said.output  # today: English in Japanese mode
    en = _cli(moka25, *args, "--lang", "en")
    english_only(en.output)  # today: "... import the 職員名簿 first"


def test_english_only_catches_japanese_punctuation():
    """tests/test_lang_en.JAPANESE misses full-width punctuation (（）、。「」): a Japanese template's
    brackets or commas left in English output pass the helper."""
    with pytest.raises(AssertionError):
        english_only("staff 11001（held）、run 2。")


def test_audit_verify_of_a_run_that_does_not_exist(moka25):
    said = _cli(moka25, "audit", "verify", "--run", "99", "--lang", "en")
    # today: exit 0, "The ledger is intact (the decisions of review run 99): ..., 0 review runs and 0 decisions."
    assert said.exit_code == 1 and "intact" not in said.output, said.output
