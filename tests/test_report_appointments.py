"""Tarumizu's 育成目標数 against appointments and certifications (policies.md, tarumizu): the
leader and promoter targets count the staff newly appointed to DX推進リーダー / DX推進員 that year
(the first fiscal year they hold the role) and the staff the review newly certified as candidates,
a person once; the advisor target counts new dx_advisor certifications. The report shows both
sources (任命, 認定).

The expected figures are worked out here from the fact files themselves (role rows read with the
csv module, fiscal years parsed by hand) and from tests/data/tarumizu_samples_expected.csv, never
from the report code."""
from __future__ import annotations

import csv
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.test_review_outputs import SAMPLES, expected

ROLE = {"DX推進リーダー": "dx_leader", "dx_leader": "dx_leader", "DX推進員": "dx_promoter", "dx_promoter": "dx_promoter"}
# appointments added to the samples: 31017 and 31014 are also certified candidates in 2025 (counted
# once), 31026 is new, 31009 held the role in 2024 and 31001 in 2022 (neither is new in 2025)
EXTRA = """職員番号,年度,役割,任命者,任命日
31017,2025,DX推進員,DX推進本部長,2025-04-01
31026,2025,DX推進員,DX推進本部長,2025-04-01
31009,2025,DX推進員,DX推進本部長,2025-04-01
31014,2025,DX推進リーダー,DX推進本部長,2025-04-01
31001,2025,DX推進リーダー,DX推進本部長,2025-04-01
"""


def fiscal_year(text: str) -> int:
    text = unicodedata.normalize("NFKC", text).strip()
    if m := re.fullmatch(r"(?:令和|R)(\d+)(?:年度)?", text):
        return 2018 + int(m.group(1))
    return int(text)


def new_appointments(folder: Path) -> dict[tuple[int, str], set[str]]:
    """(year, role) -> the staff whose first year in that role it is, from every role file."""
    first: dict[tuple[str, str], int] = {}
    for path in folder.glob("役割*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                role = ROLE.get(row["役割"])
                if role:
                    key = (role, row["職員番号"])
                    first[key] = min(first.get(key, 9999), fiscal_year(row["年度"]))
    out: dict[tuple[int, str], set[str]] = {}
    for (role, staff), year in first.items():
        out.setdefault((year, role), set()).add(staff)
    return out


def certified(cert: str) -> set[str]:
    return {e["staff_id"] for e in expected("tarumizu") if e["certification"] == cert and e["outcome"] == "certified"}


def sheet(path: Path, title: str) -> list[dict]:
    from openpyxl import load_workbook

    rows = list(load_workbook(path)[title].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """The samples with the extra appointments, reviewed for 2025 and then 2024, and the 2025
    report in both formats and both languages."""
    folder = tmp_path_factory.mktemp("tarumizu")
    facts = folder / "facts"
    shutil.copytree(SAMPLES / "tarumizu", facts)
    (facts / "役割_追加.csv").write_text(EXTRA, encoding="utf-8")
    db = f"sqlite:///{folder / 'n.db'}"
    runner = CliRunner()
    r = runner.invoke(main, ["--db", db, "review", "-p", "tarumizu", "-y", "2025", "--facts", str(facts),
                             "--format", "json"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--db", db, "review", "-p", "tarumizu", "-y", "2024", "--format", "json"])
    assert r.exit_code == 0, r.output
    granted_2024 = {(d["certification"], d["staff_id"]) for d in json.loads(r.stdout)["decisions"]
                    if d["outcome"] == "certified"}
    for name, lang in (("報告書", "ja"), ("report", "en")):
        for suffix in ("xlsx", "html"):
            r = runner.invoke(main, ["--db", db, "report", "-p", "tarumizu", "-y", "2025", "--lang", lang,
                                     "--out", str(folder / f"{name}.{suffix}")])
            assert r.exit_code == 0, r.output
    return folder, facts, granted_2024


def test_the_samples_2025_leader_and_promoter_targets_count_appointments_too(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    db = f"sqlite:///{folder / 'n.db'}"
    r = CliRunner().invoke(main, ["--db", db, "review", "-p", "tarumizu", "-y", "R7", "--facts",
                                  str(SAMPLES / "tarumizu"), "--format", "json"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["--db", db, "report", "-p", "tarumizu", "-y", "R7", "--out", str(folder / "r.xlsx")])
    assert r.exit_code == 0, r.output
    rows = {r["認定区分"]: r for r in sheet(folder / "r.xlsx", "目標と実績") if r["年度"] == 2025}
    appointed = new_appointments(SAMPLES / "tarumizu")
    assert appointed[2025, "dx_leader"] == {"31006"} and (2025, "dx_promoter") not in appointed  # README: 31006
    leader = rows["DX推進リーダー推薦候補"]
    assert (leader["目標"], leader["任命"], leader["認定"]) == (3, 1, len(certified("dx_leader_candidate")))
    assert leader["実績"] == len({"31006"} | certified("dx_leader_candidate"))
    assert leader["達成率(%)"] == round(100 * leader["実績"] / 3, 1)
    promoter = rows["DX推進員推薦候補"]
    assert (promoter["任命"], promoter["認定"], promoter["実績"]) == (0, 4, 4) == (
        0, len(certified("dx_promoter_candidate")), len(certified("dx_promoter_candidate")))
    assert leader["数え方"] == promoter["数え方"] == "その年度の新たな任命・認定の数（同じ職員は1人と数える）"
    advisor = rows["DX推進アドバイザー（認定）"]
    assert (advisor["任命"], advisor["認定"], advisor["実績"]) == (None, 3, len(certified("dx_advisor")))
    assert advisor["数え方"] == "その年度の新たな認定数"


@pytest.mark.parametrize("cert,role,label,extra", [
    ("dx_leader_candidate", "dx_leader", "DX推進リーダー推薦候補", {"31014"}),
    ("dx_promoter_candidate", "dx_promoter", "DX推進員推薦候補", {"31017", "31026"})])
def test_new_appointments_counted_once_a_person_and_only_in_the_first_year(reported, cert, role, label, extra):
    folder, facts, _ = reported
    appointed = new_appointments(facts)[2025, role]
    assert extra <= appointed  # the extra rows are read
    assert not appointed & {"31009", "31001"}  # held the role in an earlier year
    rows = {(r["年度"], r["認定区分"]): r for r in sheet(folder / "報告書.xlsx", "目標と実績")}
    r = rows[2025, label]
    both = appointed & certified(cert)
    assert both, "the extra rows make someone both appointed and certified"
    assert (r["任命"], r["認定"]) == (len(appointed), len(certified(cert)))
    assert r["実績"] == len(appointed | certified(cert)) == r["任命"] + r["認定"] - len(both)


def test_an_earlier_year_reviewed_counts_its_own_appointments(reported):
    folder, facts, granted_2024 = reported
    appointed = new_appointments(facts)
    rows = {(r["年度"], r["認定区分"]): r for r in sheet(folder / "報告書.xlsx", "目標と実績")}
    for cert, role, label in (("dx_leader_candidate", "dx_leader", "DX推進リーダー推薦候補"),
                              ("dx_promoter_candidate", "dx_promoter", "DX推進員推薦候補")):
        r = rows[2024, label]  # reviewed, no target that year
        new = appointed.get((2024, role), set())
        grants = {s for c, s in granted_2024 if c == cert}
        assert (r["目標"], r["任命"], r["認定"], r["実績"]) == (None, len(new), len(grants), len(new | grants))
    assert appointed[2024, "dx_promoter"] == {"31009", "31014", "31024"} and appointed[2024, "dx_leader"] == {"31004"}


def test_both_sources_are_on_the_page_and_in_english(reported):
    folder, facts, _ = reported
    leader = len(new_appointments(facts)[2025, "dx_leader"])
    page = (folder / "報告書.html").read_text(encoding="utf-8")
    assert "<th>任命</th><th>認定</th>" in page
    assert re.search(rf"<title>2025年度 実績 \d+（任命 {leader}・認定 {len(certified('dx_leader_candidate'))}）</title>",
                     page)
    rows = {(r["Fiscal year"], r["Certification"]): r for r in sheet(folder / "report.xlsx", "Targets and actuals")}
    r = rows[2025, "DX Leader candidate"]
    assert (r["Appointed"], r["Certified"]) == (leader, len(certified("dx_leader_candidate")))
    assert r["Counted as"] == "new appointments and certifications in the year (a person counted once)"
    en = (folder / "report.html").read_text(encoding="utf-8")
    assert "Leader and promoter: staff appointed to the role for the first time" in en  # the rule file's note_en
