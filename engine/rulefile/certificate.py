"""``certificate:`` (a section of its own, beside ``targets:``): what a 認定証 and an Open Badge need of a municipality, kept as data in
its rule file (engine/certificate.py and engine/badges.py ask nothing of Python for its wording).

    certificate:
      issuer: {ja: 真岡市長, en: Mayor of Moka City}         # who issues the certificate
      number: "MOKA-{fiscal_year}-{certification}-{staff_id}"  # the certificate number

``number`` is a template of the placeholders in ``NUMBER_FIELDS``; it must name the staff member,
the certification and the year (``fiscal_year`` or ``wareki_year``) so that every certificate of a
policy has a number of its own, and the same number however often it is printed. It may be left
out (``DEFAULT_NUMBER``).
"""
from __future__ import annotations

from string import Formatter
from typing import Any

from ruamel.yaml.comments import CommentedMap

from .model import CertificateDef, Loc
from .yamlio import RuleFileReader, suggest

NUMBER_FIELDS = {
    "policy": "the policy id (moka)",
    "fiscal_year": "the fiscal year of the review (2025)",
    "wareki_year": "the same in 和暦 (令和7年度)",
    "certification": "the certification id (dx_expert)",
    "staff_id": "the 職員番号",
}
DEFAULT_NUMBER = "{policy}-{fiscal_year}-{certification}-{staff_id}"


def number_fields(template: str) -> list[str]:
    """The placeholders of a number template, in order (ValueError when it does not parse)."""
    return [name for _, name, _, _ in Formatter().parse(template) if name is not None]


class CertificateSection(RuleFileReader):
    def load_certificate(self, root: CommentedMap) -> CertificateDef | None:
        if "certificate" not in root:
            return None
        where = self.loc(root, "certificate")
        node = self.mapping(root["certificate"], where, "'certificate'")
        if node is None:
            return None
        self.unknown_keys(node, {"issuer", "number"}, "'certificate'")
        issuer = self.text(node, "issuer")
        number = node.get("number", DEFAULT_NUMBER)
        number_loc = self.loc(node, "number", value=True) if "number" in node else where
        if not self.check_number(number, number_loc):
            number = None
        if issuer is None or number is None:
            return None
        return CertificateDef(issuer=issuer, number=number, loc=where)

    def check_number(self, template: Any, loc: Loc) -> bool:
        if not isinstance(template, str) or not template.strip():
            self.err(loc, "certificate 'number' must be text such as \"" + DEFAULT_NUMBER + "\"")
            return False
        try:
            parts = list(Formatter().parse(template))
        except ValueError as err:
            self.err(loc, f"certificate 'number' {template!r}: {err} (a literal brace is written {{{{ or }}}})")
            return False
        ok = True
        names = []
        for _, name, spec, conversion in parts:
            if name is None:
                continue
            names.append(name)
            if name not in NUMBER_FIELDS:
                self.err(loc, f"unknown placeholder '{{{name}}}' in certificate 'number'"
                              f"{suggest(name, NUMBER_FIELDS)} (use {', '.join(NUMBER_FIELDS)})")
                ok = False
            elif spec or conversion:
                self.err(loc, f"placeholder '{{{name}}}' in certificate 'number' takes no format or conversion")
                ok = False
        missing = [n for n in ("staff_id", "certification") if n not in names]
        if not {"fiscal_year", "wareki_year"} & set(names):
            missing.append("fiscal_year")
        if ok and missing:
            self.err(loc, f"certificate 'number' must name {', '.join('{' + n + '}' for n in missing)}: "
                          "without it two certificates could share a number")
            ok = False
        return ok
