"""bench/generate.py: synthetic populations import cleanly, are deterministic per seed, and reach
both outcomes of every certification a population of ~150 staff can reach."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from engine.review import run_review
from engine.rulebook import load_rulebook
from facts.db import get_engine, init_db
from facts.importer import import_paths

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

STAFF, SEED = 150, 20250401
# certifications that a population this small may miss on some seeds: printed, not asserted
RARE = {"moka": {"dx_specialist"}, "goka": {"dx_leader_l4", "dx_leader_l5", "dx_office_l5"}}


def _db(folder: Path):
    engine = get_engine(f"sqlite:///{folder / 'nintei.db'}")
    init_db(engine)
    return engine


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("policy", gen.POLICIES)
def test_population_imports_and_reviews(policy, tmp_path, tmp_path_factory):
    facts = tmp_path / "facts"
    counts = gen.generate(policy, STAFF, SEED, facts)
    assert counts["staff"] >= STAFF * 3  # one row per staff member per year on the roster
    assert set(counts) >= {"staff", "certification"} and all(n > 0 for n in counts.values())

    again = tmp_path / "again"
    assert gen.generate(policy, STAFF, SEED, again) == counts
    assert _files(again) == _files(facts), "same seed, different bytes"
    gen.generate(policy, STAFF, SEED + 1, tmp_path / "other")
    assert _files(tmp_path / "other") != _files(facts)

    db = _db(tmp_path_factory.mktemp("db"))
    report = import_paths(db, [facts], catalogues=load_rulebook().catalogues())
    assert {t: c.new for t, c in report.counts.items()} == counts
    assert not report.conflicts

    result = run_review(db, policy, 2025)
    outcomes = result.counts()
    assert sorted(outcomes) == sorted(c.id for c in load_rulebook().policy(policy).certifications)
    missing = {c: o for c, o in outcomes.items() if not (o.get("certified") and o.get("not_certified"))}
    for cert, o in missing.items():
        print(f"{policy}: {cert} never reaches both outcomes at {STAFF} staff (seed {SEED}): {o}")
    assert not set(missing) - RARE.get(policy, set()), missing


def test_unknown_columns_are_ignored(tmp_path, tmp_path_factory):
    facts = tmp_path / "facts"
    counts = gen.generate("oyama", 40, SEED, facts)  # the roster carries a 備考 column
    report = import_paths(_db(tmp_path_factory.mktemp("db")), [facts], catalogues=load_rulebook().catalogues())
    assert report.counts["staff"].new == counts["staff"]


def test_cli(tmp_path, capsys):
    assert gen.main(["--policy", "tarumizu", "--staff", "20", "--seed", "5", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "seed 5" in out and "staff" in out
    assert (tmp_path / "職員名簿.csv").read_bytes().decode("cp932").startswith("職員番号,年度")
    assert (tmp_path / "役割.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_strangers_view_is_the_list_it_replaces():
    """Moka's non-members are drawn from a view (bench/population/moka.py ``_Without``): the same
    length and the same element at every index as the list it stands for, so the same draws."""
    import random

    from bench.population.moka import _Without

    rng = random.Random(3)
    for _ in range(200):
        items = [object() for _ in range(rng.randint(0, 30))]
        items += rng.sample(items, min(len(items), rng.randint(0, 3)))  # an item twice
        part = rng.sample(items, min(len(items), rng.randint(0, 6))) + [object()]  # one not in items
        positions: dict[int, list[int]] = {}
        for i, m in enumerate(items):
            positions.setdefault(id(m), []).append(i)
        view, listed = _Without(items, positions, part), [m for m in items if m not in part]
        assert len(view) == len(listed)
        assert [view[i] for i in range(len(view))] == listed
