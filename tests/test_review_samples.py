"""Every policy's review of its bundled samples (facts/samples/<policy>/, fiscal year 2025) against
the outcomes worked out by hand from policies.md (tests/data/<policy>_samples_expected.csv)."""
import csv
from pathlib import Path

import pytest

from engine.review import run_review
from engine.rulebook import load_rulebook
from facts.db import get_engine, init_db
from facts.importer import import_paths

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ["moka", "goka", "oyama", "tarumizu", "kakamigahara"]


@pytest.mark.parametrize("policy", POLICIES)
def test_samples_review_matches_the_hand_worked_outcomes(policy, tmp_path):
    expected = list(csv.DictReader((ROOT / "tests" / "data" / f"{policy}_samples_expected.csv").open(encoding="utf-8")))
    db = get_engine(f"sqlite:///{tmp_path}/n.db")
    init_db(db)
    import_paths(db, [ROOT / "facts" / "samples" / policy], catalogues=load_rulebook().catalogues())
    result = run_review(db, policy, 2025)
    got = {(d.staff_id, d.certification): d.outcome for d in result.decisions}
    assert len(got) == len(expected)
    wrong = [(e["staff_id"], e["certification"], e["outcome"], got.get((e["staff_id"], e["certification"])), e["reason"])
             for e in expected if got.get((e["staff_id"], e["certification"])) != e["outcome"]]
    assert wrong == []
    outcomes = {d.outcome for d in result.decisions}
    assert {"certified", "not_certified"} <= outcomes  # the samples show both sides of every policy


def test_rules_list_names_all_five_policies():
    from click.testing import CliRunner

    from cli import main

    r = CliRunner().invoke(main, ["rules", "list"])
    assert r.exit_code == 0, r.output
    for policy, label in [("moka", "真岡市"), ("goka", "五霞町"), ("oyama", "小山市"), ("tarumizu", "垂水市"),
                          ("kakamigahara", "各務原市")]:
        assert f"{policy}  {label}" in r.output
