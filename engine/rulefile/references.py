"""References between parts of a policy: ``ref`` to named conditions (which may not refer to
themselves), ``certified`` / certification records naming known certifications, and no
certification depending on itself through its prerequisites."""
from __future__ import annotations

from .model import BindingRef, CertificationDef, Loc, Node, ParamRef
from .yamlio import RuleFileReader, suggest


class References(RuleFileReader):
    def check_references(self, certs: list[CertificationDef]) -> None:
        ids = {c.id for c in certs}
        graph: dict[str, set[str]] = {}
        named_refs: dict[str, set[str]] = {}
        for name, cond in self.named.items():
            named_refs[name] = {n.ref for n in cond.walk() if n.kind == "ref"}
        all_nodes = [n for c in certs for n in c.condition.walk()] + [n for c in self.named.values() for n in c.walk()]
        for n in all_nodes:
            if n.kind == "ref" and n.ref not in self.named:
                self.err(n.loc, f"unknown condition '{n.ref}'{suggest(n.ref, self.named)}"
                                f" (name it under 'conditions:')")
        for start in named_refs:  # a named condition may not refer to itself
            seen, stack = set(), [start]
            while stack:
                for nxt in named_refs.get(stack.pop(), ()):
                    if nxt == start:
                        self.err(self.named[start].loc, f"condition '{start}' refers to itself")
                        stack = []
                        break
                    if nxt not in seen and nxt in named_refs:
                        seen.add(nxt)
                        stack.append(nxt)

        def reach(node: Node, seen: set[str]):
            for n in node.walk():
                yield n
                if n.kind == "ref" and n.ref in self.named and n.ref not in seen:
                    seen.add(n.ref)
                    yield from reach(self.named[n.ref], seen)

        for c in certs:
            refs = set()
            for n in reach(c.condition, set()):
                if n.kind == "certified":
                    if n.certified not in ids:
                        self.err(n.loc, f"unknown certification '{n.certified}'{suggest(n.certified, ids)}")
                    refs.add(n.certified)
                for t in n.where:
                    if n.fact == "certification" and t.field == "certification" and t.op == "eq" \
                            and t.operand not in ids and not isinstance(t.operand, (ParamRef, BindingRef)):
                        self.err(t.loc, f"unknown certification '{t.operand}'{suggest(t.operand, ids)}")
            graph[c.id] = refs
        for start in graph:  # prerequisite cycles
            seen, stack = set(), [start]
            while stack:
                cur = stack.pop()
                for nxt in graph.get(cur, ()):
                    if nxt == start:
                        self.err(self._cert_loc(certs, start), f"certification '{start}' depends on itself"
                                 " through its prerequisites (a cycle can never be met)")
                        stack = []
                        break
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)

    @staticmethod
    def _cert_loc(certs, cid) -> Loc:
        return next(c.loc for c in certs if c.id == cid)
