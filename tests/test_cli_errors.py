"""Bad input at the command line: a clear message, exit 1, nothing stored."""
from pathlib import Path

from click.testing import CliRunner

from cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "facts" / "samples" / "moka"


def test_a_bad_row_rejects_the_whole_import(tmp_path):
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "staff.csv").write_text("職員番号,年度,氏名,所属,職級\nA1,2025,山田 花子,総務課,主事\n"
                                     "A2,2025,田中 一郎,総務課,社長\n", encoding="utf-8")
    (facts / "evaluations.csv").write_text(
        "年度,プロジェクト番号,評価区分,観点,評価者,評価者区分,被評価者,評価点\n"
        "2025,P1,報告会,政策的観点,E1,幹部職員,,7.5\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path}/n.db"
    r = CliRunner().invoke(main, ["--db", db, "import", str(facts)])
    assert r.exit_code == 1
    assert "staff.csv:3: 職級:" in r.stderr
    assert "evaluations.csv:2: 評価点:" in r.stderr
    r = CliRunner().invoke(main, ["--db", db, "review", "--policy", "moka", "--fiscal-year", "2025"])
    # nothing was stored, not even the database the import had opened
    assert r.exit_code == 1 and "n.db がありません" in r.stderr and not (tmp_path / "n.db").exists()


def test_unknown_policy_and_unknown_staff_exit_1(tmp_path):
    db = f"sqlite:///{tmp_path}/n.db"
    runner = CliRunner()
    r = runner.invoke(main, ["--db", db, "review", "--policy", "mooka", "--fiscal-year", "2025",
                             "--facts", str(SAMPLES)])
    assert r.exit_code == 1 and "mooka" in r.stderr and "moka" in r.stderr
    assert runner.invoke(main, ["--db", db, "review", "--policy", "moka", "--fiscal-year", "2025"]).exit_code == 0
    r = runner.invoke(main, ["--db", db, "explain", "99999", "--policy", "moka", "--fiscal-year", "2025"])
    assert r.exit_code == 1 and "職員 99999 の判定は" in r.stderr and "職員名簿にいない" in r.stderr
    r = runner.invoke(main, ["--db", db, "explain", "11001", "--policy", "moka", "--fiscal-year", "2026"])
    assert r.exit_code == 1 and "2026年度の審査結果がありません" in r.stderr and "nintei review" in r.stderr


def test_a_command_run_in_another_folder_than_the_review_says_so_and_creates_no_database(tmp_path, monkeypatch):
    """The default database is nintei.db in the working folder: a clerk or auditor in the wrong
    folder must hear that there is no database there, not get an empty one (where `audit verify`
    would call the empty ledger intact)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NINTEI_DB", raising=False)
    (tmp_path / "out").mkdir()
    runner = CliRunner()
    for args in (["explain", "11001", "-p", "moka", "-y", "R7"], ["audit", "verify"], ["runs"],
                 ["history", "11001"], ["report", "-p", "moka", "-y", "R7", "--out", "r.html"],
                 ["certificate", "-p", "moka", "-y", "R7", "--out", "out"], ["badges", "-p", "moka", "-y", "R7", "--out", "out"],
                 ["review", "-p", "moka", "-y", "R7"], ["audit", "replay", "1"], ["diff", "1", "2"],
                 ["revoke", "11001", "-p", "moka", "-c", "dx_advisor", "--reason", "x"]):
        r = runner.invoke(main, args)
        assert r.exit_code == 1, (args, r.output)
        assert f"データベース {tmp_path / 'nintei.db'} がありません" in r.stderr and "--db" in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.output
        assert not (tmp_path / "nintei.db").exists(), args
    r = runner.invoke(main, ["review", "-p", "moka", "-y", "R7", "--facts", str(SAMPLES)])
    assert r.exit_code == 0 and (tmp_path / "nintei.db").exists()
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0


def test_a_first_import_rejected_whole_leaves_no_database_behind(tmp_path, monkeypatch):
    """Nothing stored, not even an empty database (whose empty ledger would then verify)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NINTEI_DB", raising=False)
    (tmp_path / "職員名簿.csv").write_text("職員番号,年度,氏名,所属,職級\nA1,2025,山田 花子,総務課,社長\n", encoding="utf-8")
    runner = CliRunner()
    for args in (["import", "職員名簿.csv"], ["review", "-p", "moka", "-y", "R7", "--facts", "職員名簿.csv"]):
        r = runner.invoke(main, args)
        assert r.exit_code == 1 and "職員名簿.csv:2: 職級" in r.stderr, r.output
        assert not list(tmp_path.glob("nintei.db*")), args
        r = runner.invoke(main, ["audit", "verify"])
        assert r.exit_code == 1 and "がありません" in r.stderr
    # an existing database is never removed by a failed import
    assert runner.invoke(main, ["import", str(SAMPLES)]).exit_code == 0
    assert runner.invoke(main, ["import", "職員名簿.csv"]).exit_code == 1
    assert (tmp_path / "nintei.db").exists() and runner.invoke(main, ["audit", "verify"]).exit_code == 0


def test_read_only_uri_and_home_relative_sqlite_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    r = runner.invoke(main, ["--db", "sqlite:///~/n.db", "import", str(SAMPLES)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "n.db").exists() and not (tmp_path / "~").exists()
    assert runner.invoke(main, ["--db", "sqlite:///~/n.db", "runs"]).exit_code == 0
    # the auditor's read-only URL: SQLite opens it, nintei does not second-guess it
    r = runner.invoke(main, ["--db", f"sqlite:///file:{tmp_path / 'n.db'}?mode=ro&uri=true", "audit", "verify"])
    assert r.exit_code == 0 and "台帳は完全です" in r.output, r.output
