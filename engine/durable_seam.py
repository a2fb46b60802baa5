"""The one module that touches durable_rules (style.md #10).

What it hides (../shared/notes/durable-rules.md):
- the default Host starts timer threads that run actions later on their own: ``_QuietHost``
  replaces its loop with nothing, and there is one host per process;
- a ruleset name can be defined once per process and is never freed: rulesets are registered
  once per (policy, fiscal year, rules hash) and reused;
- at most 1024 live states, and sids are hashed to 32 bits: staff are judged one at a time, each
  in a state that is deleted before the next staff member's facts go in;
- ``delete_state`` crashes on a state in which no action ran: a session fact that a no-op rule
  consumes is asserted first;
- a fact that matches no rule raises and silently stops the batch's actions: the compiler adds a
  never-completing sink rule per fact type; facts carry unique ids;
- exceptions inside actions are swallowed by durable_rules: our actions record them and
  ``judge`` raises them after the call.
"""
from __future__ import annotations

import os
from typing import Any, Callable

import durable.engine as _durable

from .errors import ReviewError

SESSION = "_session"
STAGE = "_stage"


class _QuietHost(_durable.Host):
    """A Host whose background dispatch loop does nothing: actions run only inside our calls."""

    def _run(self) -> None:  # noqa: D401 - durable_rules' hook
        return None


_HOST: _QuietHost | None = None
_HOST_PID: int | None = None
_REGISTERED: set[str] = set()


def _host() -> _QuietHost:
    global _HOST, _HOST_PID
    if _HOST is None or _HOST_PID != os.getpid():  # a forked worker builds its own
        _HOST, _HOST_PID = _QuietHost(), os.getpid()
        _REGISTERED.clear()
    return _HOST


def ensure_ruleset(name: str, build: Callable[[], dict[str, Any]]) -> None:
    """Register the ruleset ``name`` once in this process; ``build`` makes a fresh definition."""
    host = _host()
    if name in _REGISTERED:
        return
    definition = build()
    try:
        host.set_rulesets({name: definition})
    except Exception as e:  # durable_rules reports ruleset errors as bare Exceptions
        raise ReviewError(f"durable_rules rejected ruleset {name}: {e}") from e
    _REGISTERED.add(name)


class ActionError(Exception):
    """An exception raised inside a durable_rules action, carried out of the engine."""


def judge(name: str, sid: str, facts: list[dict[str, Any]], stages: int, errors: list[BaseException]) -> None:
    """Assert one staff member's facts into a fresh state, run the negation stages, delete it.

    The compiled actions record what fired; ``errors`` is the list they append exceptions to.
    """
    host = _host()
    batch = [{"sid": sid, "id": "_session", "t": SESSION}]
    batch.extend(dict(f, sid=sid) for f in facts)
    try:
        host.assert_facts(name, batch)
        for k in range(1, stages + 1):
            host.assert_fact(name, {"sid": sid, "id": f"_stage{k}", "t": STAGE, "k": k})
    except (_durable.MessageNotHandledException, _durable.MessageObservedException) as e:
        raise ReviewError(f"durable_rules refused a fact of staff {sid}: {e}") from e
    finally:
        try:
            host.delete_state(name, sid)
        except Exception:  # pragma: no cover - state already gone
            pass
    if errors:
        raise ReviewError(f"a rule action failed for staff {sid}: {errors[0]!r}") from errors[0]
