"""A fact as evidence: the record it came from (file and row) with its fields, or, for a derived
fact, its fields and notes with the records it was derived from. Beside the fields as stored,
``shown`` says them as a clerk reads them: labels and coded values in words (engine/words.py)."""
from __future__ import annotations

from datetime import date
from typing import Any

from .. import words
from ..derive import Fact
from ..model import Evidence, Shown

SKIPPED = {"staff_id", "policy"}  # the decision's own staff member; the policy being reviewed


def evidence(fact: Fact, policy: Any = None, types: dict | None = None) -> Evidence:
    declared = (types or {}).get(fact.type)
    if fact.record is not None:
        return Evidence(record_type=fact.type, source=str(fact.record.provenance), fields=_jsonable(fact.fields),
                        label=words.record_label(fact.type, "ja", declared),
                        label_en=words.record_label(fact.type, "en", declared),
                        shown=shown(fact.type, fact.fields, policy, declared))
    fields = dict(fact.fields)
    fields.update({k: v for k, v in fact.notes.items() if v not in (None, [], {})})
    return Evidence(record_type=fact.type, source="derived", fields=_jsonable(fields),
                    label=words.record_label(fact.type, "ja", declared),
                    label_en=words.record_label(fact.type, "en", declared),
                    shown=shown(fact.type, fields, policy, declared),
                    derived_from=[Evidence(record_type=r.record_type, source=str(r.provenance),
                                           fields=_jsonable(r.fields()),
                                           label=words.record_label(r.record_type, "ja"),
                                           label_en=words.record_label(r.record_type, "en"),
                                           shown=shown(r.record_type, r.fields(), policy, None))
                                  for r in fact.derived_from])


def shown(record_type: str, fields: dict[str, Any], policy: Any, declared: Any) -> list[Shown]:
    out = []
    for key, value in fields.items():
        if key in SKIPPED or value in (None, "", [], {}):
            continue
        if key == "member_scores" and fields.get("role") != "leader":
            continue  # a member's year has no members' score to count
        out.append(Shown(label=words.field_label(record_type, key, "ja", declared),
                         label_en=words.field_label(record_type, key, "en", declared),
                         value=value_text(record_type, key, value, policy, "ja", declared),
                         value_en=value_text(record_type, key, value, policy, "en", declared)))
    return out


def value_text(record_type: str, key: str, value: Any, policy: Any, lang: str, declared: Any = None) -> str:
    """One value in words: a certification, course or skill by its name, a coded value by its
    word, a level with its meaning, a mean by perspective as 「政策 4.0、リーダーシップ 4.0」."""
    en = lang == "en"
    sep = ", " if en else "、"
    if isinstance(value, bool):
        return ("yes" if value else "no") if en else ("はい" if value else "いいえ")
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if key == "perspective_means" and isinstance(value, dict):
        short = words.PERSPECTIVE_SHORT[lang]
        return sep.join(f"{short.get(q, q)} {words.number(v)}" for q, v in value.items() if v is not None)
    if isinstance(value, dict):
        return sep.join(f"{k} {value_text(record_type, k, v, policy, lang, declared)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        item_key = "perspective" if key == "missing_perspectives" else key
        return sep.join(value_text(record_type, item_key, v, policy, lang, declared) for v in value)
    return label_of(record_type, key, value, policy, lang, declared)


def label_of(record_type: str, key: str, value: Any, policy: Any, lang: str, declared: Any = None) -> str:
    """A scalar value as the reader knows it (the value itself when it is no code)."""
    if policy is not None:
        if key == "certification":
            try:
                label = policy.certification(str(value)).label
                return (label.en or label.ja) if lang == "en" else label.ja
            except KeyError:
                pass
        if key in ("course", "skill"):
            return policy.label(key, value, lang)
        if key == "level" and lang != "en":  # the scales name their levels in Japanese only
            for scale in policy.scales.values():
                meaning = scale.labels.get(str(value))
                if meaning and meaning.replace(" ", "") not in (f"レベル{value}", f"Level{value}", f"level{value}"):
                    return f"{value}（{meaning}）"
    word = words.coded(words.domain_of(record_type, key, declared), value, lang)
    return word if word is not None else str(value)


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if hasattr(v, "isoformat"):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[k] = v
    return out
