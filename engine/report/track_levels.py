"""五霞町's track levels (views of the report, engine/report/views.py): the certifications
``<track>_l<n>`` read as each person's highest level per track, and how many stand at each
level."""
from __future__ import annotations

import re
from typing import Any

from engine import render
from engine.model import Decision
from engine.report.views import GRANTED, LEVEL_ID, View, listed

WORDS = {
    "ja": {"person": "トラックごとのレベル（職員ごと）",
           "person_note": "各トラックで認定済み（今年度の認定を含む）の最高レベル。0 は未認定。",
           "person_headers": ["職員番号", "氏名", "所属"], "new": "今年度の新たな認定",
           "count": "トラックごとのレベル（人数）", "count_note": "各トラックで、その最高レベルにある職員の人数。",
           "track": "トラック", "level": "レベル{}"},
    "en": {"person": "Track levels by staff member",
           "person_note": "The highest level held on each track (this year's grants included). 0: none.",
           "person_headers": ["Staff ID", "Name", "Department"], "new": "Newly certified this year",
           "count": "Track levels, staff per level",
           "count_note": "For each track, how many staff members stand at each highest level.",
           "track": "Track", "level": "Level {}"},
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


def track_levels(policy, decisions: list[Decision], lang: str = "ja") -> list[View]:
    words = WORDS[lang]
    tracks = tracks_of(policy, lang)
    people: dict[str, dict[str, Any]] = {}
    for d in decisions:
        m = LEVEL_ID.fullmatch(d.certification)
        if not m:
            continue
        row = people.setdefault(d.staff_id, {"who": d, **{t: 0 for t in tracks}, "new": []})
        if d.outcome in GRANTED:
            row[m.group(1)] = max(row[m.group(1)], int(m.group(2)))
        if d.outcome == "certified":
            row["new"].append(render.decision_label(d, lang))
    person = View(words["person"], words["person_note"], [*words["person_headers"], *tracks.values(), words["new"]])
    for row in people.values():
        d = row["who"]
        person.rows.append([d.staff_id, d.staff_name, d.department, *(row[t] for t in tracks), listed(row["new"], lang)])
    levels = sorted({int(m.group(2)) for c in policy.certifications if (m := LEVEL_ID.fullmatch(c.id))})
    count = View(words["count"], words["count_note"],
                 [words["track"], *(words["level"].format(n) for n in [0, *levels])])
    for t, label in tracks.items():
        count.rows.append([label, *(sum(1 for r in people.values() if r[t] == n) for n in [0, *levels])])
    return [person, count]
