"""The example of docs/rules.md loads, and its parameter history applies from its fiscal year."""
import re
from pathlib import Path

from engine.compile import compile_policy
from engine.rulefile import load_rule_file

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_documented_example_loads_and_its_threshold_changes_from_r8(tmp_path):
    [example] = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    policy = load_rule_file(path, "rules/example.yaml")
    assert [c.id for c in policy.certifications] == ["member"]
    assert compile_policy(policy, 2025).values["report_threshold"] == 3.5
    r8 = compile_policy(policy, 2026)
    assert r8.values["report_threshold"] == 4.0 and r8.since["report_threshold"] == 2026
