"""What an observation says (``Observations``, a part of ``Explainer``): one record's figures
against a condition's thresholds, the near misses when no record qualifies, and which record an
observation is about, in Japanese and English words."""
from __future__ import annotations

from typing import Any

from .. import words
from ..derive import Fact
from ..model import Observation
from ..rulefile import BindingRef, Node, ParamRef, ReviewYear, Test
from ..rulefile import SYMBOLS as _SYM
from .evidence import label_of


class Observations:
    """Needs, from ``Explainer``: ``c`` (the compiled policy), ``by_type``, ``types``, and its
    ``_passes`` and ``_operand``."""

    def near_misses(self, node: Node, limit: int = 10) -> list[Observation]:
        """When no record passes a condition's selecting tests, the records of that type that
        exist, each with the selecting test it fails (e.g. 所属名 人事課 ∈ [情報推進課])."""
        out: list[Observation] = []
        fdefs = self.types[node.fact].fields
        same = self.by_type.get(node.fact, [])
        literal = [t for t in node.where if t.op in ("eq", "ne") and not isinstance(t.operand, (ParamRef, BindingRef,
                                                                                              ReviewYear))]
        same = [f for f in same if all(self._passes(t, f, None) for t in literal)]  # another skill is no near miss
        for f in sorted(same, key=lambda f: (f.fields.get("fiscal_year") or 0, f.id))[:limit]:
            for t in node.where:
                if t.op in ("eq", "ne", "in", "not_in") and not isinstance(t.operand, BindingRef) \
                        and not self._passes(t, f, None):
                    x = self._operand(t, None)
                    v = f.fields.get(t.field)
                    out.append(Observation(label=fdefs[t.field].ja, label_en=fdefs[t.field].en,
                                           value=_show(v), op=_SYM[t.op], threshold=_show(x),
                                           met=False, subject=self.subject(f), subject_en=self.subject(f, "en"),
                                           **self.in_words(node.fact, t, v, x)))
                    break
        return out

    def observe(self, node: Node, f: Fact, bound: list[Fact] | None) -> list[Observation]:
        subject, subject_en = self.subject(f), self.subject(f, "en")
        out = []
        for t in node.where:
            if t.op in ("eq", "ne", "in", "not_in") and not isinstance(t.operand, BindingRef):
                continue
            fdef = self.types[node.fact].fields[t.field]
            b = _best_bound(bound, t) if isinstance(t.operand, BindingRef) else None
            x = self._operand(t, b)
            v = f.fields.get(t.field)
            ok = self._passes(t, f, b)
            short = None
            if not ok and v is not None and x is not None and t.op in ("gte", "gt") and fdef.type == "score":
                short = round(float(x) - float(v), 4)
            label_ja, label_en = fdef.ja, fdef.en
            if v is None and f.notes.get("missing_perspectives") and t.field == "report_score":
                miss = "・".join(words.coded("perspective", q) or q for q in f.notes["missing_perspectives"])
                subject += f"（{miss}の評価なし）"
                subject_en += f" (no {', '.join(f.notes['missing_perspectives'])} scores)"
            if t.field == "member_score":
                if v is None:
                    subject += "（メンバーからの評価なし）"
                    subject_en += " (no score from the project's members)"
                if f.notes.get("left_out"):
                    rows = "、".join(f.notes["left_out"])
                    subject += f"（メンバー以外の評価を除外: {rows}）"
                    subject_en += f" (scores from non-members left out: {rows})"
            out.append(Observation(label=label_ja, label_en=label_en, value=v, op=_SYM[t.op], threshold=x,
                                   met=ok, shortfall=short, subject=subject, subject_en=subject_en,
                                   **self.in_words(node.fact, t, v, x)))
        return out

    def in_words(self, fact_type: str, t: Test, value: Any, threshold: Any) -> dict[str, Any]:
        """An observation's parameter by its label, its coded values in words, and what its
        threshold is when no number of the rule file sets it (「このリーダー年度」, 「審査年度」)."""
        out: dict[str, Any] = {}
        if isinstance(t.operand, ParamRef):
            out.update(self.parameter_words(t.operand.name))
        elif isinstance(t.operand, BindingRef):
            field = self.types[fact_type].fields.get(t.operand.field)
            who = words.coded("project_role", t.operand.binding) or t.operand.binding
            who_en = words.coded("project_role", t.operand.binding, "en") or t.operand.binding
            out.update(threshold_label=f"この{who}{field.ja if field else t.operand.field}",
                       threshold_label_en=f"this {who_en} {field.en if field else t.operand.field}")
        elif isinstance(t.operand, ReviewYear):
            out.update(threshold_label="審査年度", threshold_label_en="the review year")
        for key, v in (("value", value), ("threshold", threshold)):
            ja, en = self.value_words(fact_type, t.field, v, "ja"), self.value_words(fact_type, t.field, v, "en")
            if ja is not None:
                out[f"{key}_text"], out[f"{key}_text_en"] = ja, en or ""
        return out

    def parameter_words(self, name: str) -> dict[str, Any]:
        label = self.c.policy.parameters[name].label
        return dict(parameter=name, parameter_since=self.c.since.get(name), parameter_label=label.ja,
                    parameter_label_en=label.en or label.ja)

    def value_words(self, fact_type: str, field: str, value: Any, lang: str) -> str | None:
        """A compared value in words where it is a code or a yes/no (None: shown as it is)."""
        if isinstance(value, (list, tuple)):
            items = [self.value_words(fact_type, field, v, lang) for v in value]
            if all(i is None for i in items):
                return None
            blank = "(blank)" if lang == "en" else "（空欄）"
            texts = [blank if v is None else (i if i is not None else str(v)) for v, i in zip(value, items)]
            return ("[" + ", ".join(texts) + "]") if lang == "en" else "［" + "、".join(texts) + "］"
        if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
            return None
        if isinstance(value, bool):
            return ("yes" if value else "no") if lang == "en" else ("はい" if value else "いいえ")
        text = label_of(fact_type, field, value, self.c.policy, lang, self.types.get(fact_type))
        return None if text == str(value) else text

    def subject(self, f: Fact, lang: str = "ja") -> str:
        """Which fact an observation is about, in words: year, project, course or skill (by its
        catalogue name), level, role: 「2024年度 P24-02 道路損傷通報のLINE受付（リーダー）」."""
        policy, fl, en = self.c.policy, f.fields, lang == "en"
        declared = self.types.get(f.type)
        paren = (lambda x: f" ({x})") if en else (lambda x: f"（{x}）")
        word = lambda key: label_of(f.type, key, fl[key], policy, lang, declared)  # noqa: E731
        parts = []
        if fl.get("fiscal_year") is not None:
            parts.append(f"FY{fl['fiscal_year']}" if en else f"{fl['fiscal_year']}年度")
        for key in ("project_id", "project_name", "name", "qualification", "certification"):
            if fl.get(key):
                parts.append(word(key))
        if fl.get("course"):
            label = policy.label("course", fl["course"], lang)
            parts.append(f"'{label}'" if en else f"「{label}」")
            if fl.get("course_name") and fl["course_name"] not in (label, policy.label("course", fl["course"])):
                parts[-1] += paren(("recorded as: " if en else "記録: ") + fl["course_name"])
        if fl.get("skill"):
            parts.append(policy.label("skill", fl["skill"], lang))
        if fl.get("level") is not None:
            parts.append(f"level {word('level')}" if en else f"レベル {word('level')}")
        text = " ".join(parts)
        for key in ("kind", "role", "via"):
            if fl.get(key):
                text += paren(word(key))
        if fl.get("nominated_for"):
            text += paren(("nominated for: " if en else "推薦区分: ") + word("nominated_for"))
        return text.strip()

    def literal(self, fact_type: str, field: str, value: Any, lang: str = "ja") -> str:
        """A literal of a rule as a reader knows it: a course or skill by its catalogue name in
        quotes, a certification by its label, a code by its word, true as はい."""
        if field in ("course", "skill"):
            label = self.c.policy.label(field, value, lang)
            return f"'{label}'" if lang == "en" else f"「{label}」"
        text = self.value_words(fact_type, field, value, lang)
        return str(value) if text is None else text


def _best_bound(bound: list[Fact] | None, t: Test) -> Fact | None:
    if not bound:
        return None
    # compare against the latest bound fact: the most favourable for 'before', shown to the reader
    return max(bound, key=lambda f: f.fields.get(t.operand.field) or 0)


def _show(value: Any) -> Any:
    """A value for an observation: lists as lists, blanks as 空欄."""
    if isinstance(value, (list, tuple)):
        return ["（空欄）" if v is None else v for v in value]
    return value
