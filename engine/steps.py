"""The Japanese Gherkin steps policy writers use in features/*.feature: fact tables (Japanese
headers) -> CSV files -> import -> review -> assertions on outcomes and explanations.

Used by the test suite (tests/test_features.py) and by `nintei check` (engine/check.py)."""
from __future__ import annotations

import csv
import re

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
    import_paths(db, [bdd_state["facts_dir"]], catalogues=load_rulebook().catalogues(),
                 certifications=load_rulebook().certification_names())
    bdd_state["result"] = run_review(db, bdd_state["policy"], parse_fiscal_year(year))


@when("事実を取り込む")
def when_import_only(bdd_state):
    db = get_engine(f"sqlite:///{bdd_state['tmp']}/review.db")
    init_db(db)
    try:
        import_paths(db, [bdd_state["facts_dir"]], catalogues=load_rulebook().catalogues(),
                     certifications=load_rulebook().certification_names())
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


# --- what an explanation says: unmet (why not) and met (why) ------------------------------------

# a decimal number, not part of a dotted run such as a date (2025.10.1) or a version
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d]|\.\d)")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d]|\.\d)")


def _canonical_numbers(text: str) -> str:
    """Decimals without trailing zeros: '4.00' and '4.0' -> '4', '3.50' -> '3.5' ('01' stays)."""
    def canon(m: re.Match) -> str:
        decimals = m[2].rstrip("0")
        return f"{m[1]}.{decimals}" if decimals else m[1]

    return _DECIMAL.sub(canon, text)


def _matcher(text: str) -> re.Pattern:
    """``text`` as a pattern in which every number matches that number only, however many
    decimals it is rendered with: '4.0' finds '4', '4.00' and '4.0' but not '4.5', '14' or '4.05'."""
    wanted = _canonical_numbers(text)
    parts, last = [], 0
    for m in _NUMBER.finditer(wanted):
        parts.append(re.escape(wanted[last:m.start()]))
        parts.append(r"(?<![\d.])" + re.escape(m.group()) + r"(?![\d]|\.\d)")
        last = m.end()
    parts.append(re.escape(wanted[last:]))
    return re.compile("".join(parts))


def _value_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_value_text(v) for v in value)
    return str(value)


def _texts(decision, met: bool) -> list[str]:
    """What the explanation says about the conditions that were (``met``) or were not met.

    Not met (why not): the description of every node that was not met and, of its observations,
    those not met (subject, label, value, threshold). Met (why): the description of every node
    that was met and every observation that was met, wherever it is (a score that passed under a
    node that failed for another reason). Numbers in canonical form (see ``_canonical_numbers``)."""
    texts = []
    for node in _walk(decision.explanation):
        if node.kind == "not_applicable":  # a case that does not apply: neither met nor lacking
            continue
        if node.met == met:
            texts.append(str(node.description or ""))
        if node.met == met or met:  # a comparison that held is met even under a node that is not
            for o in node.observations:
                if o.met == met:
                    texts += [str(o.subject or ""), str(o.label or ""), _value_text(o.value),
                              _value_text(o.threshold)]
    return [_canonical_numbers(t) for t in texts if t]


def _mentions(decision, met: bool, text: str) -> bool:
    pattern = _matcher(text)
    return any(pattern.search(t) for t in _texts(decision, met))


def _decision(bdd_state):
    d = bdd_state["decision"]
    assert d is not None, "どの判定の説明か決まっていません: 先に「ならば 職員 \"…\" の \"…\" は \"…\" である」と書いてください"
    return d


def _said(decision, met: bool) -> str:
    texts = list(dict.fromkeys(_texts(decision, met)))
    return "、".join(f"「{t}」" for t in texts[:12]) + (" …" if len(texts) > 12 else "") if texts else "（なし）"


@then(parsers.parse('説明に "{text}" が含まれる'))
def then_explanation_mentions(bdd_state, text):
    """Why not: ``text`` is in what the explanation says about a condition that was NOT met."""
    d = _decision(bdd_state)
    if _mentions(d, False, text):
        return
    if _mentions(d, True, text):
        raise AssertionError(f"「{text}」は満たした条件の説明にあり、満たさない条件の説明にはありません"
                             f"（満たした条件を確かめるなら「満たした条件に \"{text}\" が含まれる」と書きます）。"
                             f"満たさない条件: {_said(d, False)}")
    raise AssertionError(f"満たさない条件の説明に「{text}」がありません。満たさない条件: {_said(d, False)}")


@then(parsers.parse('説明に "{text}" が含まれない'))
def then_explanation_omits(bdd_state, text):
    """``text`` is not among the reasons why not (the conditions that were not met)."""
    d = _decision(bdd_state)
    assert not _mentions(d, False, text), (
        f"満たさない条件の説明に「{text}」があります。満たさない条件: {_said(d, False)}")


@then(parsers.parse('満たした条件に "{text}" が含まれる'))
def then_met_conditions_mention(bdd_state, text):
    """Why: ``text`` is in what the explanation says about a condition that was met."""
    d = _decision(bdd_state)
    if _mentions(d, True, text):
        return
    where = "満たさない条件の説明にはあります" if _mentions(d, False, text) else "説明のどこにもありません"
    raise AssertionError(f"満たした条件の説明に「{text}」がありません（{where}）。満たした条件: {_said(d, True)}")
