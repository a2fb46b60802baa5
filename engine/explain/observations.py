"""What an observation says (``Observations``, a part of ``Explainer``): one record's figures
against a condition's thresholds, the near misses when no record qualifies, and which record an
observation is about, in Japanese and English words."""
from __future__ import annotations

from typing import Any

from ..derive import Fact
from ..model import Observation
from ..rulefile import BindingRef, Node, ParamRef, ReviewYear, Test
from ..rulefile import SYMBOLS as _SYM

VALUE_EN = {"support_team": "support team", "nominee": "nominee", "dx_promoter": "DX promoter",
            "dx_leader": "DX leader", "digital_promoter": "digital promoter", "self_study": "self-study",
            "ojt_instructor": "OJT instructor", "system_training_instructor": "system-training instructor",
            "tool_instructor": "tool instructor", "assessment": "assessment", "training": "training"}
VALUE_JA = {"leader": "リーダー", "member": "メンバー", "policy": "政策的観点", "leadership": "リーダーシップ",
            "technical": "技術的観点", "support_team": "情報化推進サポートチーム", "nominee": "推薦候補",
            "dx_promoter": "DX推進員", "dx_leader": "DX推進リーダー", "digital_promoter": "デジタル推進員",
            "self_study": "自学", "ojt_instructor": "OJT講師", "system_training_instructor": "システム研修講師",
            "tool_instructor": "ツール講師", "assessment": "スキル評価", "training": "研修修了"}


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
                    out.append(Observation(label=fdefs[t.field].ja, label_en=fdefs[t.field].en,
                                           value=_show(f.fields.get(t.field)), op=_SYM[t.op], threshold=_show(x),
                                           met=False, subject=self.subject(f), subject_en=self.subject(f, "en"),
                                           parameter=t.operand.name if isinstance(t.operand, ParamRef) else None,
                                           parameter_since=self.c.since.get(t.operand.name)
                                           if isinstance(t.operand, ParamRef) else None))
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
            if isinstance(t.operand, BindingRef):
                label_ja += f"（{t.operand.binding}.{t.operand.field} と比較）"
                label_en += f" (against {t.operand.binding}.{t.operand.field})"
            if v is None and f.notes.get("missing_perspectives") and t.field == "report_score":
                miss = "・".join(VALUE_JA.get(q, q) for q in f.notes["missing_perspectives"])
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
                                   parameter=t.operand.name if isinstance(t.operand, ParamRef) else None,
                                   parameter_since=self.c.since.get(t.operand.name) if isinstance(t.operand, ParamRef) else None))
        return out

    def subject(self, f: Fact, lang: str = "ja") -> str:
        """Which fact an observation is about, in words: year, project, course or skill (by its
        catalogue name), level, role."""
        policy, fl, en = self.c.policy, f.fields, lang == "en"
        values = VALUE_EN if en else VALUE_JA
        paren = (lambda x: f"({x})") if en else (lambda x: f"（{x}）")
        parts = []
        if fl.get("fiscal_year") is not None:
            parts.append(f"FY{fl['fiscal_year']}" if en else f"{fl['fiscal_year']}年度")
        for key in ("project_id", "project_name", "name", "qualification", "certification"):
            if fl.get(key):
                parts.append(str(fl[key]))
        if fl.get("course"):
            label = policy.label("course", fl["course"], lang)
            parts.append(f"'{label}'" if en else f"「{label}」")
            if fl.get("course_name") and fl["course_name"] not in (label, policy.label("course", fl["course"])):
                parts.append(paren(("recorded as: " if en else "記録: ") + fl["course_name"]))
        if fl.get("skill"):
            label = policy.label("skill", fl["skill"], lang)
            parts.append(label + ((" " if en else "") + paren(fl["skill"]) if label != fl["skill"] else ""))
        if fl.get("level") is not None:
            parts.append(f"level {fl['level']}" if en else f"レベル {fl['level']}{self.level_label(fl['level'])}")
        for key in ("kind", "role", "via"):
            if fl.get(key):
                parts.append(paren(values.get(fl[key], fl[key])))
        if fl.get("nominated_for"):
            parts.append(("nominated for: " if en else "推薦区分: ") + values.get(fl["nominated_for"], fl["nominated_for"]))
        return " ".join(parts)

    def value_ja(self, field: str, value: Any) -> str:
        """A literal as a reader knows it: a catalogue's Japanese name, a role's Japanese word."""
        if field in ("course", "skill"):
            return f"「{self.c.policy.label(field, value)}」"
        return VALUE_JA.get(str(value), str(value))

    def level_label(self, level: Any) -> str:
        for scale in self.c.policy.scales.values():
            if str(level) in scale.labels:
                return f"（{scale.labels[str(level)]}）"
        return ""


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
