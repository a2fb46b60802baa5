"""Moka (真岡市): projects, report-meeting and post-project scores."""
from __future__ import annotations

import random

from bench.population.base import FW, Gen

REPORT = [2.75, 3.0, 3.25, 3.4, 3.45, 3.5, 3.5, 3.5, 3.6, 3.75, 3.75, 4.0, 4.0, 4.25, 4.5]
MEMBER = [3.0, 3.25, 3.4, 3.45, 3.5, 3.5, 3.5, 3.6, 3.75, 4.0, 4.0, 4.25, 4.5]
PROJECTS = ["窓口業務の受付フロー見直し", "庁内文書の電子決裁推進", "オンライン申請の拡充", "RPAによる定型業務の自動化",
            "ペーパーレス会議の導入", "子育て手続のワンストップ化", "GISによる道路台帳の整備", "AI議事録の試行"]
PERSPECTIVES = [("policy", "政策的観点"), ("leadership", "リーダーシップ"), ("technical", "技術的観点")]


def _spread(rng: random.Random, s: float, n: int) -> list[float]:
    """n scores whose mean is s (exactly, in binary, when s is 3.5)."""
    e = rng.choice((0.0, 0.0, 0.25, 0.5))
    if s - e < 1 or s + e > 5:
        e = 0.0
    return [round(v, 2) for v in [s + e, s - e] * (n // 2) + ([s] if n % 2 else [])]


class _Without:
    """``[m for m in items if m not in part]`` as a view: its length and its i-th element, without
    building the list (which made a year's projects quadratic in its members: hours at 1M staff).
    ``rng.choice`` reads only ``len`` and one index, so the draws and the files stay the same."""

    def __init__(self, items: list, positions: dict[int, list[int]], part: list):
        self.items = items
        self.skip = sorted(i for m in dict.fromkeys(map(id, part)) for i in positions.get(m, ()))

    def __len__(self) -> int:
        return len(self.items) - len(self.skip)

    def __getitem__(self, i: int):
        for k in self.skip:  # the i-th element not skipped
            if k > i:
                break
            i += 1
        return self.items[i]


def build(g: Gen) -> None:
    rng = g.rng
    leader_types = [s for s in g.staff if rng.random() < 0.12]
    is_lt = dict.fromkeys((s.sid for s in leader_types), True)
    experts = [f"EXT{n:02d}" for n in range(1, 31)]
    projects, evals, history = [], [], []
    for y in g.years:
        active = g.active[y]
        execs = [s.sid for s in active if s.years[y][1] == "executive"] + ["FUKU01", "KYOIKUCHO"]
        leaders = [s for s in leader_types if y in s.years and rng.random() < 0.65]
        taken = dict.fromkeys((s.sid for s in leaders), True)
        others = [s for s in active if s.sid not in taken]
        rng.shuffle(others)
        pool = [s for s in others if s.sid in is_lt and rng.random() < 0.6]
        pool += [s for s in others if s.sid not in is_lt][: int(len(active) * 0.12)]
        teams, k = [], 0
        while k < len(pool):
            size = rng.randint(2, 5)
            chunk = pool[k:k + size]
            k += size
            if len(teams) < len(leaders):
                teams.append((leaders[len(teams)], chunk))
            elif len(chunk) > 1:
                teams.append((chunk[0], chunk[1:]))
        teams += [(l, []) for l in leaders[len(teams):]]  # a leader without members: no members' score
        all_members = [m for _, ms in teams for m in ms]
        positions: dict[int, list[int]] = {}  # id of a member -> where it is in all_members
        for i, m in enumerate(all_members):
            positions.setdefault(id(m), []).append(i)
        for n, (leader, members) in enumerate(teams, 1):
            pid, pname = f"P{y % 100:02d}-{n:04d}", f"{rng.choice(PROJECTS)}（{y}）"
            for s, role in [(leader, "leader")] + [(m, "member") for m in members]:
                projects.append([g.sid(s), g.fy(y), pid, pname,
                                 role if rng.random() < 0.2 else {"leader": "リーダー", "member": "メンバー"}[role]])
            part = [leader] + members
            fy = g.fy(y, xlsx=True)
            s = rng.choice(REPORT)
            missing = rng.choice(PERSPECTIVES)[0] if rng.random() < 0.06 else None
            for p, pja in PERSPECTIVES:
                if p == missing:
                    continue
                if p == "policy":
                    ids = [(e, "幹部職員") for e in rng.sample(execs, min(len(execs), rng.randint(1, 2)))]
                elif p == "technical":
                    ids = [(e, "専門家") for e in rng.sample(experts, rng.randint(1, 2))]
                else:
                    ids = [(m.sid, "メンバー") for m in members[:1]] + [(rng.choice(active).sid, "職員")]
                    ids = [ids[0]] + [i for i in ids[1:] if i[0] != ids[0][0]]
                for (eid, etype), score in zip(ids, _spread(rng, s, len(ids))):
                    evals.append([fy, pid, "報告会", pja if rng.random() < 0.9 else p, eid, etype, None, score])
            if rng.random() < 0.2:  # a score naming one participant outranks the project's
                target = rng.choice(part)
                p, pja = rng.choice(PERSPECTIVES[:2])
                eid = rng.choice(execs) if p == "policy" else rng.choice(experts)
                evals.append([fy, pid, "報告会", pja, eid, "幹部職員" if p == "policy" else "専門家",
                              target.sid, rng.choice(REPORT)])
            if not members or rng.random() < 0.08:
                scores = []  # led project-year with no members' score
            else:
                scores = _spread(rng, rng.choice(MEMBER), len(members))
                if len(members) > 2 and rng.random() < 0.1:
                    scores[-1] = None  # one member did not answer
            for m, score in zip(members, scores):
                if score is not None:
                    evals.append([fy, pid, "終了後", rng.choice([None, None, "リーダーシップ"]), m.sid, "メンバー",
                                  leader.sid, score if rng.random() < 0.97 else str(score).translate(FW)])
            if rng.random() < 0.35:  # post-project rows from non-members: left out of the members' score
                outsiders = [(rng.choice(execs), "幹部職員"), (rng.choice(experts), "専門家")]
                strangers = _Without(all_members, positions, part)
                if strangers:
                    outsiders.append((rng.choice(strangers).sid, "メンバー"))
                ids = {m.sid for m in part}
                # one row per evaluator (an executive may also be the stranger drawn: a duplicate row)
                seen: set[str] = set()
                outsiders = [o for o in outsiders if o[0] not in ids and not (o[0] in seen or seen.add(o[0]))]
                for eid, etype in outsiders[: rng.randint(1, 3)]:
                    evals.append([fy, pid, "終了後", None, eid, etype, leader.sid, rng.choice([1.5, 5.0, 4.0, 2.0])])
    for s in g.staff:
        years = list(s.years)
        if rng.random() < 0.04 and years[0] < g.last:
            y = rng.randint(years[0], g.last - 1)
            g.history(history, s, "dx_advisor", "DXアドバイザー", y)
            if rng.random() < 0.3 and y + 1 < g.last:
                g.history(history, s, "dx_expert", "DXエキスパート", y + 1)
    g.csv("プロジェクト.csv", "project", ["職員番号", "年度", "プロジェクト番号", "プロジェクト名", "役割"], projects, "utf-8-sig")
    g.xlsx("評価.xlsx", "evaluation", [("評価", ["年度", "プロジェクト番号", "評価区分", "観点", "評価者", "評価者区分",
                                                "被評価者", "評価点"], evals)])
    g.csv("certifications.csv", "certification", ["staff_id", "policy", "certification", "fiscal_year", "source"], history)
