"""五霞町's track levels (views of the report, engine/report/views.py): the certifications
``<track>_l<n>`` read as each person's highest level per track, and how many of the staff on each
track stand at each level.

Who is on a track in the year reviewed is what the rule file says it is (../shared/policies.md,
goka): its named condition ``on_<track>_track`` (grade for 職員（管理職） and 職員（各課職員）,
department for DX推進主担当, support-team terms for DX推進リーダー). Every level of a track
refers to it, so each decision's explanation holds it evaluated for that person and year; the view
reads it there, as the decision does, instead of judging it again. A person not on a track is
counted in that track's 「対象外」 column and at no level, even holding a level granted in an
earlier year (a promoted 主任 keeps 職員（各課職員） レベル2 but is no longer on that track). A
track whose rule file names no such condition counts everyone, as before.
"""
from __future__ import annotations

import re
from typing import Any

from engine import render
from engine.model import Decision, ExplanationNode
from engine.report.views import GRANTED, LEVEL_ID, View, listed

WORDS = {
    "ja": {"person": "トラックごとのレベル（職員ごと）",
           "person_note": "各トラックで認定済み（今年度の認定を含む）の最高レベル。0 は未認定。空欄はその年度にその"
                          "トラックの対象でなく、レベルも持たない職員。",
           "person_headers": ["職員番号", "氏名", "所属"], "new": "今年度の新たな認定",
           "count": "トラックごとのレベル（人数）",
           "count_note": "各トラックで、その年度にそのトラックの対象である職員（規則ファイルの on_<トラック>_track: "
                         "職級・所属・サポートチームの期数）が、どの最高レベルにあるかの人数。対象でない職員は「対象外」"
                         "に数え、どのレベルにも数えない（以前の年度に認定されたレベルを持っていても）。",
           "track": "トラック", "level": "レベル{}", "off": "対象外"},
    "en": {"person": "Track levels by staff member",
           "person_note": "The highest level held on each track (this year's grants included). 0: none. Blank: "
                          "not on that track in the year, and holding no level of it.",
           "person_headers": ["Staff ID", "Name", "Department"], "new": "Newly certified this year",
           "count": "Track levels, staff per level",
           "count_note": "For each track, how many of the staff on that track in the year (the rule file's "
                         "on_<track>_track: grade, department, support-team terms) stand at each highest level. "
                         "Staff not on the track are counted under \u201cnot on the track\u201d and at no level "
                         "(even when they hold a level granted in an earlier year).",
           "track": "Track", "level": "Level {}", "off": "Not on the track"},
}
# a level certification's label less its level: 「職員（管理職） レベル1」, "Staff (managers) level 1"
_LEVEL_SUFFIX = re.compile(r"\s*(レベル|level)\s*\d+$", re.IGNORECASE)


def tracks_of(policy, lang: str = "ja") -> dict[str, str]:
    """Track id -> its name, in the rule file's order."""
    tracks: dict[str, str] = {}
    for c in policy.certifications:
        if m := LEVEL_ID.fullmatch(c.id):
            label = c.label.en if lang == "en" and c.label.en else c.label.ja
            tracks.setdefault(m.group(1), _LEVEL_SUFFIX.sub("", label))
    return tracks


def eligibility(policy, track: str) -> str | None:
    """The rule file's named condition for who is on the track, if it has one."""
    name = f"on_{track}_track"
    return name if name in policy.conditions else None


def _met(node: ExplanationNode, condition: str) -> bool | None:
    """Whether the named condition was met, as this explanation evaluated it (None: not in it)."""
    if node.id == condition:
        return node.met
    for child in node.conditions:
        if (found := _met(child, condition)) is not None:
            return found
    return None


def track_levels(policy, decisions: list[Decision], lang: str = "ja") -> list[View]:
    words = WORDS[lang]
    tracks = tracks_of(policy, lang)
    conditions = {t: eligibility(policy, t) for t in tracks}
    people: dict[str, dict[str, Any]] = {}
    for d in decisions:
        m = LEVEL_ID.fullmatch(d.certification)
        if not m:
            continue
        track = m.group(1)
        row = people.setdefault(d.staff_id, {"who": d, **{t: 0 for t in tracks}, "on": set(), "new": []})
        if conditions[track] is None or _met(d.explanation, conditions[track]):
            row["on"].add(track)
        if d.outcome in GRANTED:
            row[track] = max(row[track], int(m.group(2)))
        if d.outcome == "certified":
            row["new"].append(render.decision_label(d, lang))
    person = View(words["person"], words["person_note"], [*words["person_headers"], *tracks.values(), words["new"]])
    for row in people.values():
        d = row["who"]
        levels = [row[t] if row[t] or t in row["on"] else None for t in tracks]
        person.rows.append([d.staff_id, d.staff_name, d.department, *levels, listed(row["new"], lang)])
    levels = sorted({int(m.group(2)) for c in policy.certifications if (m := LEVEL_ID.fullmatch(c.id))})
    count = View(words["count"], words["count_note"],
                 [words["track"], *(words["level"].format(n) for n in [0, *levels]), words["off"]])
    for t, label in tracks.items():
        on = [r for r in people.values() if t in r["on"]]
        count.rows.append([label, *(sum(1 for r in on if r[t] == n) for n in [0, *levels]), len(people) - len(on)])
    return [person, count]
