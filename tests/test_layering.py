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


def test_every_package_is_listed_in_pyproject():
    """pyproject.toml lists the packages by hand: a new one left out would be missing from an
    installed (not editable) nintei."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {str(p.parent.relative_to(ROOT)).replace("/", ".") for top in ("engine", "facts", "commands")
             for p in (ROOT / top).rglob("__init__.py")}
    assert listed == found
