"""docs/audit.md is run as written (tests/doc_steps.py says how)."""
from __future__ import annotations

from tests.doc_steps import ROOT, run_walkthrough


def test_the_auditors_walkthrough_runs_as_written(tmp_path):
    run_walkthrough(ROOT / "docs" / "audit.md", tmp_path, "監査 太郎", at_least=15)
