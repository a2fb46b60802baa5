"""Runs every scenario under features/ (Japanese Gherkin) with the shared steps."""
from pytest_bdd import scenarios

from steps_common import *  # noqa: F401,F403  (steps and the bdd_state fixture)

scenarios("../features")
