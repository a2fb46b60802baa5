"""``nintei rules impact``: a draft rule file judged on the facts of the stored current review.

The independent check: the samples are imported into a second SQLite file, the earlier year is
reviewed there with the rules in force and the year itself with the draft, for real; the decisions
that differ between the two databases' current reviews are exactly the changes impact reports, and
its counts after the edit are that review's counts. Impact stores nothing (rows counted before and
after)."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.impact import impact, load_draft
from engine.results import records_missing
from engine.review import stored_decisions
from facts.db import get_engine

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("review_run", "review_decision", "review_judgement", "ledger_entry", "review_override",
          "certification_revocation", "fact_row", "import_batch")


def _edit(policy: str, old: str, new: str, after: str = "") -> str:
    """The policy's rule file with the first ``old`` (after ``after``) replaced by ``new``."""
    text = (ROOT / "rules" / f"{policy}.yaml").read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old):]


# (policy, years reviewed before the one judged, the year, the draft's edit)
CASES = {
    "moka_report_threshold": ("moka", [], 2025, ("value: 3.5", "value: 3.7", "report_threshold:")),
    "moka_member_threshold": ("moka", [2024], 2025, ("value: 3.5", "value: 3.3", "member_threshold:")),
    # Tarumizu's advisors must now also complete EBPM (○ 推奨 -> ● 必須 in the advisor column)
    "tarumizu_required_course": ("tarumizu", [], 2025, ("ebpm:               [-, ○,", "ebpm:               [-, ●,", "")),
}


def _cli(url: str, *args: str, rules: Path | None = None):
    env = {"NINTEI_RULES_DIR": str(rules)} if rules else None
    return CliRunner().invoke(main, ["--db", url, *args], env=env)


def _reviewed(path: Path, policy: str, earlier: list[int], year: int, rules: Path | None = None) -> str:
    """A real SQLite file with the policy's samples imported and reviewed (``rules``: the year
    itself reviewed with the rule folder ``rules``; the earlier years always with the rules in force)."""
    url = f"sqlite:///{path}"
    assert _cli(url, "import", str(ROOT / "facts" / "samples" / policy)).exit_code == 0
    for y in earlier:
        assert _cli(url, "review", "-p", policy, "-y", str(y), "--format", "json").exit_code == 0
    r = _cli(url, "review", "-p", policy, "-y", str(year), "--format", "json", rules=rules)
    assert r.exit_code == 0, r.output
    return url


def _draft(tmp_path: Path, case: str) -> Path:
    policy, _, _, (old, new, after) = CASES[case]
    folder = tmp_path / "下書き"
    folder.mkdir(exist_ok=True)
    path = folder / f"{policy}.yaml"
    path.write_text(_edit(policy, old, new, after), encoding="utf-8")
    return path


def _outcomes(url: str, policy: str, year: int) -> dict[tuple[str, str], str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return {(s, c): o for s, c, o in conn.execute(
            "select d.staff_id, d.certification, d.outcome from review_decision d join review_run r on r.id = d.run_id"
            " where r.current and r.policy = ? and r.fiscal_year = ?", (policy, year))}


def _rows(url: str) -> dict[str, int]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


def _json(url: str, *args: str) -> dict:
    r = _cli(url, "rules", "impact", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.mark.parametrize("case", list(CASES))
def test_the_changes_are_those_a_real_review_of_the_draft_makes(tmp_path, case):
    policy, earlier, year, _ = CASES[case]
    url = _reviewed(tmp_path / "current.db", policy, earlier, year)
    draft = _draft(tmp_path, case)
    real = _reviewed(tmp_path / "draft.db", policy, earlier, year, rules=draft.parent)
    before, after = _outcomes(url, policy, year), _outcomes(real, policy, year)
    expected = {(s, c, before[s, c], after[s, c]) for s, c in before if before[s, c] != after[s, c]}
    assert expected, "the edit must change someone's outcome, or this test could not fail"

    stored = _rows(url)
    doc = _json(url, str(draft), "--fiscal-year", str(year))
    assert _rows(url) == stored  # no run, decision, judgement, ledger entry, fact
    assert {(c["staff_id"], c["certification"], c["before"], c["after"]) for c in doc["changes"]} == expected
    assert all(c["conditions"] for c in doc["changes"])  # each names the conditions that changed

    decisions = stored_decisions(get_engine(real), policy, year)
    for cert, sides in doc["counts"].items():
        mine = [d for d in decisions if d.certification == cert]
        for outcome in ("certified", "held", "not_certified"):
            assert sides["after"][outcome] == sum(d.outcome == outcome for d in mine), (cert, outcome)
            assert sides["before"][outcome] == sum(o == outcome for (_, c), o in before.items() if c == cert)
        assert sides["after"]["records_missing"] == sum(map(records_missing, mine)), cert


def test_the_conditions_show_their_figures_and_the_parameters_that_differ(tmp_path):
    url = _reviewed(tmp_path / "current.db", "moka", [], 2025)
    draft = _draft(tmp_path, "moka_report_threshold")
    r = _cli(url, "rules", "impact", str(draft), "--fiscal-year", "令和7年度")
    assert r.exit_code == 0, r.output
    assert "報告会評価の基準点（report_threshold）: 3.5 -> 3.7" in r.output
    assert "何も保存していません" in r.output
    # 11007's only advisor project scored 3.67: met at 3.5, short by 0.03 at 3.7 (the samples' figures)
    line = next(x for x in r.output.splitlines() if x.lstrip().startswith("11007 "))
    assert "DXアドバイザー: 認定 -> 非認定" in line and "山本 拓也" in line and "総務部 税務課" in line
    assert "満たさなくなった: " in r.output and "報告会評価 3.67 < 3.70（0.03 不足）" in r.output
    assert re.search(r"DXアドバイザー\s+20 -> 17", r.output)

    en = _cli(url, "rules", "impact", str(draft), "--fiscal-year", "R7", "--lang", "en")
    assert en.exit_code == 0, en.output
    assert "report-meeting score threshold (report_threshold): 3.5 -> 3.7" in en.output
    assert "DX Advisor: certified -> not certified" in en.output
    assert "no longer met: " in en.output and "report score 3.67 < 3.70 (short by 0.03)" in en.output
    assert "Nothing was stored" in en.output and "Counts (before -> after)" in en.output
    assert "certification  certified  held  not certified  of which records missing" in en.output


def test_json_and_csv_shapes(tmp_path):
    url = _reviewed(tmp_path / "current.db", "moka", [2024], 2025)
    draft = _draft(tmp_path, "moka_member_threshold")
    doc = _json(url, str(draft), "-y", "2025")
    assert {"policy", "fiscal_year", "run", "rules_version_before", "rules_version_after", "parameters_changed",
            "changes", "counts"} <= set(doc)
    assert (doc["policy"], doc["fiscal_year"]) == ("moka", 2025)
    assert doc["rules_version_before"] != doc["rules_version_after"] and len(doc["rules_version_after"]) == 64
    assert [(p["name"], p["before"], p["after"]) for p in doc["parameters_changed"]] == [("member_threshold", 3.5, 3.3)]
    change = doc["changes"][0]
    assert {"staff_id", "certification", "before", "after", "conditions"} <= set(change)
    assert set(change["conditions"][0]) >= {"description", "met_before", "met_after"}
    assert any("メンバー評価 3.40 ≥ 3.30" in k["description"] and k["met_before"] is False and k["met_after"] is True
               for c in doc["changes"] for k in c["conditions"])
    assert set(doc["counts"]) == {"dx_advisor", "dx_expert", "dx_specialist"}
    assert set(doc["counts"]["dx_expert"]["before"]) == {"certified", "held", "not_certified", "records_missing"}

    out = tmp_path / "影響.csv"
    r = _cli(url, "rules", "impact", str(draft), "-y", "2025", "--out", str(out))
    assert r.exit_code == 0, r.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["職員番号", "氏名", "所属", "認定区分ID", "認定区分", "変更前", "変更後", "変わった条件"]
    assert len(rows) - 1 == len(doc["changes"])
    assert {(x[0], x[3], x[5], x[6]) for x in rows[1:]} == {
        (c["staff_id"], c["certification"], "非認定", "認定") for c in doc["changes"]}
    en = _cli(url, "rules", "impact", str(draft), "-y", "2025", "--format", "csv", "--lang", "en")
    rows = list(csv.reader(io.StringIO(en.stdout.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["staff_id", "staff_name", "department"] and rows[1][5:7] == ["not_certified", "certified"]


def test_no_change_is_said_plainly(tmp_path):
    url = _reviewed(tmp_path / "current.db", "moka", [], 2025)
    folder = tmp_path / "同じ"
    folder.mkdir()
    (folder / "moka.yaml").write_text(_edit("moka", "label: {ja: DXアドバイザー", "label: {ja: DXアドバイザー（案）"),
                                      encoding="utf-8")
    r = _cli(url, "rules", "impact", str(folder), "-y", "2025")
    assert r.exit_code == 0, r.output
    assert "結果が変わる判定はありません（職員 30 人、判定 90 件）。" in r.output
    assert "パラメータの値は同じです" in r.output
    same = _cli(url, "rules", "impact", str(ROOT / "rules" / "moka.yaml"), "-y", "2025")
    assert same.exit_code == 0 and "下書きは審査 run 1 が使った規則ファイルと同じです。" in same.output
    assert _json(url, str(folder / "moka.yaml"), "-y", "2025")["changes"] == []


def test_no_stored_review_names_the_command_to_run_first(tmp_path):
    url = f"sqlite:///{tmp_path / 'n.db'}"
    assert _cli(url, "import", str(ROOT / "facts" / "samples" / "moka")).exit_code == 0
    r = _cli(url, "rules", "impact", str(ROOT / "rules" / "moka.yaml"), "-y", "令和7年度")
    assert r.exit_code == 1
    assert "`nintei review --policy moka --fiscal-year 2025` を実行してください" in r.output
    assert "Traceback" not in r.output
    en = _cli(url, "rules", "impact", str(ROOT / "rules" / "moka.yaml"), "-y", "R7", "--lang", "en")
    assert en.exit_code == 1 and "Run `nintei review --policy moka --fiscal-year 2025` first" in en.output


def test_a_bad_draft_is_reported_as_rules_lint_reports_it(tmp_path):
    url = _reviewed(tmp_path / "current.db", "moka", [], 2025)
    bad = tmp_path / "moka.yaml"
    bad.write_text(_edit("moka", "validity: permanent", "validity: forever"), encoding="utf-8")
    stored = _rows(url)
    r = _cli(url, "rules", "impact", str(bad), "-y", "2025")
    lint = CliRunner().invoke(main, ["rules", "lint", str(bad)])
    assert r.exit_code == 1 and lint.exit_code == 1
    errors = [x for x in lint.output.splitlines() if ": error: " in x]
    assert errors and [x for x in r.output.splitlines() if ": error: " in x] == errors
    assert re.search(r"moka\.yaml:\d+:\d+: error: certification 'dx_advisor': validity must be", r.output)
    assert _rows(url) == stored and "Traceback" not in r.output


def test_a_draft_saved_as_shift_jis_is_a_located_problem(tmp_path):
    """A Windows editor's Shift_JIS: the line and column of the first byte that is not UTF-8 (it
    was a UnicodeDecodeError traceback in `rules lint` and in every load of the rules)."""
    url = _reviewed(tmp_path / "current.db", "moka", [], 2025)
    draft = tmp_path / "moka.yaml"
    draft.write_bytes((ROOT / "rules" / "moka.yaml").read_text(encoding="utf-8").encode("cp932", "replace"))
    for args in (["--db", url, "rules", "impact", str(draft), "-y", "2025"], ["rules", "lint", str(draft)]):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 1 and (r.exception is None or isinstance(r.exception, SystemExit)), r.output
        assert re.search(r"moka\.yaml:1:3: error: not UTF-8 text \(byte 0x[0-9a-f]{2}\): save the rule file as UTF-8",
                         r.output), r.output


def test_a_folder_of_several_policies_needs_policy(tmp_path):
    url = _reviewed(tmp_path / "current.db", "moka", [], 2025)
    r = _cli(url, "rules", "impact", str(ROOT / "rules"), "-y", "2025")
    assert r.exit_code == 1 and "--policy で一つ選んでください" in r.output
    r = _cli(url, "rules", "impact", str(ROOT / "rules"), "-y", "2025", "--policy", "moka")
    assert r.exit_code == 0 and "下書きは審査 run 1 が使った規則ファイルと同じです。" in r.output
    r = _cli(url, "rules", "impact", str(ROOT / "rules" / "moka.yaml"), "-y", "2025", "--policy", "goka")
    assert r.exit_code == 1 and "方針 goka の規則ファイルがありません" in r.output


def test_facts_imported_after_the_review_are_left_out_and_said(tmp_path):
    url = _reviewed(tmp_path / "current.db", "moka", [], 2025)
    late = tmp_path / "追加"
    late.mkdir()
    (late / "職員名簿.csv").write_text("職員番号,年度,氏名,所属,職級\n19999,2025,後日 追加,総務部 総務課,主事\n",
                                     encoding="utf-8")
    assert _cli(url, "import", str(late)).exit_code == 0
    r = _cli(url, "rules", "impact", str(ROOT / "rules" / "moka.yaml"), "-y", "2025")
    assert r.exit_code == 0, r.output
    assert "職員 30 人" in r.output and "この審査のあとに取り込まれた事実 1 行は含みません" in r.output


def test_workers_judge_in_chunks_alike(tmp_path):
    url = _reviewed(tmp_path / "current.db", "moka", [], 2025)
    draft = load_draft(_draft(tmp_path, "moka_report_threshold"))
    db = get_engine(url)
    one = impact(db, draft, 2025, workers=1)
    many = impact(db, draft, 2025, workers=2, chunk_size=7)  # five chunks, forked workers
    assert many.staff == one.staff == 30 and many.counts == one.counts
    assert [(c.staff_id, c.certification, c.before, c.after, c.conditions) for c in many.changes] == \
           [(c.staff_id, c.certification, c.before, c.after, c.conditions) for c in one.changes]
    assert one.changes


def test_two_rule_files_of_one_shape_judge_alike_in_one_process(tmp_path):
    """A draft that differs from the rules in force in its words only compiles to the same
    durable_rules shape; each must still record its own firings (it had the first one's name)."""
    from engine.compile import compile_policy
    from engine.rulefile import load_rule_file

    (tmp_path / "moka.yaml").write_text(_edit("moka", "label: {ja: DXアドバイザー", "label: {ja: DXアドバイザー（案）"),
                                        encoding="utf-8")
    first = compile_policy(load_rule_file(ROOT / "rules" / "moka.yaml"), 2025)
    second = compile_policy(load_rule_file(tmp_path / "moka.yaml"), 2025)
    assert first.definition_json == second.definition_json and first.name != second.name


def test_a_course_made_required_shows_its_cell_and_the_new_condition(tmp_path):
    url = _reviewed(tmp_path / "current.db", "tarumizu", [], 2025)
    r = _cli(url, "rules", "impact", str(_draft(tmp_path, "tarumizu_required_course")), "-y", "令和7年度")
    assert r.exit_code == 0, r.output
    assert "（course_matrix）: ebpm.advisor: ○ -> ●\n" in r.output  # the cell, not the whole table
    assert "DX推進アドバイザー（認定）: 認定 -> 非認定" in r.output
    assert "新しい条件（満たさない）: 「EBPM研修」を修了している: 研修受講: 該当する記録なし" in r.output


# From the second reader's review: the stored review's grants out of date, facts of later years,
# --out naming the draft.
def test_a_revocation_recorded_after_the_review_is_named_as_left_out(tmp_path):
    """11007 held DX Advisor from the 2024 review (report score 3.67). After the 2025 review a
    reviewer revokes it, effective 令和7年10月1日 (FY2025). A real review of 2025 with the draft
    (threshold 3.7) now decides not_certified; impact says nothing changes and gives no notice that
    the stored review's grants are out of date."""
    url = _reviewed(tmp_path / "current.db", "moka", [2024], 2025)
    assert _outcomes(url, "moka", 2025)["11007", "dx_advisor"] == "held"
    r = _cli(url, "revoke", "11007", "-p", "moka", "-c", "dx_advisor", "--reason", "テスト", "--by", "r2",
             "--date", "令和7年10月1日")
    assert r.exit_code == 0, r.output
    draft = _draft(tmp_path, "moka_report_threshold")

    real_db = tmp_path / "real.db"
    shutil.copy(tmp_path / "current.db", real_db)
    real = f"sqlite:///{real_db}"
    assert _cli(real, "review", "-p", "moka", "-y", "2025", "--format", "json", rules=draft.parent).exit_code == 0
    assert _outcomes(real, "moka", 2025)["11007", "dx_advisor"] == "not_certified"  # what adopting it decides

    doc = json.loads(_cli(url, "rules", "impact", str(draft), "-y", "2025", "--format", "json").stdout)
    text = _cli(url, "rules", "impact", str(draft), "-y", "2025").output
    shown = {(c["staff_id"], c["certification"]): c["after"] for c in doc["changes"]}
    # the comparison is with the stored review (held), and it says what it leaves out
    assert shown.get(("11007", "dx_advisor")) is None and doc["recorded_after_run"] == {"revocations": 1}
    assert "この審査のあとに記録された取消 1 件は、既認定（前の年度までの認定）として含みません" in text, text
    english = _cli(url, "rules", "impact", str(draft), "-y", "2025", "--lang", "en").output
    assert "1 revocation(s) recorded after this review are not read as earlier grants" in english, english


def test_facts_of_a_later_fiscal_year_are_no_reason_to_review_again(tmp_path):
    """A 2025 review never reads facts of 2026 (docs/rules.md: every fact is of years up to the
    review year), yet importing next year's roster makes impact say 2025's facts were left out."""
    url = _reviewed(tmp_path / "current.db", "moka", [], 2025)
    late = tmp_path / "令和8年度"
    late.mkdir()
    (late / "職員名簿.csv").write_text("職員番号,年度,氏名,所属,職級\n19998,2026,後日 太郎,総務部 総務課,主事\n",
                                     encoding="utf-8")
    assert _cli(url, "import", str(late)).exit_code == 0
    r = _cli(url, "rules", "impact", str(_draft(tmp_path, "moka_report_threshold")), "-y", "2025")
    assert r.exit_code == 0, r.output
    assert "この審査のあとに取り込まれた事実" not in r.output, r.output


def test_out_never_overwrites_the_draft_it_reads(tmp_path):
    """--out is refused for the database; the draft (the policy writer's own work) is overwritten
    with the report without a word."""
    url = _reviewed(tmp_path / "current.db", "moka", [], 2025)
    draft = _draft(tmp_path, "moka_report_threshold")
    text = draft.read_text(encoding="utf-8")
    r = _cli(url, "rules", "impact", str(draft), "-y", "2025", "--format", "json", "--out", str(draft))
    assert draft.read_text(encoding="utf-8") == text, "the draft was replaced by the report"
    assert r.exit_code == 2 and "下書き" in r.output, r.output


def test_a_renamed_certification_is_told_apart_from_the_old_one(tmp_path):
    """A draft renaming dx_specialist keeps its label: the two rows (the old id going, the new one
    coming) carry their ids. (From the second reader's review.)"""
    url = _reviewed(tmp_path / "current.db", "moka", [], 2025)
    folder = tmp_path / "下書き"
    folder.mkdir()
    (folder / "moka.yaml").write_text(_edit("moka", "  dx_specialist:", "  dx_spec2:"), encoding="utf-8")
    r = _cli(url, "rules", "impact", str(folder / "moka.yaml"), "-y", "2025")
    assert r.exit_code == 0, r.output
    assert "DXスペシャリスト（dx_spec2）: なし -> 非認定" in r.output, r.output
    assert "DXスペシャリスト（dx_specialist）: " in r.output and "DXスペシャリスト: " not in r.output
