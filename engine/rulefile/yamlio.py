"""Line-numbered YAML: reading a rule file with ruamel.yaml and pointing at its lines.

``RuleFileReader`` is the base of the loader: it parses (duplicate keys rejected, values kept as
written), turns a node or key into a ``Loc``, and collects problems as ``file:line:col: message``
instead of stopping at the first (style.md #3, #14). ``suggest`` adds the did-you-mean.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Iterator

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from ..errors import Problem
from .model import Loc, Text

BAD = object()  # what a check returns for a value it rejected (the problem is recorded)


def suggest(name: Any, choices) -> str:
    """The did-you-mean for a misspelt name ("" when nothing is close). Names are compared as
    written: YAML reads a key such as ``1.5:`` as a number, on either side of the comparison."""
    match = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def plain(value: Any) -> Any:
    if isinstance(value, CommentedMap):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, CommentedSeq):
        return [plain(v) for v in value]
    return value


class RuleFileReader:
    def __init__(self, path: Path, display: str):
        self.path = path
        self.file = display
        self.problems: list[Problem] = []

    # -- positions
    def loc(self, node: Any, key: Any = None, value: bool = False) -> Loc:
        try:
            if key is not None and isinstance(node, (CommentedMap, CommentedSeq)):
                line, col = (node.lc.value(key) if value and isinstance(node, CommentedMap) else
                             node.lc.key(key) if isinstance(node, CommentedMap) else node.lc.item(key))
            else:
                line, col = node.lc.line, node.lc.col
            return Loc(self.file, line + 1, col + 1)
        except Exception:  # scalar without position: fall back to its parent's
            return Loc(self.file, 1, 1)

    def err(self, loc: Loc, message: str) -> None:
        self.problems.append(Problem(str(loc), message))

    # -- helpers
    def mapping(self, node: Any, where: Loc, what: str) -> CommentedMap | None:
        if not isinstance(node, CommentedMap):
            self.err(where, f"{what} must be a mapping")
            return None
        return node

    def text(self, parent: CommentedMap, key: str, required: bool = True) -> Text | None:
        raw = parent.get(key)
        if raw is None:
            if required:
                self.err(self.loc(parent), f"missing '{key}'")
            return None
        if isinstance(raw, str):
            return Text(raw, "")
        if isinstance(raw, CommentedMap) and isinstance(raw.get("ja"), str):
            for k in raw:
                if k not in ("ja", "en"):
                    self.err(self.loc(raw, k), f"unknown language '{k}' (use ja, en)")
            return Text(raw["ja"], str(raw.get("en") or ""))
        self.err(self.loc(parent, key, value=True), f"'{key}' must be text or {{ja: ..., en: ...}}")
        return None

    def entries(self, node: CommentedMap, what: str, allowed: set[str] | None = None,
                ) -> Iterator[tuple[str, CommentedMap, Loc]]:
        """The entries of a section that maps names to mappings (``scales:``, ``parameters:``,
        ``derived:``, ``certifications:``), each as (name, mapping, location of the name). A name
        must be an identifier (YAML reads ``1.5:`` as a number, which no ``$`` reference can name);
        an entry must be a mapping, with only the ``allowed`` keys when given. Entries that are not
        are reported and skipped."""
        for name, spec in node.items():
            loc = self.loc(node, name)
            if not isinstance(name, str) or not name.isidentifier():
                self.err(loc, f"{what} name '{name}' must be an identifier")
                continue
            spec = self.mapping(spec, loc, f"{what} '{name}'")
            if spec is None:
                continue
            if allowed is not None:
                self.unknown_keys(spec, allowed, f"{what} '{name}'")
            yield name, spec, loc

    def unknown_keys(self, node: CommentedMap, allowed: set[str], what: str, hints=None) -> None:
        for k in node:
            if k not in allowed:
                self.err(self.loc(node, k), f"unknown key '{k}' in {what}{suggest(k, hints or allowed)}")

    def parse(self, content: str) -> Any:
        """The YAML document, or ``BAD`` (with the problem recorded) when it does not parse."""
        yaml = YAML(typ="rt")
        yaml.allow_duplicate_keys = False
        try:
            return yaml.load(content)
        except MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            self.err(Loc(self.file, line, col), f"YAML: {e.problem or e.context}")
            return BAD
        except Exception as e:  # ruamel raises other types for duplicate keys
            self.err(Loc(self.file, 1, 1), f"YAML: {e}")
            return BAD
