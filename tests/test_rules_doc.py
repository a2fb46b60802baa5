"""The examples of docs/rules.md run: the format example loads and its parameter history applies
from its fiscal year; the worked sixth municipality (rule file + Japanese feature file, nothing
else) passes its own examples through pytest-bdd and the shared steps."""
import os
import re
import subprocess
import sys
from pathlib import Path

from engine.compile import compile_policy
from engine.rulefile import load_rule_file

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC, re.S)
GHERKIN_BLOCKS = re.findall(r"```gherkin\n(.*?)```", DOC, re.S)


def test_documented_example_loads_and_its_threshold_changes_from_r8(tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(YAML_BLOCKS[0], encoding="utf-8")
    policy = load_rule_file(path, "rules/example.yaml")
    assert [c.id for c in policy.certifications] == ["member"]
    assert compile_policy(policy, 2025).values["report_threshold"] == 3.5
    r8 = compile_policy(policy, 2026)
    assert r8.values["report_threshold"] == 4.0 and r8.since["report_threshold"] == 2026


def test_worked_sixth_municipality_needs_only_a_rule_file_and_a_feature_file(tmp_path):
    assert len(YAML_BLOCKS) == 2 and len(GHERKIN_BLOCKS) == 1
    (tmp_path / "rules").mkdir()
    (tmp_path / "features").mkdir()
    (tmp_path / "rules" / "reidai.yaml").write_text(YAML_BLOCKS[1], encoding="utf-8")
    (tmp_path / "features" / "reidai.feature").write_text(GHERKIN_BLOCKS[0], encoding="utf-8")
    (tmp_path / "test_reidai.py").write_text(
        "from pytest_bdd import scenarios\nfrom steps_common import *  # noqa\nscenarios('features')\n",
        encoding="utf-8")
    env = dict(os.environ, NINTEI_RULES_DIR=str(tmp_path / "rules"),
               PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                          "-o", "disable_test_id_escaping_and_forfeit_all_rights_to_community_support=true",
                          str(tmp_path / "test_reidai.py")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout
