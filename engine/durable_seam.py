"""The one module that touches durable_rules (style.md #10).

It drives durable_rules' C engine (``durable_rules_engine``) directly, with a dispatch loop of
its own, instead of durable's Python ``Host``. What that avoids (../shared/notes/durable-rules.md):
- the Host's timer threads, which run pending actions later on their own;
- the Python layer's **wall-clock action limit**: ``durable.engine.Closure`` ends an action chain
  silently when more than 10 s of wall-clock time have passed since the action was handed out
  (``_has_completed``), so a stall (a long garbage collection on a loaded machine, a clock step)
  dropped the rest of a staff member's firings and the review stopped on a condition that
  durable_rules "decided" unmet (issue 13, item 3). Our loop reads no clock: every action that
  durable_rules hands out runs, and the chain ends only when durable_rules has no more;
- exceptions swallowed into the state: an exception in one of our actions abandons the action,
  deletes the state and is raised as a ``ReviewError``.

What it still has to respect:
- a ruleset name can be defined once per process and is never freed: rulesets are registered
  once per (policy, fiscal year, rules hash) and reused;
- at most 1024 live states, and sids are hashed to 32 bits: staff are judged one at a time in a
  state that is deleted before the next staff member's facts go in (every judgement uses the same
  sid, so there is never a second live state to collide with);
- ``delete_state`` crashes on a state in which no action ran: a session fact that a no-op rule
  consumes is asserted first;
- a fact that matches no rule, or an identical fact twice, makes durable_rules skip the batch's
  actions: the compiler adds a never-completing sink rule per fact type, facts carry unique ids,
  and such a result is a ``ReviewError`` here;
- in a join, a test placed after a nested ``$or`` / ``$and`` group of the same pattern is never
  evaluated (durable_rules' ``reduceExpressionSequence`` returns at the group's end): the compiler
  puts every test that refers to another pattern first (engine/compile.py, ``pattern``).
"""
from __future__ import annotations

import json
import os

import orjson
from typing import Any, Callable

import durable_rules_engine as _c

from .errors import ReviewError

SESSION = "_session"
STAGE = "_stage"
SID = "s"  # one live state at a time: the same sid for every staff member

_NOT_HANDLED, _OBSERVED, _DEFERRED = 1, 2, 3

Action = Callable[[dict[str, Any], Callable[[dict[str, Any]], None]], None]


class _Ruleset:
    def __init__(self, name: str, definition: dict[str, Any]):
        self.name = name
        self.actions: dict[str, Action] = {}
        plain: dict[str, Any] = {}
        for rule, body in definition.items():
            body = dict(body)
            self.actions[rule] = body.pop("run")
            plain[rule] = body
        try:
            self.handle = _c.create_ruleset(name, json.dumps(plain, ensure_ascii=False))
        except Exception as e:  # durable_rules reports ruleset errors as bare Exceptions
            raise ReviewError(f"durable_rules rejected ruleset {name}: {e}") from e

    def _result(self, result: tuple[int, int], what: str) -> int:
        code, state = result
        if code == _NOT_HANDLED:
            raise ReviewError(f"durable_rules: no rule takes {what}")
        if code == _OBSERVED:
            raise ReviewError(f"durable_rules: {what} was asserted twice")
        if code == _DEFERRED:
            raise ReviewError(f"durable_rules deferred {what} (a message store is configured)")
        return state

    def assert_fact(self, fact: dict[str, Any]) -> None:
        """Assert one more fact into the live state (from inside an action: its rules run next)."""
        self._result(_c.assert_fact(self.handle, _dumps(dict(fact, sid=SID))),
                     f"fact {fact.get('id')}")

    def _run_actions(self, state: int) -> None:
        """Run every action durable_rules has for the state, each to completion, until none is left."""
        started = _c.start_action_for_state(self.handle, state)
        if not started:
            return
        message = orjson.loads(started[1])
        while True:
            (rule, matched), = message.items()
            try:
                self.actions[rule](matched, self.assert_fact)
            except BaseException:
                _c.abandon_action(self.handle, state)
                raise
            following = _c.complete_and_start_action(self.handle, state)
            if not following:
                return
            message = orjson.loads(following)

    def judge(self, facts: list[dict[str, Any]], stages: int) -> None:
        batch = [{"sid": SID, "id": SESSION, "t": SESSION}]
        batch.extend(dict(f, sid=SID) for f in facts)
        try:
            state = self._result(_c.assert_facts(self.handle, _dumps(batch)), "a fact")
            self._run_actions(state)
            for k in range(1, stages + 1):  # negation strata, one by one after every positive fact
                stage = {"sid": SID, "id": f"_stage{k}", "t": STAGE, "k": k}
                self._run_actions(self._result(_c.assert_fact(self.handle, _dumps(stage)), stage["id"]))
        finally:
            _c.delete_state(self.handle, SID)


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


_RULESETS: dict[str, _Ruleset] = {}
_PID: int | None = None


def ensure_ruleset(name: str, build: Callable[[], dict[str, Any]]) -> None:
    """Register the ruleset ``name`` once in this process; ``build`` makes a fresh definition whose
    rules' ``run`` are callables ``run(matched, assert_fact)``."""
    global _PID
    if _PID != os.getpid():  # a forked worker registers its own
        _RULESETS.clear()
        _PID = os.getpid()
    if name not in _RULESETS:
        _RULESETS[name] = _Ruleset(name, build())


def judge(name: str, who: str, facts: list[dict[str, Any]], stages: int) -> None:
    """Assert one staff member's facts into a fresh state, run the negation stages, delete the
    state. The compiled actions record what fired; ``who`` names the staff member in errors."""
    try:
        _RULESETS[name].judge(facts, stages)
    except ReviewError as e:
        raise ReviewError(f"職員 {who}: {e}") from e
    except Exception as e:  # an action of ours failed, or durable_rules raised
        raise ReviewError(f"職員 {who}: a rule action failed: {e!r}") from e
