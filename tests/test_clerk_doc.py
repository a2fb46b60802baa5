"""docs/clerk.md, the clerk's yearly steps, is run as written (tests/doc_steps.py says how): HR's
exports imported as they are, the review to Excel, the report, an explanation, certificates and
badges, the ledger checked, all in one database."""
from __future__ import annotations

from tests.doc_steps import ROOT, run_walkthrough


def test_the_clerks_walkthrough_runs_as_written(tmp_path):
    run_walkthrough(ROOT / "docs" / "clerk.md", tmp_path, "人事 花子", at_least=12)
