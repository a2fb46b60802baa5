"""The coverage report: data first (``as_data``, the JSON document), then text in Japanese or
English (``text``) with the uncovered and half-covered conditions at their rule-file lines."""
from __future__ import annotations

from typing import Any

from . import Coverage, PolicyCoverage, percent
from .tally import near
from .universe import Boundary, Item

_MARK = {"covered": "✔", "half": "◐", "uncovered": "✘"}


def counts(items: list[Item]) -> dict[str, int]:
    return {"conditions": len(items), "covered": sum(i.status == "covered" for i in items),
            "half": sum(i.status == "half" for i in items), "uncovered": sum(i.status == "uncovered" for i in items)}


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _item(i: Item, en: bool) -> dict[str, Any]:
    missing = {"covered": None, "uncovered": "both"}.get(i.status, "unmet" if i.met else "met")
    return {"id": i.node_id, "path": list(i.key), "kind": i.kind, "location": str(i.loc),
            "text": (i.text.en or i.text.ja) if en else i.text.ja, "quote": i.quote, "status": i.status,
            "missing": missing, "met_in": i.met, "unmet_in": i.unmet}


def _param(b: Boundary, en: bool) -> dict[str, Any]:
    p = b.param
    out = {"name": p.name, "label": (p.label.en or p.label.ja) if en else p.label.ja, "type": p.type,
           "location": str(p.loc), "values": [{"from": y, "value": v} for y, v in p.values], "checked": b.numeric}
    if b.numeric:
        found = near(b)
        out.update(status=found["status"], nearest=_num(found["nearest"][0]) if found["nearest"] else None,
                   **{side: [{"value": _num(v), "met": met, "example": ex} for v, met, ex in seen]
                      for side, seen in found["sides"].items()})
    return out


def _num(v) -> float | int:
    return int(v) if v == v.to_integral_value() and "." not in str(v) else float(v)


def as_data(cov: Coverage, lang: str = "ja", fail_under: float | None = None) -> dict[str, Any]:
    en = lang == "en"
    r = cov.result
    policies = []
    for pc in cov.policies:
        policies.append({
            "policy": pc.policy.id, "municipality": (pc.policy.municipality.en or pc.policy.municipality.ja)
            if en else pc.policy.municipality.ja, "file": pc.policy.path, "percent": _pct(percent(pc.items)),
            "counts": counts(pc.items),
            "certifications": [{"id": c.cert.id, "label": (c.cert.label.en or c.cert.label.ja) if en else c.cert.label.ja,
                                "location": str(c.cert.loc), "percent": _pct(percent(c.items)), "counts": counts(c.items),
                                "conditions": [_item(i, en) for i in c.items]} for c in pc.certs],
            "parameters": [_param(b, en) for b in pc.bounds.values()]})
    numeric = [b for pc in cov.policies for b in pc.bounds.values() if b.numeric]
    return {
        "examples": {"total": len(r.examples), "passed": sum(e.ok for e in r.examples),
                     "failed": [{"file": e.file, "line": e.line, "rule": e.rule, "scenario": e.scenario,
                                 "step": e.step, "error": e.error} for e in r.examples if not e.ok],
                     "problems": r.problems},
        "policies": policies, "unknown_policies": cov.unknown,
        "total": {"percent": _pct(cov.percent), "counts": counts(cov.items),
                  "parameters": {"numeric": len(numeric), "tested": sum(near(b)["status"] == "tested" for b in numeric)}},
        "fail_under": fail_under, "ok": ok(cov, fail_under)}


def ok(cov: Coverage, fail_under: float | None) -> bool:
    below = fail_under is not None and (cov.percent or 0.0) < fail_under
    return cov.result.ok and not cov.unknown and not below


# ---------------------------------------------------------------- text

def text(cov: Coverage, lang: str = "ja", fail_under: float | None = None) -> list[str]:
    en = lang == "en"
    lines = ["coverage of the rules by the examples (met and not met):" if en
             else "条件の網羅（例がそれぞれの条件を満たした・満たさなかったか）:"]
    for pc in cov.policies:
        lines += _policy(pc, en)
    for pid in cov.unknown:
        lines.append(f"policy {pid}: no rule file defines it" if en else f"方針 {pid}: この方針の規則ファイルがありません")
    c = counts(cov.items)
    numeric = [b for pc in cov.policies for b in pc.bounds.values() if b.numeric]
    tested = sum(near(b)["status"] == "tested" for b in numeric)
    figure = "—" if cov.percent is None else f"{cov.percent:.1f}%"
    if en:
        lines.append(f"total coverage: {figure} ({_counts(c, en)}); numeric parameters tested at their boundary: "
                     f"{tested} of {len(numeric)}")
    else:
        lines.append(f"合計 網羅率: {figure}（{_counts(c, en)}）、境界を試した数値の基準値: {len(numeric)} のうち {tested}")
    if fail_under is not None and (cov.percent or 0.0) < fail_under:
        lines.append(f"coverage {figure} is below --fail-under {fail_under:g}%" if en
                     else f"網羅率 {figure} が --fail-under の {fail_under:g}% を下回っています")
    return lines


def _counts(c: dict[str, int], en: bool) -> str:
    if en:
        return (f"{c['conditions']} conditions: {c['covered']} both ways, {c['half']} one way only, "
                f"{c['uncovered']} never judged")
    return f"条件 {c['conditions']}: 両方 {c['covered']}、片方のみ {c['half']}、未判定 {c['uncovered']}"


def _policy(pc: PolicyCoverage, en: bool) -> list[str]:
    p = pc.policy
    figure = "—" if percent(pc.items) is None else f"{percent(pc.items):.1f}%"
    name = (p.municipality.en or p.municipality.ja) if en else p.municipality.ja
    c = _counts(counts(pc.items), en)
    out = [f"policy {p.id} ({name}) {p.path}: {figure} ({c})" if en else f"方針 {p.id}（{name}）{p.path}: 網羅率 {figure}（{c}）"]
    for c in pc.certs:
        label = (c.cert.label.en or c.cert.label.ja) if en else c.cert.label.ja
        share = percent(c.items)
        out.append(f"  {'certification' if en else '認定区分'} {c.cert.id}{f' ({label})' if en else f'（{label}）'}: "
                   f"{'—' if share is None else f'{share:.1f}%'}")
        for i in c.items:
            if i.status != "covered":
                out += _missing(i, en)
    out += _bounds(pc, en)
    return out


def _missing(i: Item, en: bool) -> list[str]:
    shown = (i.text.en or i.text.ja) if en else i.text.ja
    if i.status == "uncovered":
        why = "no example judged it" if en else "どの例でも判定されていない"
    elif i.met:
        why = (f"only met, never not met (met in {_examples(i.met, en)})" if en
               else f"満たす例だけで、満たさない例がない（満たす例: {_examples(i.met, en)}）")
    else:
        why = (f"only not met, never met (not met in {_examples(i.unmet, en)})" if en
               else f"満たさない例だけで、満たす例がない（満たさない例: {_examples(i.unmet, en)}）")
    lines = [f"    {_MARK[i.status]} {i.loc.file}:{i.loc.line} {i.node_id} 「{shown}」: {why}"]
    if i.quote:
        lines.append(f"        {'quote' if en else '引用'}: 「{i.quote}」")
    return lines


def _examples(seen: list[str], en: bool) -> str:
    more = len(seen) - 1
    return seen[0] + ((f" and {more} more" if en else f" ほか {more} 例") if more else "")


def _bounds(pc: PolicyCoverage, en: bool) -> list[str]:
    numeric = [b for b in pc.bounds.values() if b.numeric]
    other = [b.param.name for b in pc.bounds.values() if not b.numeric]
    out = []
    for b in numeric:
        p, found = b.param, near(b)
        label = (p.label.en or p.label.ja) if en else p.label.ja
        values = ", ".join(str(v) for _, v in p.values)
        head = f"    {'✔' if found['status'] == 'tested' else '✘'} {p.loc.file}:{p.loc.line} {p.name}" + (
            f" ({label}) = {values}: " if en else f"（{label}）= {values}: ")
        if found["status"] == "tested":
            words = ({"at": "at", "below": "just below", "above": "just above"} if en
                     else {"at": "ちょうど", "below": "すぐ下", "above": "すぐ上"})
            met = ("met", "not met") if en else ("満たす", "満たさない")
            out.append(head + ("; " if en else "、").join(
                f"{words[side]} {_num(v)} ({met[0] if ok_ else met[1]}, {ex})" if en else
                f"{words[side]} {_num(v)}（{met[0] if ok_ else met[1]}、{ex}）"
                for side, seen in found["sides"].items() for v, ok_, ex in seen))
        elif found["status"] == "untested":
            nearest = _num(found["nearest"][0])
            out.append(head + (f"no example at its boundary (nearest value: {nearest})" if en
                               else f"境界の例がない（最も近い値: {nearest}）"))
        else:
            out.append(head + ("no example compared a value with it" if en else "どの例でも比べられていない"))
    if numeric:
        out.insert(0, "  numeric parameters at their boundary (equal, or within one step):" if en
                   else "  数値の基準値の境界（ちょうど、または1刻み以内の例）:")
    if other:
        out.append(("  not checked at a boundary (not numeric): " if en else "  数値でないため境界は調べない基準値: ")
                   + ", ".join(other))
    return out
