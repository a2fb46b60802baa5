"""What there is to cover in a policy: every condition node an explanation shows, each order test
(threshold) of a condition on records, and each parameter of the rule file.

An item is keyed by its path in the explanation tree: the ids of the nodes from the certification's
condition down to it, as engine/explain/ names them (a ``ref`` shows its named condition under the
named condition's id; a correlated ``exists ... as/with`` shows its inner condition once per
candidate record, which the path skips; an ``every`` shows its expansions). A named condition used
in several places is several items: each use is a place an example may or may not reach.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..rulefile import ORDER_OPS, BindingRef, CertificationDef, Loc, Node, Parameter, ParamRef, Policy, ReviewYear
from ..rulefile import SYMBOLS, Test, Text

NUMERIC = ("score", "integer", "fiscal_year")  # parameters whose boundary is checked


@dataclass
class Item:
    """A condition (or a threshold test of one) and the examples that judged it, each way."""

    key: tuple[str, ...]
    kind: str  # a condition kind, "held" (held from an earlier grant) or "threshold" (an order test)
    node_id: str
    loc: Loc
    text: Text
    quote: str | None  # the policy's sentence: the node's own, else its nearest ancestor's
    label: str = ""  # threshold: the compared field's Japanese label and symbol, as observations show them
    met: list[str] = field(default_factory=list)  # the examples (file:line) where it was met
    unmet: list[str] = field(default_factory=list)  # ... and where it was not

    @property
    def status(self) -> str:
        return "covered" if self.met and self.unmet else ("half" if self.met or self.unmet else "uncovered")

    @property
    def ways(self) -> int:
        return bool(self.met) + bool(self.unmet)


@dataclass
class CertItems:
    cert: CertificationDef
    items: list[Item]


@dataclass
class Boundary:
    """A parameter and the values the examples compared with it (value, threshold, met, example)."""

    param: Parameter
    seen: list[tuple[float, float, bool, str]] = field(default_factory=list)

    @property
    def numeric(self) -> bool:
        return self.param.type in NUMERIC


def cert_items(policy: Policy, cert: CertificationDef) -> CertItems:
    out: dict[tuple[str, ...], Item] = {}
    if cert.validity == "permanent":
        key = (f"{cert.id}#held",)
        out[key] = Item(key, "held", key[0], cert.loc, Text("前の年度までに認定されている（保持）",
                                                            "certified in an earlier fiscal year (held)"),
                        cert.criterion)
    _walk(policy, cert.condition, (), cert.criterion, out)
    return CertItems(cert, list(out.values()))


def _walk(policy: Policy, node: Node, path: tuple[str, ...], quote: str | None, out: dict,
          used_as: Node | None = None) -> None:
    if node.kind == "flag":  # a yes/no setting of the rule file: no example can change it
        return
    if node.kind == "ref":  # shown as the named condition itself, at this use
        _walk(policy, policy.conditions[node.ref], path, node.quote or quote, out, used_as=node)
        return
    at = used_as or node
    text = at.text if at.text.ja != at.id else node.text
    quote = at.quote or node.quote or quote
    key = path + (node.id,)
    out.setdefault(key, Item(key, node.kind, at.id, at.loc, text, quote))
    if node.fact is not None:
        fields = policy.fact_types()[node.fact].fields
        for t in node.where:
            if t.op in ORDER_OPS and not _always(fields.get(t.field), t):
                tkey = key + (f"{t.field} {t.op}",)
                label = fields[t.field].ja if t.field in fields else t.field
                shown = Text(f"{text.ja}: {label} {SYMBOLS[t.op]} {_operand(policy, t, 'ja')}",
                             f"{text.en or text.ja}: {fields[t.field].en if t.field in fields else t.field} "
                             f"{SYMBOLS[t.op]} {_operand(policy, t, 'en')}")
                out.setdefault(tkey, Item(tkey, "threshold", at.id, t.loc, shown, quote,
                                         label=f"{label} {SYMBOLS[t.op]}"))
    for child in _children(node):
        _walk(policy, child, key, quote, out)


def _always(fdef, t: Test) -> bool:
    """An order test no record on the scale can fail: at least its lowest level (oyama's 「c 以上」),
    at most its highest. Such a test is not an item (the condition's own item still is)."""
    scale = fdef.scale if fdef is not None and fdef.type == "rank" else ()
    return bool(scale) and ((t.op == "gte" and str(t.operand) == scale[0]) or
                            (t.op == "lte" and str(t.operand) == scale[-1]))


def _children(node: Node) -> list[Node]:
    if node.every is not None:  # every variant's expansions (values may change by year)
        return [c for _, variant in node.every.variants for c in variant.children]
    if node.with_ is not None:
        return [node.with_]
    return list(node.children)


def _operand(policy: Policy, t: Test, lang: str) -> str:
    x = t.operand
    if isinstance(x, ParamRef):
        p = policy.parameters[x.name]
        return f"${x.name}（{p.label.ja}）" if lang == "ja" else f"${x.name} ({p.label.en or p.label.ja})"
    if isinstance(x, BindingRef):
        return f"{x.binding}.{x.field}"
    if isinstance(x, ReviewYear):
        return "審査年度" if lang == "ja" else "the review year"
    return str(x)


def boundaries(policy: Policy) -> dict[str, Boundary]:
    return {name: Boundary(p) for name, p in policy.parameters.items()}
