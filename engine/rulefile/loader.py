"""The loader: one pass over a rule file that validates everything and builds the ``Policy``.

``RuleFileLoader`` gathers the parts (each a module of this package) and reads the sections in
their order of dependence: scales and catalogues, parameters, derived facts, named conditions,
certifications, then the references between them.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from ..errors import RuleError
from ..facttypes import BASE_TYPES
from .certificate import CertificateSection
from .conditions import Conditions
from .declarations import Declarations
from .every import Expansion
from .model import Loc, Node, Policy, Text
from .params import Parameters
from .references import References
from .where import Tests
from .yamlio import BAD, plain


class RuleFileLoader(Declarations, Parameters, Conditions, Expansion, Tests, References, CertificateSection):
    def load(self) -> Policy | None:
        content = self.decoded()
        if content is None:
            return None
        doc = self.parse(content)
        if doc is BAD:
            return None
        root = self.mapping(doc, Loc(self.file, 1, 1), "a rule file")
        if root is None:
            return None
        self.unknown_keys(root, {"policy", "scales", "catalogues", "parameters", "derived", "conditions",
                                 "certifications", "targets", "certificate"}, "the rule file")
        meta = self.mapping(root.get("policy"), self.loc(root), "'policy'") if "policy" in root else None
        if meta is None:
            self.err(self.loc(root), "missing 'policy' (id, municipality, title, source)")
            return None
        self.unknown_keys(meta, {"id", "municipality", "title", "source"}, "'policy'")
        policy_id = meta.get("id")
        if not isinstance(policy_id, str) or not policy_id.isidentifier():
            self.err(self.loc(meta), "policy 'id' must be an identifier such as moka")
            policy_id = str(policy_id)
        municipality = self.text(meta, "municipality") or Text("")
        title = self.text(meta, "title") or Text("")
        source = meta.get("source")
        if not isinstance(source, CommentedMap) or not source.get("document"):
            self.err(self.loc(meta), "policy 'source' needs 'document' (the municipal document quoted)")
            source = {}
        certificate = self.load_certificate(root)

        self.policy_id = policy_id
        self.scales = self.load_scales(root.get("scales") or CommentedMap())
        self.catalogue = self.load_catalogues(root.get("catalogues") or CommentedMap())
        self.params = self.load_parameters(root.get("parameters") or CommentedMap(), root)
        self.derived = self.load_derived(root.get("derived") or CommentedMap())
        self.types = dict(BASE_TYPES)
        self.types.update({n: d.fact_type for n, d in self.derived.items()})
        self.node_ids: dict[str, Loc] = {}
        self.named: dict[str, Node] = {}
        self.load_named(root.get("conditions") or CommentedMap())
        certs = self.load_certifications(root.get("certifications"), root)
        self.check_references(certs)
        targets = root.get("targets") or {}
        if not self.problems:
            self.check_unused_parameters(certs)
        return Policy(
            id=policy_id, municipality=municipality, title=title, source=dict(source),
            parameters=self.params, derived=self.derived, certifications=certs,
            targets=plain(targets), path=self.file, content=content,
            sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
            scales=self.scales, catalogue=self.catalogue, conditions=self.named, certificate=certificate,
        )


    def decoded(self) -> str | None:
        """The file as UTF-8 text; a file saved in another encoding (Shift_JIS from a Windows
        editor) is a problem at the first byte that is not UTF-8, not a traceback."""
        raw = self.path.read_bytes()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
            col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
            self.err(Loc(self.file, line, col), f"not UTF-8 text (byte 0x{raw[e.start]:02x}): save the rule file as "
                                                "UTF-8（Shift_JIS などではなく UTF-8 で保存してください）")
            return None


def load_rule_file(path: Path, display: str | None = None) -> Policy:
    """Load and validate one rule file; raise RuleError listing every problem."""
    loader = RuleFileLoader(path, display or path.as_posix())
    policy = loader.load()
    loader.problems = list(dict.fromkeys(loader.problems))  # an 'each' template repeats its problems
    if loader.problems or policy is None:
        raise RuleError(loader.problems, summary=f"{loader.file}: {len(loader.problems)} problem(s)")
    return policy
