"""The facts package does not import the engine (issue 14): the engine depends on facts, never the
other way round. Checked in a fresh interpreter, so that nothing imported by other tests counts."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_importing_facts_imports_nothing_of_the_engine():
    code = ("import sys, facts, facts.importer, facts.readers, facts.store, facts.db, facts.errors; "
            "print(sorted(m for m in sys.modules if m == 'engine' or m.startswith('engine.')))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_the_engine_re_exports_the_errors_facts_raise():
    import engine.errors
    import facts.errors

    assert engine.errors.FactError is facts.errors.FactError
    assert engine.errors.ReviewError is facts.errors.ReviewError
    assert engine.errors.Problem is facts.errors.Problem
    assert issubclass(engine.errors.RuleError, facts.errors.NinteiError)
