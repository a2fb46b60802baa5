"""What a policy declares before its conditions: ordinal scales, the course / skill catalogues and
the derived facts it computes (``scales:``, ``catalogues:``, ``derived:``)."""
from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from facts.aliases import norm

from ..derived import KINDS
from ..facttypes import BASE_TYPES
from .model import CatalogueEntry, Derived, Loc, ParamRef, Scale
from .yamlio import RuleFileReader, plain, suggest

# The options each derived-fact kind takes (declared with the kind, engine/derived/).
DERIVED_OPTIONS: dict[str, tuple[str, ...]] = {name: k.options for name, k in KINDS.items()}


class Declarations(RuleFileReader):
    # -- scales and catalogues
    def load_scales(self, node: Any) -> dict[str, Scale]:
        out: dict[str, Scale] = {}
        if not isinstance(node, CommentedMap):
            self.err(Loc(self.file, 1, 1), "'scales' must map scale names to {values: [...], labels: {...}}")
            return out
        for name, spec, loc in self.entries(node, "scale", {"values", "labels"}):
            values = spec.get("values")
            if not isinstance(values, CommentedSeq) or len(values) < 2:
                self.err(loc, f"scale '{name}' needs 'values': its levels, lowest first (at least two)")
                continue
            vals = tuple(str(v) for v in values)
            if len(set(vals)) != len(vals):
                self.err(self.loc(spec, "values"), f"scale '{name}' lists a level twice")
            labels = {str(k): str(v) for k, v in (spec.get("labels") or {}).items()}
            for k in labels:
                if k not in vals:
                    self.err(self.loc(spec, "labels"), f"scale '{name}': label for unknown level '{k}'")
            out[str(name)] = Scale(str(name), vals, labels, loc)
        return out

    def load_catalogues(self, node: Any) -> dict[str, dict[str, CatalogueEntry]]:
        out: dict[str, dict[str, CatalogueEntry]] = {}
        if not isinstance(node, CommentedMap):
            self.err(Loc(self.file, 1, 1), "'catalogues' must map course / skill to entries")
            return out
        for kind, entries in node.items():
            loc = self.loc(node, kind)
            if kind not in ("course", "skill"):
                self.err(loc, f"unknown catalogue '{kind}'{suggest(kind, ('course', 'skill'))} (course, skill)")
                continue
            entries = self.mapping(entries, loc, f"catalogue '{kind}'")
            if entries is None:
                continue
            out[kind] = {}
            seen: dict[str, str] = {}
            for cid, spec in entries.items():
                eloc = self.loc(entries, cid)
                if not str(cid).isidentifier():
                    self.err(eloc, f"{kind} id '{cid}' must be an identifier such as security_basics")
                if isinstance(spec, str):
                    spec = CommentedMap(ja=spec)
                spec = self.mapping(spec, eloc, f"{kind} '{cid}'")
                if spec is None:
                    continue
                self.unknown_keys(spec, {"ja", "en", "provider", "aliases"}, f"{kind} '{cid}'")
                if not spec.get("ja"):
                    self.err(eloc, f"{kind} '{cid}' needs 'ja' (its Japanese name)")
                    continue
                aliases = spec.get("aliases") or []
                entry = CatalogueEntry(str(cid), str(spec["ja"]), str(spec.get("en") or ""),
                                       str(spec["provider"]) if spec.get("provider") else None,
                                       tuple(str(a) for a in aliases))
                for name in {norm(str(cid)), *(norm(n) for n in entry.names())}:
                    if name in seen and seen[name] != cid:
                        self.err(eloc, f"{kind} '{cid}': the name '{name}' also names '{seen[name]}'")
                    seen[name] = str(cid)
                out[kind][str(cid)] = entry
        return out

    # -- derived facts
    def load_derived(self, node: Any) -> dict[str, Derived]:
        out: dict[str, Derived] = {}
        if not isinstance(node, CommentedMap):
            return out
        for name, spec, loc in self.entries(node, "derived fact"):
            if name in BASE_TYPES:
                self.err(loc, f"derived fact '{name}' has the name of a record type")
                continue
            kind = spec.get("kind")
            if kind not in KINDS:
                self.err(loc, f"derived fact '{name}': unknown kind {kind!r}{suggest(kind, KINDS)}")
                continue
            options = {}
            for k, v in spec.items():
                if k == "kind":
                    continue
                if isinstance(v, str) and v.startswith("$"):
                    if v[1:] not in self.params:
                        self.err(self.loc(spec, k, value=True), f"unknown parameter '{v}'{suggest(v[1:], self.params)}")
                        continue
                    options[k] = ParamRef(v[1:])
                else:
                    options[k] = plain(v)
            allowed = KINDS[kind].options
            for k in options:
                if k not in allowed:
                    self.err(self.loc(spec, k), f"derived fact '{name}': unknown option '{k}' of {kind}"
                                                f"{suggest(k, allowed)} (options: {', '.join(allowed) or 'none'})")
            scale = KINDS[kind].check(_Declared(self, str(name), options, spec, loc))
            options.setdefault("framework", getattr(self, "policy_id", None))
            out[name] = Derived(name, kind, options, loc, scale)
        return out


class _Declared:
    """A derived-fact declaration as its kind's check sees it (engine.derived.Declaration)."""

    def __init__(self, reader: RuleFileReader, name: str, options: dict[str, Any], spec: CommentedMap, loc: Loc):
        self.name, self.options, self.scales = name, options, reader.scales
        self._reader, self._spec, self._loc = reader, spec, loc

    def problem(self, message: str, option: str | None = None) -> None:
        at = self._reader.loc(self._spec, option, value=True) if option is not None and option in self._spec \
            else self._loc
        self._reader.err(at, message)

    def parameter_type(self, option: str) -> str | None:
        ref = self.options.get(option)
        return self._reader.params[ref.name].type if isinstance(ref, ParamRef) else None

    @staticmethod
    def suggest(name: Any, choices: Any) -> str:
        return suggest(name, choices)
