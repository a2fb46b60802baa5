"""The rule-file vocabulary of scales, catalogues, tables, named conditions, every, cases, flag,
at_least N of, $review_year and blanks in lists.

1. A policy writer's mistakes: one broken rule file per mistake, each reported as
   ``file:line:col: message`` at the line of the mistake, with a did-you-mean where one fits, and
   every problem of a file reported together.
2. What the constructs do through the real engine: small rule files in a tmp rules folder, facts
   imported into a tmp SQLite database, reviewed with durable_rules. Compiled rulesets are cached
   per rule-file content and year in the process, so every rule file here has its own policy id.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.compile import compile_policy
from engine.errors import RuleError
from engine.review import run_review
from engine.rulebook import load_rulebook
from engine.rulefile import load_rule_file
from facts.db import get_engine, init_db
from facts.importer import import_paths

DISPLAY = "rules/x.yaml"

HEAD = """\
policy:
  id: vocab
  municipality: {ja: 試験市, en: Test City}
  title: {ja: 語彙の試験, en: Vocabulary test}
  source: {document: 試験市デジタル人材育成方針}

scales:
  skill_level:
    values: [c, b, a]
    labels: {c: 理解, b: 活用, a: 指導}

catalogues:
  course:
    security_basics: {ja: 情報セキュリティ研修, en: security basics}
    dx_intro: {ja: 自治体DX入門, en: DX introduction}
  skill:
    it: {ja: IT, en: IT}
    data: {ja: データ分析, en: data analysis}
"""

CERT = """\
certifications:
  cert:
    label: {ja: 認定, en: Certified}
    criterion: 基準の文
    validity: yearly
    condition:
"""


# ---------------------------------------------------------------- helpers (loader)


def _problems(tmp_path: Path, text: str) -> list:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as e:
        load_rule_file(path, display=DISPLAY)
    for p in e.value.problems:
        assert re.fullmatch(rf"{re.escape(DISPLAY)}:\d+:\d+", p.location), p
    return e.value.problems


def _line(text: str, needle: str) -> int:
    """The 1-based line of the only line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits} of the test's rule file"
    return hits[0]


def _assert_problem(problems, line: int, *fragments: str) -> None:
    hits = [p for p in problems if p.location.startswith(f"{DISPLAY}:{line}:")
            and all(f in p.message for f in fragments)]
    got = "\n".join(str(p) for p in problems)
    assert hits, f"no problem at {DISPLAY}:{line} saying {fragments}; the loader said:\n{got}"


# ---------------------------------------------------------------- 1. a policy writer's mistakes


def _matrix_rule(dx_intro_row: str, column: str) -> str:
    """A two-column training plan and a certification needing every ● of one column."""
    return HEAD + f"""
parameters:
  matrix:
    type: table
    rows: course
    columns: [manager, advisor]
    label: 研修計画
    value:
      security_basics: [●, ●]
      dx_intro: {dx_intro_row}

""" + CERT + f"""\
      every: $matrix
      column: {column}
      values: [●]
      each:
        exists: training
        where: {{course: "{{key}}"}}
"""


def test_unknown_table_column_in_every_is_located_with_did_you_mean(tmp_path):
    text = _matrix_rule("[-, ●]", "advisr")
    _assert_problem(_problems(tmp_path, text), _line(text, "column: advisr"),
                    "column", "matrix", "did you mean 'advisor'?")


def test_table_row_with_the_wrong_number_of_cells(tmp_path):
    text = _matrix_rule("[-, ●, ●]", "advisor")
    _assert_problem(_problems(tmp_path, text), _line(text, "dx_intro: [-, ●, ●]"),
                    "matrix", "row 'dx_intro'", "needs 2 cells")


def test_table_cell_not_on_the_tables_scale(tmp_path):
    text = HEAD + """
parameters:
  skill_map:
    type: table
    rows: skill
    columns: [general, info]
    scale: skill_level
    label: スキルマップ
    value:
      it: [c, a]
      data: [b, x]

derived:
  assessment:
    kind: latest_assessment
    scale: skill_level

""" + CERT + """\
      every: $skill_map
      column: info
      each:
        exists: assessment
        where: {skill: "{key}", level: {gte: "{value}"}}
"""
    _assert_problem(_problems(tmp_path, text), _line(text, "data: [b, x]"),
                    "'x'", "row 'data'", "not a level of scale 'skill_level'")


def test_where_rank_literal_not_on_the_scale(tmp_path):
    text = HEAD + """
derived:
  assessment:
    kind: latest_assessment
    scale: skill_level

""" + CERT + """\
      exists: assessment
      where: {skill: it, level: {gte: z}}
"""
    _assert_problem(_problems(tmp_path, text), _line(text, "level: {gte: z}"),
                    "'z'", "not a level of assessment.level", "c, b, a")


def test_ref_to_an_unknown_named_condition_with_did_you_mean(tmp_path):
    text = HEAD + """
conditions:
  in_info_division:
    exists: department
    where: {name: 情報政策課}

derived:
  department:
    kind: department_segments

""" + CERT + """\
      ref: in_info_divison
"""
    _assert_problem(_problems(tmp_path, text), _line(text, "ref: in_info_divison"),
                    "unknown condition 'in_info_divison'", "did you mean 'in_info_division'?")


def test_named_condition_referring_to_itself(tmp_path):
    text = HEAD + """
conditions:
  trained:
    any:
      - exists: training
        where: {course: security_basics}
      - ref: trained

""" + CERT + """\
      ref: trained
"""
    problems = _problems(tmp_path, text)
    # the named condition is located at its own definition (its first key), not at 1:1
    _assert_problem(problems, _line(text, "    any:"), "condition 'trained' refers to itself")


def test_every_over_a_parameter_that_is_not_a_list(tmp_path):
    text = HEAD + """
parameters:
  required_count:
    type: integer
    label: 必要な研修の数
    value: 2

""" + CERT + """\
      every: $required_count
      each:
        exists: training
        where: {course: "{key}"}
"""
    _assert_problem(_problems(tmp_path, text), _line(text, "every: $required_count"),
                    "'every' needs a list or table parameter", "'required_count' is integer")


def test_flag_on_a_parameter_that_is_not_boolean(tmp_path):
    text = HEAD + """
parameters:
  required_count:
    type: integer
    label: 必要な研修の数
    value: 2

""" + CERT + """\
      flag: $required_count
"""
    _assert_problem(_problems(tmp_path, text), _line(text, "flag: $required_count"),
                    "'flag' needs a boolean parameter", "'required_count' is integer")


def test_at_least_3_of_two_conditions(tmp_path):
    text = HEAD + CERT + """\
      at_least: 3
      of:
        - exists: training
          where: {course: security_basics}
        - exists: training
          where: {course: dx_intro}
"""
    _assert_problem(_problems(tmp_path, text), _line(text, "at_least: 3"),
                    "'at_least 3 of' has only 2 conditions")


def test_review_year_compared_with_a_field_that_is_not_a_year(tmp_path):
    text = HEAD + CERT + """\
      exists: training
      where: {course: $review_year}
"""
    _assert_problem(_problems(tmp_path, text), _line(text, "where: {course: $review_year}"),
                    "'$review_year' is a fiscal year", "training.course")


def test_latest_assessment_without_a_scale(tmp_path):
    text = HEAD + """
derived:
  assessment:
    kind: latest_assessment

""" + CERT + """\
      exists: assessment
      where: {skill: it}
"""
    _assert_problem(_problems(tmp_path, text), _line(text, "  assessment:"),
                    "derived fact 'assessment'", "'scale' must name a scale")


def test_latest_assessment_with_a_misspelt_scale_has_did_you_mean(tmp_path):
    text = HEAD + """
derived:
  assessment:
    kind: latest_assessment
    scale: skill_levle

""" + CERT + """\
      exists: assessment
      where: {skill: it}
"""
    _assert_problem(_problems(tmp_path, text), _line(text, "scale: skill_levle"),
                    "derived fact 'assessment'", "'scale'", "did you mean 'skill_level'?")


def test_two_catalogue_entries_sharing_a_name(tmp_path):
    text = HEAD.replace(
        "    dx_intro: {ja: 自治体DX入門, en: DX introduction}\n",
        "    dx_intro: {ja: 自治体DX入門, en: DX introduction}\n"
        "    security_again: {ja: 情報セキュリティ研修, en: security again}\n"
        "    dx_seminar: {ja: DXセミナー, en: DX seminar, aliases: [自治体DX入門]}\n") + CERT + """\
      exists: training
      where: {course: security_basics}
"""
    problems = _problems(tmp_path, text)
    _assert_problem(problems, _line(text, "security_again:"),
                    "course 'security_again'", "情報セキュリティ研修", "also names 'security_basics'")
    _assert_problem(problems, _line(text, "dx_seminar:"), "course 'dx_seminar'", "also names 'dx_intro'")


def test_mapping_parameter_row_not_in_its_catalogue(tmp_path):
    text = HEAD + """
parameters:
  training_skills:
    type: mapping
    rows: course
    label: 研修で得られるスキル
    value:
      security_basic: [it]
      dx_intro: [data]

derived:
  skill_held:
    kind: acquired_skills
    from_training: $training_skills

""" + CERT + """\
      exists: skill_held
      where: {skill: it}
"""
    _assert_problem(_problems(tmp_path, text), _line(text, "security_basic: [it]"),
                    "training_skills", "'security_basic' is not in the course catalogue",
                    "did you mean 'security_basics'?")


# a parameter and a derived fact whose names YAML reads as numbers
NUMBER_NAMES = """
parameters:
  1.5:
    type: fiscal_year
    label: 基準の年度
    value: 2023

derived:
  1.25:
    kind: department_segments

"""


def test_names_that_yaml_reads_as_numbers_are_located_not_a_traceback(tmp_path):
    # a key such as 1.5: is a float to YAML; the did-you-mean and the catalogue's name check once
    # crashed on it with a TypeError instead of reporting the rule file's line
    text = HEAD.replace("    dx_intro: {ja: 自治体DX入門, en: DX introduction}\n",
                        "    dx_intro: {ja: 自治体DX入門, en: DX introduction}\n    2.5: {ja: 番号の研修}\n") + NUMBER_NAMES + CERT + """\
      all:
        - exists: department
          where: {name: 情報政策課}
        - exists: training
          where: {fiscal_year: {gte: $1.6}}
"""
    problems = _problems(tmp_path, text)
    _assert_problem(problems, _line(text, "2.5: {ja: 番号の研修}"), "course id '2.5' must be an identifier")
    _assert_problem(problems, _line(text, "- exists: department"), "unknown fact type 'department'")
    _assert_problem(problems, _line(text, "{fiscal_year: {gte: $1.6}}"), "unknown parameter '$1.6'")


def test_names_of_scales_parameters_derived_facts_and_certifications_are_identifiers(tmp_path):
    text = HEAD.replace("scales:\n", "scales:\n  2: {values: [x, y]}\n") + NUMBER_NAMES + CERT.replace("  cert:\n", "  3.5:\n    label: {ja: 番号, en: number}\n  cert:\n") + """\
      exists: training
"""
    problems = _problems(tmp_path, text)
    _assert_problem(problems, _line(text, "  2: {values: [x, y]}"), "scale name '2' must be an identifier")
    _assert_problem(problems, _line(text, "  1.5:"), "parameter name '1.5' must be an identifier")
    _assert_problem(problems, _line(text, "  1.25:"), "derived fact name '1.25' must be an identifier")
    _assert_problem(problems, _line(text, "  3.5:"), "certification name '3.5' must be an identifier")


def test_every_problem_of_a_file_is_reported_together(tmp_path):
    text = HEAD + """
parameters:
  matrix:
    type: table
    rows: course
    columns: [manager, advisor]
    label: 研修計画
    value:
      security_basics: [●, ●]
      dx_intro: [-]
  required_count:
    type: integer
    label: 必要な研修の数
    value: 2

""" + CERT + """\
      all:
        - every: $matrix
          column: advisor
          values: [●]
          each:
            exists: training
            where: {course: "{key}"}
        - flag: $required_count
        - ref: trained_once
"""
    problems = _problems(tmp_path, text)
    _assert_problem(problems, _line(text, "dx_intro: [-]"), "row 'dx_intro'", "needs 2 cells")
    _assert_problem(problems, _line(text, "flag: $required_count"), "'flag' needs a boolean parameter")
    _assert_problem(problems, _line(text, "ref: trained_once"), "unknown condition 'trained_once'")
    assert len(problems) == 3, "\n".join(str(p) for p in problems)


# ---------------------------------------------------------------- helpers (engine)

ROSTER = "職員番号,年度,氏名,所属,職級"
TRAINING = "職員番号,研修名,修了日"


def _policy(pid: str, body: str, courses: int = 3) -> str:
    catalogue = "\n".join(f"    c{i:02d}: {{ja: 研修{i:02d}, en: course {i:02d}}}" for i in range(1, courses + 1))
    return f"""\
policy:
  id: {pid}
  municipality: {{ja: 試験市, en: Test City}}
  title: {{ja: 語彙の試験 {pid}, en: Vocabulary test {pid}}}
  source: {{document: 試験市デジタル人材育成方針}}

catalogues:
  course:
{catalogue}

""" + body


def _review(tmp_path: Path, rule_files: dict[str, str], facts: dict[str, list[str]], policy: str,
            years=(2025,)) -> dict[int, dict[tuple[str, str], object]]:
    rules = tmp_path / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    for name, text in rule_files.items():
        (rules / name).write_text(text, encoding="utf-8")
    facts_dir = tmp_path / "facts"
    facts_dir.mkdir(parents=True, exist_ok=True)
    for name, lines in facts.items():
        (facts_dir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = get_engine(f"sqlite:///{tmp_path}/review.db")
    init_db(db)
    import_paths(db, [facts_dir], catalogues=load_rulebook(rules).catalogues())
    out = {}
    for year in years:
        result = run_review(db, policy, year, rules_dir=rules)
        out[year] = {(d.staff_id, d.certification): d for d in result.decisions}
    db.dispose()
    return out


def _walk(node):
    yield node
    for c in node.conditions:
        yield from _walk(c)


def _node(decision, node_id: str):
    found = [n for n in _walk(decision.explanation) if n.id == node_id]
    assert found, f"no node {node_id} in {[n.id for n in _walk(decision.explanation)]}"
    return found[0]


def _trainings(staff_id: str, courses) -> list[str]:
    return [f"{staff_id},{c},2025-06-{i + 1:02d}" for i, c in enumerate(courses)]


# ---------------------------------------------------------------- 2. through the engine


def test_every_over_twenty_courses_and_an_all_of_eighteen_join_in_parts(tmp_path):
    courses = [f"c{i:02d}" for i in range(1, 21)]
    explicit = "\n".join(f"""\
        - id: explicit.{c}
          text: {{ja: "{c} を修了", en: "completed {c}"}}
          exists: training
          where: {{course: {c}}}""" for c in courses[:16] + courses[18:])
    body = f"""\
parameters:
  required_courses:
    type: list[course]
    label: {{ja: 必須研修, en: required courses}}
    value: [{", ".join(courses)}]

certifications:
  all_twenty:
    label: {{ja: 二十研修, en: Twenty courses}}
    criterion: 必須研修をすべて修了している
    validity: yearly
    condition:
      id: twenty
      text: {{ja: 必須研修をすべて修了している, en: completed every required course}}
      every: $required_courses
      each:
        text: {{ja: "「{{label}}」を修了している", en: "completed {{label_en}}"}}
        exists: training
        where: {{course: "{{key}}"}}
  all_eighteen:
    label: {{ja: 十八研修, en: Eighteen courses}}
    criterion: 十八の研修をすべて修了している
    validity: yearly
    condition:
      id: explicit
      text: {{ja: 十八の研修をすべて修了している, en: completed eighteen courses}}
      all:
{explicit}
"""
    facts = {
        "職員名簿.csv": [ROSTER, "T01,2025,全部 修了,情報政策課,主任", "T02,2025,一つ 不足,情報政策課,主任",
                      "T03,2025,最初 不足,情報政策課,主任"],
        "研修受講.csv": [TRAINING, *_trainings("T01", courses),
                     *_trainings("T02", [c for c in courses if c != "c17"]),
                     *_trainings("T03", [c for c in courses if c != "c03"])],
    }
    got = _review(tmp_path, {"every20.yaml": _policy("vocab_every20", body, courses=20)}, facts,
                  "vocab_every20")[2025]
    assert got[("T01", "all_twenty")].outcome == "certified"
    assert got[("T01", "all_eighteen")].outcome == "certified"
    for staff, missing in (("T02", "c17"), ("T03", "c03")):
        d = got[(staff, "all_twenty")]
        assert d.outcome == "not_certified"
        every = _node(d, "twenty")
        assert every.kind == "every" and not every.met and len(every.conditions) == 20
        unmet = [n for n in every.conditions if not n.met]
        assert [n.id for n in unmet] == [f"twenty.{missing}"]
        assert unmet[0].description == f"「研修{missing[1:]}」を修了している"
        assert not unmet[0].missing_records  # never took the course: not met, not "records missing" (policies.md)
        # the explicit all leaves out c17 and c18
        assert got[(staff, "all_eighteen")].outcome == ("certified" if missing == "c17" else "not_certified")
    assert not _node(got[("T03", "all_eighteen")], "explicit.c03").met
    shape = compile_policy(load_rulebook(tmp_path / "rules").policy("vocab_every20"), 2025).definition_json
    assert all(f"{root}#part{j}" in shape for root in ("twenty", "explicit") for j in (0, 1))  # 16 + rest


def test_list_parameter_changes_from_r8_change_what_every_requires(tmp_path):
    body = """\
parameters:
  required_courses:
    type: list[course]
    label: {ja: 必須研修, en: required courses}
    value: [c01, c02]
    changes:
      - {from: 令和8年度, value: [c01, c03]}

certifications:
  trained:
    label: {ja: 研修修了, en: Trained}
    criterion: 必須研修をすべて修了している
    validity: yearly
    condition:
      id: required
      text: {ja: 必須研修をすべて修了している, en: completed every required course}
      every: $required_courses
      each:
        text: {ja: "「{label}」を修了している", en: "completed {label_en}"}
        exists: training
        where: {course: "{key}"}
"""
    facts = {
        "職員名簿.csv": [ROSTER, "A1,2025,旧 一覧,情報政策課,主任", "A2,2025,新 一覧,情報政策課,主任",
                      "A1,2026,旧 一覧,情報政策課,主任", "A2,2026,新 一覧,情報政策課,主任"],
        "研修受講.csv": [TRAINING, *_trainings("A1", ["c01", "c02"]), *_trainings("A2", ["c01", "c03"])],
    }
    got = _review(tmp_path, {"changes.yaml": _policy("vocab_changes", body)}, facts, "vocab_changes",
                  years=(2025, 2026))
    r7, r8 = got[2025], got[2026]
    assert r7[("A1", "trained")].outcome == "certified"
    assert r7[("A2", "trained")].outcome == "not_certified"
    assert r8[("A1", "trained")].outcome == "not_certified"
    assert r8[("A2", "trained")].outcome == "certified"
    assert [n.id for n in _node(r7[("A2", "trained")], "required").conditions] == ["required.c01", "required.c02"]
    assert [n.id for n in _node(r8[("A1", "trained")], "required").conditions] == ["required.c01", "required.c03"]
    assert [n.description for n in _node(r8[("A1", "trained")], "required").conditions if not n.met] == \
        ["「研修03」を修了している"]


def test_at_least_2_of_three_conditions(tmp_path):
    body = """\
certifications:
  two_of_three:
    label: {ja: 三つのうち二つ, en: Two of three}
    criterion: 三つの研修のうち二つを修了している
    validity: yearly
    condition:
      id: two
      text: {ja: 三つの研修のうち二つ以上を修了している, en: completed two of three courses}
      at_least: 2
      of:
        - {id: two.c01, text: {ja: 研修01, en: course 01}, exists: training, where: {course: c01}}
        - {id: two.c02, text: {ja: 研修02, en: course 02}, exists: training, where: {course: c02}}
        - {id: two.c03, text: {ja: 研修03, en: course 03}, exists: training, where: {course: c03}}
"""
    facts = {
        "職員名簿.csv": [ROSTER, "B0,2025,零,情報政策課,主任", "B1,2025,一,情報政策課,主任",
                      "B2,2025,二,情報政策課,主任", "B3,2025,三,情報政策課,主任"],
        "研修受講.csv": [TRAINING, *_trainings("B1", ["c02"]), *_trainings("B2", ["c01", "c03"]),
                     *_trainings("B3", ["c01", "c02", "c03"])],
    }
    got = _review(tmp_path, {"atleast.yaml": _policy("vocab_atleast", body)}, facts, "vocab_atleast")[2025]
    assert {s: got[(s, "two_of_three")].outcome for s in ("B0", "B1", "B2", "B3")} == {
        "B0": "not_certified", "B1": "not_certified", "B2": "certified", "B3": "certified"}
    node = _node(got[("B1", "two_of_three")], "two")
    [obs] = node.observations
    assert (obs.value, obs.threshold, obs.met, obs.shortfall) == (1, 2, False, 1)
    assert [c.met for c in node.conditions] == [False, True, False]


def test_flag_true_or_false_switches_a_condition(tmp_path):
    def flagged(pid: str, value: str) -> str:
        return _policy(pid, f"""\
parameters:
  require_training:
    type: boolean
    label: {{ja: 研修の修了を求める, en: training required}}
    value: {value}

certifications:
  member:
    label: {{ja: 推進員, en: Member}}
    criterion: 研修の修了を求める場合は修了している
    validity: yearly
    condition:
      id: member_training
      text: {{ja: 研修01の修了（求める場合のみ）, en: course 01 completed (only where required)}}
      any:
        - id: training_not_required
          text: {{ja: 研修の修了を求めない, en: training not required}}
          flag: $require_training
          is: false
        - id: has_training
          text: {{ja: 研修01を修了している, en: completed course 01}}
          exists: training
          where: {{course: c01}}
""")

    rules = {"flag_on.yaml": flagged("vocab_flag_on", "true"), "flag_off.yaml": flagged("vocab_flag_off", "false")}
    facts = {
        "職員名簿.csv": [ROSTER, "F1,2025,未修了,情報政策課,主任", "F2,2025,修了,情報政策課,主任"],
        "研修受講.csv": [TRAINING, *_trainings("F2", ["c01"])],
    }
    on = _review(tmp_path, rules, facts, "vocab_flag_on")[2025]
    off = _review(tmp_path / "again", rules, facts, "vocab_flag_off")[2025]
    assert on[("F1", "member")].outcome == "not_certified"
    assert on[("F2", "member")].outcome == "certified"
    assert off[("F1", "member")].outcome == "certified"
    assert off[("F2", "member")].outcome == "certified"
    flag_on = _node(on[("F1", "member")], "training_not_required")
    flag_off = _node(off[("F1", "member")], "training_not_required")
    assert not flag_on.met and flag_off.met
    assert flag_on.observations[0].parameter == "require_training" and flag_on.observations[0].value is True


def test_null_in_an_in_list_matches_a_blank_field(tmp_path):
    body = """\
certifications:
  leader_candidate:
    label: {ja: リーダー推薦候補, en: Leader candidate}
    criterion: 審査年度にリーダー（または区分なし）の候補として推薦されている
    validity: yearly
    condition:
      id: nominated
      text: {ja: 審査年度にリーダー（または区分なし）の候補として推薦されている, en: nominated for leader or unspecified}
      exists: role
      where: {role: nominee, fiscal_year: $review_year, nominated_for: {in: [dx_leader, null]}}
"""
    facts = {
        "職員名簿.csv": [ROSTER, "N1,2025,区分なし,情報政策課,主任", "N2,2025,リーダー,情報政策課,主任",
                      "N3,2025,推進員,情報政策課,主任", "N4,2025,推薦なし,情報政策課,主任",
                      "N5,2025,前年度,情報政策課,主任"],
        "役割.csv": ["職員番号,年度,役割,推薦区分", "N1,2025,推薦候補,", "N2,2025,推薦候補,DX推進リーダー",
                   "N3,2025,推薦候補,DX推進員", "N5,2024,推薦候補,"],
    }
    got = _review(tmp_path, {"null.yaml": _policy("vocab_null", body)}, facts, "vocab_null")[2025]
    assert {s: got[(s, "leader_candidate")].outcome for s in ("N1", "N2", "N3", "N4", "N5")} == {
        "N1": "certified", "N2": "certified", "N3": "not_certified", "N4": "not_certified",
        "N5": "not_certified"}
    [ev] = _node(got[("N1", "leader_candidate")], "nominated").evidence
    assert ev.record_type == "role" and ev.fields.get("nominated_for") is None


def test_cases_show_the_case_that_does_not_apply_as_not_applicable(tmp_path):
    body = """\
parameters:
  manager_grades:
    type: list[grade]
    label: {ja: 管理職の職級, en: manager grades}
    value: [manager, executive]
  staff_grades:
    type: list[grade]
    label: {ja: 一般職員の職級, en: staff grades}
    value: [staff, supervisor]

certifications:
  by_role:
    label: {ja: 役割別の研修, en: Training by role}
    criterion: 役割ごとに定める研修を修了している
    validity: yearly
    condition:
      id: role_training
      text: {ja: 役割に求められる研修を修了している, en: completed the training of the role}
      cases:
        - id: as_manager
          text: {ja: 管理職として, en: as a manager}
          when: {id: is_manager, text: {ja: 管理職である, en: is a manager}, exists: staff, where: {grade: {in: $manager_grades}}}
          then: {id: manager_course, text: {ja: 研修01を修了している, en: completed course 01}, exists: training, where: {course: c01}}
        - id: as_staff
          text: {ja: 一般職員として, en: as staff}
          when: {id: is_staff, text: {ja: 一般職員である, en: is staff}, exists: staff, where: {grade: {in: $staff_grades}}}
          then: {id: staff_course, text: {ja: 研修02を修了している, en: completed course 02}, exists: training, where: {course: c02}}
"""
    facts = {
        "職員名簿.csv": [ROSTER, "M1,2025,課長 修了,情報政策課,課長", "S1,2025,主任 修了,情報政策課,主任",
                      "S2,2025,主任 未修了,情報政策課,主任"],
        "研修受講.csv": [TRAINING, *_trainings("M1", ["c01"]), *_trainings("S1", ["c02"]),
                     *_trainings("S2", ["c01"])],
    }
    got = _review(tmp_path, {"cases.yaml": _policy("vocab_cases", body)}, facts, "vocab_cases")[2025]
    assert {s: got[(s, "by_role")].outcome for s in ("M1", "S1", "S2")} == {
        "M1": "certified", "S1": "certified", "S2": "not_certified"}
    kinds = {s: {n.id: n.kind for n in _node(got[(s, "by_role")], "role_training").conditions}
             for s in ("M1", "S1", "S2")}
    assert kinds == {"M1": {"as_manager": "all", "as_staff": "not_applicable"},
                     "S1": {"as_manager": "not_applicable", "as_staff": "all"},
                     "S2": {"as_manager": "not_applicable", "as_staff": "all"}}
    skipped = _node(got[("S2", "by_role")], "as_manager")
    assert skipped.description.endswith("（該当しない）")
    assert [c.id for c in skipped.conditions] == ["is_manager"]  # shown without what it would require
    applied = _node(got[("S2", "by_role")], "as_staff")
    assert [(c.id, c.met) for c in applied.conditions] == [("is_staff", True), ("staff_course", False)]


# --- typos that would otherwise load and silently never match ------------------------------------

GAP_HEAD = """policy:
  id: gaps
  municipality: {ja: 例示町, en: Example}
  title: {ja: 例示, en: Example}
  source: {document: 例示町方針}
catalogues:
  course:
    security_basics: {ja: 情報セキュリティ研修}
    dx_intro: {ja: DX入門}
  skill:
    it: {ja: IT}
"""


def _gap_problems(tmp_path, text):
    path = tmp_path / "gaps.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as e:
        load_rule_file(path, display="rules/x.yaml")
    return [str(p) for p in e.value.problems]


def test_catalogue_ids_in_where_changes_except_mapping_and_placeholders_are_checked(tmp_path):
    problems = _gap_problems(tmp_path, GAP_HEAD + """parameters:
  courses:
    type: list[course]
    label: {ja: 必須研修, en: courses}
    value: [security_basics]
    changes:
      - {from: 令和8年度, value: [dx_intr]}
  gives:
    type: mapping
    rows: course
    items: skill
    label: {ja: 研修で得るスキル, en: skills from courses}
    value:
      security_basics: [itt]
derived:
  held: {kind: acquired_skills, from_training: $gives}
certifications:
  c:
    label: {ja: 認定, en: Cert}
    criterion: 必須研修を修了する。
    validity: yearly
    condition:
      all:
        - every: $courses
          except: [dx_intr]
          each: {text: "{lable}", exists: training, where: {course: "{key}"}}
        - {exists: training, where: {course: security_basic}}
        - {exists: held, where: {skill: itt}}
""")
    text = "\n".join(problems)
    assert "rules/x.yaml:18:" in text and "'dx_intr' is not a course (did you mean 'dx_intro'?)" in text
    assert "'itt' is not in the skill catalogue (did you mean 'it'?)" in text
    assert "'except': 'dx_intr' is not in the course catalogue" in text
    assert "unknown placeholder '{lable}'" in text and "did you mean '{label}'?" in text
    assert "'security_basic' is not in the course catalogue (did you mean 'security_basics'?)" in text
    assert len(problems) == len(set(problems))  # an 'each' template's problem is reported once
