"""The Japanese Gherkin steps policy writers use in features/*.feature: fact tables (Japanese
headers) -> CSV files -> import -> review -> assertions on outcomes and explanations.

Used by the test suite (tests/test_features.py) and by `nintei check` (engine/check.py)."""
from __future__ import annotations

import csv

import pytest
from pytest_bdd import given, parsers, then, when

from engine.errors import FactError
from engine.render import decision_summary
from engine.review import run_review
from engine.rulebook import load_rulebook
from facts.dates import parse_fiscal_year
from facts.db import get_engine, init_db
from facts.importer import import_paths

FILE_NAMES = {
    "職員名簿": "職員名簿.csv",
    "プロジェクト参加": "プロジェクト.csv",
    "評価": "評価.csv",
    "認定履歴": "認定履歴.csv",
    "研修受講": "研修受講.csv",
    "資格": "資格.csv",
    "スキル評価": "スキル評価.csv",
    "役割": "役割.csv",
    "活動": "活動.csv",
}

OUTCOMES = {"認定": "certified", "保持": "held", "非認定": "not_certified"}


@pytest.fixture
def bdd_state(tmp_path):
    facts = tmp_path / "facts"
    facts.mkdir()
    return {"policy": None, "facts_dir": facts, "tmp": tmp_path, "result": None, "decision": None,
            "import_error": None}


@given(parsers.parse('方針 "{policy}"'))
def given_policy(bdd_state, policy):
    bdd_state["policy"] = policy


@given(parsers.parse("{record_type}:"))
def given_facts_table(bdd_state, record_type, datatable):
    assert record_type in FILE_NAMES, f"unknown record type {record_type!r}; known: {list(FILE_NAMES)}"
    path = bdd_state["facts_dir"] / FILE_NAMES[record_type]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(datatable)


@when(parsers.parse("{year}の審査を行う"))
def when_review(bdd_state, year):
    assert bdd_state["policy"], "no policy set: use 前提 方針 \"...\""
    db = get_engine(f"sqlite:///{bdd_state['tmp']}/review.db")
    init_db(db)
    import_paths(db, [bdd_state["facts_dir"]], catalogues=load_rulebook().catalogues())
    bdd_state["result"] = run_review(db, bdd_state["policy"], parse_fiscal_year(year))


@when("事実を取り込む")
def when_import_only(bdd_state):
    db = get_engine(f"sqlite:///{bdd_state['tmp']}/review.db")
    init_db(db)
    try:
        import_paths(db, [bdd_state["facts_dir"]], catalogues=load_rulebook().catalogues())
    except FactError as e:
        bdd_state["import_error"] = e


@then(parsers.parse('取り込みは "{text}" を示して拒否される'))
def then_import_rejected(bdd_state, text):
    e = bdd_state["import_error"]
    assert e is not None, "the import was accepted"
    lines = "\n".join(e.lines())
    assert text in lines, f"{text!r} not in the import errors:\n{lines}"


@then(parsers.parse('職員 "{staff}" の "{cert}" は "{outcome}" である'))
def then_outcome(bdd_state, staff, cert, outcome):
    decisions = [d for d in bdd_state["result"].decisions
                 if d.staff_id == staff and d.certification == cert]
    assert decisions, f"職員 {staff} の {cert} の判定がありません（名簿と認定区分の id を確かめてください）"
    d = decisions[0]
    bdd_state["decision"] = d
    if d.outcome != OUTCOMES[outcome]:
        got = {v: k for k, v in OUTCOMES.items()}[d.outcome]
        unmet = decision_summary(d)
        raise AssertionError(f"職員 {staff} の {cert} は「{got}」でした（例では「{outcome}」）"
                             + (f"。満たさない条件: {unmet}" if unmet else ""))


def _walk(node):
    yield node
    for c in node.conditions:
        yield from _walk(c)


@then(parsers.parse('説明に "{text}" が含まれる'))
def then_explanation_mentions(bdd_state, text):
    d = bdd_state["decision"]
    assert d is not None, "no decision asserted yet"
    texts = []
    for n in _walk(d.explanation):
        texts.append(str(n.description or ""))
        for o in n.observations:
            texts.append(str(getattr(o, "label", "") or ""))
            texts.append(str(getattr(o, "subject", "") or ""))
            texts.append(str(o.value if o.value is not None else ""))
            texts.append(str(o.threshold if o.threshold is not None else ""))
    assert any(text in t for t in texts), f"{text!r} not in explanation: {texts}"


@then(parsers.parse('説明に "{text}" が含まれない'))
def then_explanation_omits(bdd_state, text):
    d = bdd_state["decision"]
    assert d is not None, "no decision asserted yet"
    texts = [str(n.description or "") for n in _walk(d.explanation)]
    texts += [str(o.subject or "") for n in _walk(d.explanation) for o in n.observations]
    assert not any(text in t for t in texts), f"{text!r} is in the explanation"
