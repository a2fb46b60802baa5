"""The shared Japanese Gherkin steps, for the test modules (they live in engine/steps.py, which
`nintei check` uses too)."""
from engine.steps import *  # noqa: F401,F403
from engine.steps import bdd_state  # noqa: F401  (the fixture the steps share)
