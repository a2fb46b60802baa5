"""`nintei rules show`: a policy rendered as readable criteria, in Japanese (or English).

The condition trees are shown as the rule file states them for one fiscal year: parameters by
their label and the value in force (and the year it applies from), tables and lists expanded
(`every`), named conditions written out where they are used. Nothing here decides anything.
"""
from __future__ import annotations

from typing import Any

from .facttypes import FactType
from .rulefile import BindingRef, Node, ParamRef, Policy, ReviewYear, Test
from .rulefile import SYMBOLS as _OPS

_KIND = {
    "ja": {"all": "すべて満たす", "any": "いずれかを満たす", "not": "満たさない", "every": "すべて満たす",
           "cases": "該当する場合ごとに"},
    "en": {"all": "all of", "any": "any of", "not": "not", "every": "all of", "cases": "by case"},
}
_VALIDITY = {"ja": {"permanent": "永続（一度認定されれば以後は保持）", "yearly": "毎年判定"},
             "en": {"permanent": "permanent (held once granted)", "yearly": "judged every year"}}


class _Shower:
    def __init__(self, policy: Policy, fiscal_year: int, lang: str):
        self.p, self.year, self.en = policy, fiscal_year, lang == "en"
        self.types: dict[str, FactType] = policy.fact_types()
        self.lines: list[str] = []

    def t(self, ja: str, en: str) -> str:
        return en if self.en else ja

    def value(self, v: Any) -> str:
        if isinstance(v, dict):
            return self.t(f"（表 {len(v)} 行）", f"(table of {len(v)} rows)")
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join("空欄" if x is None and not self.en else str(x) for x in v) + "]"
        return str(v)

    def operand(self, t: Test) -> str:
        x = t.operand
        if isinstance(x, ReviewYear):
            return self.t(f"審査年度（{self.year}）", f"the review year ({self.year})")
        if isinstance(x, BindingRef):
            return f"{x.binding}.{x.field}"
        if isinstance(x, ParamRef):
            p = self.p.parameters[x.name]
            value, since = p.value_for(self.year)
            label = p.label.en if self.en and p.label.en else p.label.ja
            since_text = self.t(f"、{since}年度から", f", since FY{since}") if since else ""
            return f"{label} {self.value(value)}（${x.name}{since_text}）" if not self.en else \
                f"{label} {self.value(value)} (${x.name}{since_text})"
        return self.value(x)

    def tests(self, node: Node) -> str:
        ftype = self.types[node.fact]
        parts = []
        for t in node.where:
            f = ftype.fields[t.field]
            parts.append(f"{f.en if self.en else f.ja} {_OPS[t.op]} {self.operand(t)}")
        name = ftype.en if self.en else ftype.ja
        return f"{name}: " + ("; ".join(parts) if parts else self.t("記録がある", "a record exists"))

    def node(self, node: Node, depth: int) -> None:
        pad = "  " * depth
        text = (node.text.en or node.text.ja) if self.en else node.text.ja
        if node.kind == "ref":  # the named condition written out here, with this use's wording if any
            named = self.p.conditions[node.ref]
            if text == node.id:
                text = (named.text.en or named.text.ja) if self.en else named.text.ja
            self.lines.append(f"{pad}- {text}")
            self.body(named, depth)
            return
        self.lines.append(f"{pad}- {text}" + (f"  《{node.quote}》" if node.quote else ""))
        self.body(node, depth)

    def body(self, node: Node, depth: int) -> None:
        """What a condition asks, below its line: the same whether it is written in place or named
        and used by ``ref`` (an ``at_least`` of conditions has no fact type: it lists its own)."""
        pad = "  " * depth
        if node.kind in ("exists", "at_least") and node.fact:
            self.leaf(node, depth + 1)
        elif node.kind == "certified":
            cert = self.p.certification(node.certified)
            self.lines.append(f"{pad}    {self.t('認定', 'certification')}: {cert.label.en if self.en else cert.label.ja}"
                              f" ({cert.id})")
        elif node.kind == "flag":
            p = self.p.parameters[node.flag.name]
            self.lines.append(f"{pad}    {p.label.en if self.en else p.label.ja} = {p.value_for(self.year)[0]}"
                              f" (${node.flag.name}; {self.t('この条件は値が', 'met when it is')} {node.flag_is}"
                              f"{self.t(' のとき満たす', '')})")
        elif node.kind == "at_least":
            need = self.count(node)
            self.lines.append(f"{pad}    {self.t(f'{need} 個以上', f'at least {need} of')}:")
        for c in self._children(node):
            self.node(c, depth + 1)
        if node.with_ is not None:
            self.node(node.with_, depth + 1)

    def count(self, node: Node) -> int:
        if isinstance(node.count, ParamRef):
            return self.p.parameters[node.count.name].value_for(self.year)[0]
        return node.count

    def _children(self, node: Node) -> list[Node]:
        return node.expanded(self.year) if node.kind in ("all", "any", "not", "every", "at_least") else []

    def leaf(self, node: Node, depth: int) -> None:
        pad = "  " * depth
        line = self.tests(node)
        if node.kind == "at_least":
            need = self.count(node)
            line += self.t(f"（{node.run_field} が異なる記録が {need} 件以上）", f" ({need} or more with different {node.run_field})")
        self.lines.append(f"{pad}  {line}")

    def policy(self) -> str:
        p = self.p
        self.lines.append(f"{p.id}: {p.municipality.en or p.municipality.ja} — {p.title.en or p.title.ja}" if self.en
                          else f"{p.id}: {p.municipality.ja} {p.title.ja}")
        self.lines.append(self.t(f"出典: {p.source.get('document', '')}", f"source: {p.source.get('document', '')}"))
        self.lines.append(self.t(f"{self.year}年度に適用される値で表示", f"shown with the values in force in FY{self.year}"))
        for cert in p.certifications:
            label = cert.label.en if self.en else cert.label.ja
            self.lines.append("")
            self.lines.append(f"■ {label} ({cert.id}) — {_VALIDITY['en' if self.en else 'ja'][cert.validity]}")
            self.lines.append(f"  「{cert.criterion}」")
            self.node(cert.condition, 1)
        self.lines.append("")
        self.lines.append(self.t("パラメータ:", "parameters:"))
        for name, prm in p.parameters.items():
            value, since = prm.value_for(self.year)
            label = prm.label.en if self.en and prm.label.en else prm.label.ja
            changes = ", ".join(f"{start}: {self.value(v)}" for start, v in prm.values[1:])
            self.lines.append(f"  ${name} {label} = {self.value(value)}"
                              + (self.t(f"（変更: {changes}）", f" (changes: {changes})") if changes else ""))
            if prm.reading:
                self.lines.append(f"    {self.t('読み方', 'reading')}: {prm.reading}")
        return "\n".join(self.lines) + "\n"


def show_policy(policy: Policy, fiscal_year: int, lang: str = "ja") -> str:
    """The policy's certifications and their conditions as readable text."""
    return _Shower(policy, fiscal_year, lang).policy()
