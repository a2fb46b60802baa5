"""The examples' judgements laid over the items: which conditions each asserted decision met or did
not meet, and the values compared with each parameter.

Read from the decisions' explanation trees, which engine/explain/ renders from what fired in
durable_rules (and checks node by node against it): the verdicts are the engine's own.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .universe import Boundary, Item


def lay(items: dict[tuple[str, ...], Item], bounds: dict[str, Boundary], explanation: dict, example: str) -> None:
    """One decision's explanation (JSON, as Decision.explanation dumps it) over its certification's
    items: the root's children are the held alternative and the certification's condition."""
    for child in explanation.get("conditions", []):
        _visit(child, (), items, bounds, example)


def _visit(node: dict, path: tuple[str, ...], items, bounds, example: str) -> None:
    if node["kind"] == "candidate":  # one record of a correlated condition: its figures are its parent's
        _observe(node, path, items, bounds, example)
        for child in node.get("conditions", []):
            _visit(child, path, items, bounds, example)
        return
    key = path + (node["id"],)
    item = items.get(key)
    if item is not None:
        _mark(item, node["met"], example)
    _observe(node, key, items, bounds, example)
    for child in node.get("conditions", []):
        _visit(child, key, items, bounds, example)


def _observe(node: dict, key: tuple[str, ...], items, bounds, example: str) -> None:
    """A node's comparisons: each order test it made (a record's value against a threshold) and the
    values compared with a parameter. A comparison with no value (records missing) tests nothing."""
    tests = {i.label: i for k, i in items.items() if i.kind == "threshold" and k[:-1] == key}
    for o in node.get("observations", []):
        if o.get("value") is None or o.get("setting"):
            continue
        test = tests.get(f"{o.get('label')} {o.get('op')}")
        if test is not None:
            _mark(test, o["met"], example)
        b = bounds.get(o.get("parameter") or "")
        if b is not None and b.numeric:
            v, x = _number(o["value"]), _number(o.get("threshold"))
            if v is not None and x is not None:
                b.seen.append((v, x, bool(o["met"]), example))


def _mark(item: Item, met: bool, example: str) -> None:
    seen = item.met if met else item.unmet
    if example not in seen:
        seen.append(example)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def step(b: Boundary, threshold: Decimal) -> Decimal:
    """The smallest step of a parameter's values: one for counts and years; for a score, one unit of
    the threshold's last decimal place, at least 0.1 (scores are recorded as 3.5, 4.0: 3.4 is one
    step below 3.5; a threshold of 3.25 steps by 0.01)."""
    if b.param.type != "score":
        return Decimal(1)
    places = max(1, -threshold.normalize().as_tuple().exponent)
    return Decimal(1).scaleb(-places)


def near(b: Boundary) -> dict[str, Any]:
    """Where the examples' values lay against the threshold in force: ``at`` (equal), ``below`` /
    ``above`` (within one step), and the nearest value when none was that close."""
    sides: dict[str, list] = {"at": [], "below": [], "above": []}
    nearest = None
    for v, x, met, example in b.seen:
        d = v - x
        side = "at" if d == 0 else ("below" if -step(b, x) <= d < 0 else ("above" if 0 < d <= step(b, x) else None))
        if side is not None:
            if (v, met) not in [(s[0], s[1]) for s in sides[side]]:
                sides[side].append((v, met, example))
        elif nearest is None or abs(d) < abs(nearest[0] - nearest[1]):
            nearest = (v, x)
    tested = any(sides.values())
    return {"status": "tested" if tested else ("untested" if b.seen else "never_compared"),
            "sides": sides, "nearest": None if tested or nearest is None else nearest}
