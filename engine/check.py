"""`nintei check`: run the policy writers' Gherkin examples and say, in plain words, which examples
of which rules fail.

The feature files are run by pytest-bdd with the shared steps (engine/steps.py), in a child
process of their own (a review per example, each in a fresh SQLite file), exactly as the test
suite runs them; a small plugin records each scenario's file, ルール, title, line and the first
failing step, and this module reports them by feature and rule.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PLUGIN = '''
import json, os

_OUT = os.environ["NINTEI_CHECK_OUT"]
_JUDGED = os.environ.get("NINTEI_CHECK_JUDGED")  # --coverage: the decisions each example asserted
_FAILED = {}
_ASSERTED = {}


def _key(scenario):
    return (scenario.feature.filename, scenario.line_number)


def _write(record):
    with open(_OUT, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\\n")


def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception):
    _FAILED.setdefault(_key(scenario), {"step": f"{step.keyword} {step.name}".strip(),
                                        "step_line": step.line_number, "error": str(exception).strip()})


def pytest_bdd_step_func_lookup_error(request, feature, scenario, step, exception):
    _FAILED.setdefault(_key(scenario), {"step": f"{step.keyword} {step.name}".strip(),
                                        "step_line": step.line_number, "error": "この文に合う手順（step）がありません"})


def pytest_bdd_after_step(request, feature, scenario, step, step_func, step_func_args):
    # a decision an outcome step ("ならば 職員 … の … は … である") asserted and found as written
    state = step_func_args.get("bdd_state")
    if _JUDGED and isinstance(state, dict) and state.get("decision") is not None:
        d = state["decision"]
        _ASSERTED.setdefault(_key(scenario), {})[(d.staff_id, d.certification)] = d


def pytest_bdd_after_scenario(request, feature, scenario):
    failure = _FAILED.pop(_key(scenario), None)  # an outline's rows share a line: each row its own
    if _JUDGED:
        try:
            state = request.getfixturevalue("bdd_state")
        except Exception:  # a scenario that never reached the steps
            state = {}
        with open(_JUDGED, "a", encoding="utf-8") as f:
            asserted = _ASSERTED.pop(_key(scenario), {})
            decisions = [] if failure else asserted.values()
            f.write(json.dumps({"file": feature.filename, "line": scenario.line_number, "policy": state.get("policy"),
                                "decisions": [{"policy": d.policy, "fiscal_year": d.fiscal_year, "staff_id": d.staff_id,
                                               "certification": d.certification, "outcome": d.outcome,
                                               "explanation": d.explanation.model_dump(mode="json")}
                                              for d in decisions]}, ensure_ascii=False) + "\\n")
    _write({"file": feature.filename, "feature": feature.name,
            "rule": scenario.rule.name if scenario.rule else None,
            "scenario": scenario.name, "line": scenario.line_number, "ok": failure is None, **(failure or {})})
'''

_MODULE = '''
from pytest_bdd import scenarios
from engine.steps import *  # noqa
from engine.steps import bdd_state  # noqa

for _path in {paths!r}:
    scenarios(_path)
'''


@dataclass
class Example:
    file: str
    feature: str
    rule: str | None
    scenario: str
    line: int
    ok: bool
    step: str = ""
    step_line: int | None = None
    error: str = ""


@dataclass
class CheckResult:
    examples: list[Example] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files that could not be run (parse errors...)
    # with ``judged=True`` (check --coverage): per example run, its file, line, policy and the
    # decisions its outcome steps asserted (none for a failing example), explanation trees as JSON
    judged: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.examples) and all(e.ok for e in self.examples)


def feature_files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.rglob("*.feature")) if p.is_dir() else [p])
    return [p.resolve() for p in out]


def check(paths: list[str], judged: bool = False) -> CheckResult:
    """Run the examples of the feature files under ``paths``; the result of every example and,
    with ``judged``, the decisions the passing examples asserted (engine/coverage/)."""
    files = feature_files(paths)
    result = CheckResult()
    if not files:
        result.problems.append(f"{', '.join(paths)}: 仕様書（.feature）がありません")
        return result
    files = _readable(files, result.problems)
    if not files:
        return result
    with tempfile.TemporaryDirectory(prefix="nintei-check-") as tmp:
        tmp_path = Path(tmp)
        out, decided = tmp_path / "results.jsonl", tmp_path / "judged.jsonl"
        (tmp_path / "conftest.py").write_text(_PLUGIN, encoding="utf-8")
        (tmp_path / "test_check.py").write_text(_MODULE.format(paths=[str(f) for f in files]), encoding="utf-8")
        env = dict(os.environ, NINTEI_CHECK_OUT=str(out),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        env.pop("NINTEI_CHECK_JUDGED", None)
        if judged:
            env["NINTEI_CHECK_JUDGED"] = str(decided)
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", tmp, "-o",
             "disable_test_id_escaping_and_forfeit_all_rights_to_community_support=true",
             "-W", "ignore::DeprecationWarning", str(tmp_path / "test_check.py")],
            cwd=tmp, env=env, capture_output=True, text=True)
        if out.exists():
            for line in out.read_text(encoding="utf-8").splitlines():
                result.examples.append(Example(**json.loads(line)))
        if judged and decided.exists():
            result.judged = [json.loads(line) for line in decided.read_text(encoding="utf-8").splitlines()]
        if run.returncode not in (0, 1) or (run.returncode == 1 and all(e.ok for e in result.examples)):
            tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-15:])
            result.problems.append(f"仕様書を実行できませんでした:\n{tail}")
    return result


def _readable(files: list[Path], problems: list[str]) -> list[Path]:
    """The feature files the official Gherkin parser reads as a feature; each other one is a
    located problem (not run), so that one stray file does not stop the examples of the rest."""
    from gherkin.errors import CompositeParserException, NoSuchLanguageException, ParserException
    from gherkin.parser import Parser

    good = []
    for path in files:
        try:
            document = Parser().parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as err:
            problems.append(f"{path}: 読めません（UTF-8 のテキストとして保存してください: {err}）")
            continue
        except (CompositeParserException, NoSuchLanguageException, ParserException) as err:
            detail = "; ".join(str(e) for e in getattr(err, "errors", [err]))
            problems.append(f"{path}: Gherkin として読めません: {detail}")
            continue
        if not document.get("feature"):
            problems.append(f"{path}: 機能（「機能:」または Feature:）がありません。空のファイルなら消してください")
            continue
        good.append(path)
    return good


def report(result: CheckResult, lang: str = "ja") -> str:
    en = lang == "en"
    lines: list[str] = []
    by_file: dict[str, list[Example]] = {}
    for e in result.examples:
        by_file.setdefault(e.file, []).append(e)
    for file, examples in by_file.items():
        shown = _display(file)
        lines.append(f"{shown}: {'feature' if en else '機能'} {examples[0].feature}")
        rules: dict[str | None, list[Example]] = {}
        for e in examples:
            rules.setdefault(e.rule, []).append(e)
        for rule, exs in rules.items():
            failed = [e for e in exs if not e.ok]
            name = rule or ("(no rule)" if en else "（ルールなし）")
            if en:
                status = f"all {len(exs)} examples pass" if not failed else f"{len(failed)} of {len(exs)} examples fail"
            else:
                status = f"{len(exs)} 例すべて合格" if not failed else f"{len(exs)} 例中 {len(failed)} 例が不合格"
            lines.append(f"  {'rule' if en else 'ルール'} {name}: {status}")
            for e in failed:
                lines.append(f"    ✘ {'scenario' if en else 'シナリオ'}「{e.scenario}」 ({shown}:{e.line})")
                where = f" ({shown}:{e.step_line})" if e.step_line else ""
                lines.append(f"      {e.step}{where}")
                for msg in e.error.splitlines()[:3]:
                    lines.append(f"      → {msg}")
    lines.extend(result.problems)
    passed = sum(e.ok for e in result.examples)
    total = len(result.examples)
    if en:
        lines.append(f"total: {passed} of {total} examples pass" + ("" if result.ok else " — FAILED"))
    else:
        lines.append(f"合計: {total} 例中 {passed} 例が合格" + ("" if result.ok else "（不合格あり）"))
    return "\n".join(lines) + "\n"


def _display(file: str) -> str:
    try:
        return Path(file).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return file


def run_check(paths: list[str], lang: str = "ja") -> int:
    """Print the report; the exit status: 0 when every example passes, 1 otherwise."""
    result = check(paths)
    from facts.shown import one_line

    # names and messages from the feature files, shown as text: a control character written out
    sys.stdout.write("".join(one_line(line) + "\n" for line in report(result, lang).splitlines()))
    return 0 if result.ok else 1
