"""Synthetic HR exports for one policy: a roster of N staff over fiscal years 2021-2025 and the
records that policy reads, written in the import format (spec/fact-records.md) the way
municipal systems export them: Japanese headers (a few English), the roster in CP932, one file
UTF-8 with BOM, XLSX, 和暦 and full-width digits in some cells, grades as Japanese titles.

    python bench/generate.py --policy moka --staff 20000 --seed 7 --out /tmp/moka [--years 2021-2025]

Every condition of the policy is exercised with plenty of near misses (one requirement short,
scores at and just below thresholds, records dated after the review year). Deterministic for a
given seed: one random.Random, lists only, no set or hash order.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

POLICIES = ("moka", "goka", "oyama", "tarumizu", "kakamigahara")
PREFIX = {"moka": "1", "oyama": "2", "tarumizu": "3", "kakamigahara": "4", "goka": "5"}
CITY = {"moka": "真岡市", "goka": "五霞町", "oyama": "小山市", "tarumizu": "垂水市", "kakamigahara": "各務原市"}
GRADES = ("staff", "supervisor", "manager", "executive")
TITLES = {"staff": ["主事", "主事", "主任", "係員", "技師", "主任主事"], "supervisor": ["係長", "係長", "主査", "主幹", "課長補佐"],
          "manager": ["課長", "課長", "室長", "参事", "次長"], "executive": ["部長", "部長", "局長", "理事"]}
SURNAMES = ["佐藤", "鈴木", "髙橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木",
            "山﨑", "濵田", "松本", "井上", "木村", "林", "清水", "森", "池田", "橋本", "阿部", "石川", "前田"]
GIVEN = ["健一", "美咲", "大輔", "由美", "翔", "恵", "拓也", "さくら", "誠", "光", "花子", "陽菜", "蒼", "結衣",
         "直子", "隆", "真理子", "千夏", "浩二", "亮", "千尋", "博之", "清", "正人"]
DEPARTMENTS = ["総務部 総務課", "総務部 人事課", "企画政策課", "財政課", "市民生活部 市民課", "税務課", "健康福祉部 福祉課",
               "健康福祉部　子育て支援課", "保険年金課", "環境課", "建設部 都市計画課", "建設部/土木課", "農政課",
               "商工観光課", "教育委員会 学校教育課", "会計課", "上下水道部 水道課", "議会事務局"]
# departments a policy lists (several spellings that match), and look-alikes that must not match
SPECIAL = {
    "moka": (["総務部 デジタル戦略課"], ["デジタル戦略課分室"]),
    "goka": (["デジタル推進室", "総務部　デジタル推進室", "企画財政課/デジタル推進室"], ["デジタル推進課", "デジタル推進室分室"]),
    "oyama": (["情報政策課", "総務部　情報政策課", "DX推進室", "総務部/DX推進室"], ["企画課/DX推進係", "情報推進課"]),
    "tarumizu": (["総務課 DX推進係", "総務課　DX推進係", "企画政策課/DX推進係"], ["DX推進課", "総務課 DX推進"]),
    "kakamigahara": (["情報推進課", "総務部 情報推進課", "情報推進課　システム係", "総務部/情報推進課"], ["情報政策課", "情報推進課分室"]),
}
P_SPECIAL = {"moka": 0.05, "goka": 0.14, "oyama": 0.14, "tarumizu": 0.08, "kakamigahara": 0.12}
FW = str.maketrans("0123456789", "０１２３４５６７８９")


class Staff:
    __slots__ = ("sid", "name", "years", "special")

    def __init__(self, sid: str, name: str):
        self.sid, self.name, self.years, self.special = sid, name, {}, False  # years: fy -> (dept, grade, title)


class Gen:
    def __init__(self, policy: str, n: int, seed: int, out: Path, first: int, last: int, extras: bool = True):
        self.policy, self.rng, self.out, self.first, self.last = policy, random.Random(seed), out, first, last
        self.extras = extras  # columns the import must ignore (備考)
        self.years = list(range(first, last + 1))
        self.counts: dict[str, int] = {}
        self.staff = _roster(self, n)
        self.active = {y: [s for s in self.staff if y in s.years] for y in self.years}
        self.reviewed = self.active[last]

    # --- cell spellings ---
    def fy(self, y: int, xlsx: bool = False):
        r = self.rng.random()
        if r < 0.6:
            return y if xlsx else str(y)
        if r < 0.75:
            return f"令和{y - 2018}年度"
        if r < 0.85:
            return f"R{y - 2018}"
        return f"令和{y - 2018}" if r < 0.92 else str(y).translate(FW)

    def day(self, y: int) -> date:
        return date(y, 4, 1) + timedelta(days=self.rng.randrange(365))

    def date(self, d: date, xlsx: bool = False):
        r = self.rng.random()
        if xlsx and r < 0.5:
            return datetime(d.year, d.month, d.day)
        r = self.rng.random()
        reiwa = d >= date(2019, 5, 1)
        era, n = ("令和", d.year - 2018) if reiwa else ("平成", d.year - 1988)
        if r < 0.3:
            return d.isoformat()
        if r < 0.5:
            return f"{d.year}/{d.month}/{d.day}"
        if r < 0.7:
            return f"{era}{n}年{d.month}月{d.day}日"
        if r < 0.9:
            return f"{'R' if reiwa else 'H'}{n}.{d.month}.{d.day}"
        return f"{d.year}/{d.month}/{d.day}".translate(FW)

    def sid(self, s: Staff) -> str:  # a staff id, now and then in full-width digits
        return s.sid.translate(FW) if self.rng.random() < 0.01 else s.sid

    # --- files ---
    def csv(self, name: str, rtype: str, header: list[str], rows: list[list], encoding: str = "utf-8",
            blanks: int = 0) -> None:
        rows = self._blanks(rows, blanks, len(header))
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(["" if v is None else v for v in row] for row in rows)
        (self.out / name).write_bytes(buf.getvalue().encode(encoding))
        self._count(rtype, rows)

    def xlsx(self, name: str, rtype: str, sheets: list[tuple[str, list[str], list[list]]]) -> None:
        book = openpyxl.Workbook(write_only=True)
        for title, header, rows in sheets:
            sheet = book.create_sheet(title)
            sheet.append(header)
            for row in self._blanks(rows, 1 if len(rows) > 10 else 0, len(header)):
                sheet.append(row)
            self._count(rtype, rows)
        book.save(self.out / name)
        _pin_timestamps(self.out / name)

    def _blanks(self, rows: list[list], k: int, width: int) -> list[list]:
        rows = list(rows)
        for _ in range(k):  # blank rows, skipped by the import
            rows.insert(self.rng.randrange(len(rows) + 1), [None] * width)
        return rows

    def _count(self, rtype: str, rows: list[list]) -> None:
        self.counts[rtype] = self.counts.get(rtype, 0) + sum(1 for r in rows if any(v not in (None, "") for v in r))

    def history(self, rows: list[list], s: Staff, cert: str, label: str, y: int) -> None:
        """A certification granted outside the engine (paper ledger)."""
        rows.append([s.sid, self.policy if self.rng.random() < 0.6 else CITY[self.policy],
                     cert if self.rng.random() < 0.5 else label, self.fy(y), self.rng.choice(["紙台帳", "人事課台帳", ""])])


def _pin_timestamps(path: Path) -> None:
    """openpyxl stamps the save time into docProps/core.xml: rewrite it fixed, for byte-identical files."""
    import re
    import zipfile
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-04-01T00:00:00Z", data)
            info.date_time = (2025, 4, 1, 0, 0, 0)
            z.writestr(info, data)


# --- the roster -------------------------------------------------------------------------------

def _roster(g: Gen, n: int) -> list[Staff]:
    rng, first, last = g.rng, g.first, g.last
    special, near = SPECIAL[g.policy]
    out = []
    for i in range(n):
        s = Staff(f"{PREFIX[g.policy]}{i + 1:06d}", f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}")
        join = first if rng.random() < 0.8 or first == last else rng.randint(first + 1, last)
        end = rng.randint(join, last - 1) if join < last and rng.random() < 0.05 else last
        years = list(range(join, end + 1))
        if len(years) >= 3 and rng.random() < 0.03:  # leave of absence: a gap in the roster
            years.pop(rng.randrange(1, len(years) - 1))
        gi = 0 if join > first else rng.choices(range(4), [55, 25, 15, 5])[0]
        home = rng.choice(DEPARTMENTS)
        kind = rng.choices(["special", "left", "near", "plain"], [P_SPECIAL[g.policy], 0.04, 0.04, 0.88])[0]
        spec, nearby = rng.choice(special), rng.choice(near)
        move_in = years[0] if rng.random() < 0.5 else rng.choice(years)
        moved = rng.choice(years) if rng.random() < 0.1 else None
        for y in years:
            if y > years[0] and gi < 3 and rng.random() < 0.08:
                gi += 1  # promotion
            if kind == "special" and y >= move_in:
                dept = spec
            elif kind == "left" and y < years[-1]:
                dept = spec
            elif kind == "near":
                dept = nearby
            elif moved is not None and y >= moved:
                dept = DEPARTMENTS[(DEPARTMENTS.index(home) + 3) % len(DEPARTMENTS)]
            else:
                dept = home
            grade = GRADES[gi]
            title = s.years[y - 1][2] if y - 1 in s.years and s.years[y - 1][1] == grade else rng.choice(TITLES[grade])
            s.years[y] = (dept, grade, title)
        s.special = kind == "special" and last in s.years
        out.append(s)
    notes = ["", "", "", "", "", "", "", "", "再任用", "育児休業から復帰", "兼務あり"]
    rows = [[s.sid, g.fy(y), s.name, d, t, rng.choice(notes)]
            for y in range(first, last + 1) for s in out if y in s.years for d, _, t in [s.years[y]]]
    header = ["職員番号", "年度", "氏名", "所属", "職級", "備考"]
    if not g.extras:
        header, rows = header[:-1], [r[:-1] for r in rows]
    g.csv("職員名簿.csv", "staff", header, rows, "cp932", blanks=2)
    return out


# --- moka: projects, report-meeting and post-project scores -----------------------------------

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


def _moka(g: Gen) -> None:
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
                strangers = [m for m in all_members if m not in part]
                if strangers:
                    outsiders.append((rng.choice(strangers).sid, "メンバー"))
                ids = [m.sid for m in part]
                for eid, etype in [o for o in outsiders if o[0] not in ids][: rng.randint(1, 3)]:
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


# --- goka: four tracks, levels 1-5 --------------------------------------------------------------

GOKA_TRACKS = {"manager": "職員（管理職）", "dx_office": "DX推進主担当（デジタル推進室）",
               "dx_leader": "DX推進リーダー（各課職員）", "staff": "職員（各課職員）※管理職除く"}
GOKA_TRAININGS = [("J-LIS eラーニング 自治体DX推進の基礎", "J-LIS"), ("茨城県 情報セキュリティ管理者研修", "茨城県"),
                  ("五霞町 文書管理システム操作研修", "五霞町"), ("茨城県 GIS活用研修（初級）", "茨城県高度情報化推進協議会"),
                  ("J-LIS 自治体CIO補佐官等育成研修（オンライン）", "J-LIS"), ("五霞町 グループウェア操作研修", "五霞町")]
GOKA_NEEDS = {("staff", 5): "ojt_instructor", ("dx_leader", 2): "ojt_instructor",
              ("dx_leader", 3): "tool_instructor", ("dx_office", 3): "system_training_instructor"}
ACTIVITIES = {"self_study": ("自学", ["クラウドサービスの入門講座を受講", "デジタル田園都市国家構想の資料で学習"]),
              "ojt_instructor": ("OJT講師", ["新規採用職員にグループウェアを指導", "表計算ソフトの使い方を課内で指導"]),
              "tool_instructor": ("ツール講師", ["GISの操作を各課に指導", "電子申請の作成方法を指導"]),
              "system_training_instructor": ("システム研修講師", ["文書管理システム操作研修の講師", "電子申請システム研修の講師"])}
SUPPORT = [[2024], [2025], [2021, 2022], [2021, 2023], [2023, 2024, 2025], [2020, 2021], [2022, 2025], [2024, 2025],
           [2021, 2022, 2023, 2024, 2025], [2020]]
ASSESSORS = ["副町長", "所属長", "総務課長", "デジタル推進室長"]


def _goka(g: Gen) -> None:
    rng, last = g.rng, g.last
    skills, roles, acts, trains, history = [], [], [], [], []
    for s in g.staff:
        st = s.years.get(last)
        done: dict[tuple, bool] = {}

        def act(kind: str, y: int) -> None:
            if (kind, y) not in done:
                done[(kind, y)] = True
                ja, details = ACTIVITIES[kind]
                acts.append([s.sid, g.fy(y), ja if rng.random() < 0.7 else kind, rng.choice(details)])

        def train(y: int) -> None:
            name, provider = rng.choice(GOKA_TRAININGS)
            d = g.day(y)
            if (name, d) not in done:
                done[(name, d)] = True
                trains.append([g.sid(s), name, g.date(d, xlsx=True), provider])

        years = list(s.years)
        if st is None:
            if rng.random() < 0.5:
                train(rng.choice(years))
            continue
        tracks = ["manager" if st[1] in ("manager", "executive") else "staff"] + (["dx_office"] if s.special else [])
        if rng.random() < (0.5 if s.special else 0.2):
            pattern = rng.choice(SUPPORT)
            for y in pattern:
                roles.append([s.sid, g.fy(y), "情報化推進サポートチーム" if rng.random() < 0.8 else "support_team"])
            if sum(1 for y in pattern if g.first <= y <= last) >= 2:
                tracks.append("dx_leader")
        r = rng.random()  # level-1 evidence: training, self-study, both, only after the review year, none
        if r < 0.6:
            if r < 0.45:
                train(rng.choice(years))
            if r >= 0.3:
                act("self_study", rng.choice(years))
        elif r < 0.68:
            train(last + 1)
        for track in tracks:
            top = rng.choices(range(6), [2, 2, 2, 2, 2, 4] if track in ("manager", "staff") else [1, 1, 2, 2, 2, 6])[0]
            if top >= 2:
                fin = rng.choice([max(years[0], last - 2), last - 1 if last - 1 >= years[0] else last, last, last])
                defect = rng.choice(["self", "below", "later", "future"]) if rng.random() < 0.3 else None
                level = top - 1 if defect == "below" else top
                assessor = s.sid if defect == "self" else rng.choice(ASSESSORS)
                written = GOKA_TRACKS[track] if rng.random() < 0.1 else track

                def skill(y: int, lv: int, who: str) -> None:
                    if (y, track, who) not in done:
                        done[(y, track, who)] = True
                        skills.append([s.sid, g.fy(y), "goka", written, rng.choice([str(lv), str(lv), f"レベル{lv}", f"Lv{lv}"]), who])

                skill(last + 1 if defect == "future" else fin, level, assessor)
                if defect == "future":
                    skill(fin, top - 1, assessor)
                if defect == "later":
                    skill(min(fin + 1, last + 1) if fin < last else fin, max(1, top - 2), "所属長" if assessor != "所属長" else "副町長")
                if rng.random() < 0.25:
                    skill(fin, rng.randint(1, top), "人事担当")  # a second assessment that year: the highest counts
                if rng.random() < 0.2 and fin > years[0]:
                    skill(fin - 1, rng.randint(1, 5), rng.choice(ASSESSORS))  # superseded by the later one
            for (t, lv), kind in GOKA_NEEDS.items():
                if t == track and (top >= lv and rng.random() < 0.8 or rng.random() < 0.1):
                    act(kind, rng.choice(years) if rng.random() < 0.85 else last + 1)
        if rng.random() < 0.06 and years[0] < last:
            track = rng.choice(tracks)
            for lv in range(1, rng.randint(2, 5)):
                g.history(history, s, f"{track}_l{lv}", f"{GOKA_TRACKS[track]} レベル{lv}", min(last - 1, years[0] + lv - 1))
    g.csv("スキル評価.csv", "skill", ["職員番号", "年度", "フレームワーク", "スキル", "レベル", "評価者"], skills, "utf-8-sig")
    g.csv("役割.csv", "role", ["職員番号", "年度", "役割"], roles)
    g.csv("activities.csv", "activity", ["staff_id", "fiscal_year", "kind", "detail"], acts, blanks=1)
    g.xlsx("研修受講.xlsx", "training", [("研修受講", ["職員番号", "研修名", "修了日", "主催"], trains)])
    g.csv("認定履歴.csv", "certification", ["職員番号", "方針", "認定", "認定年度", "出典"], history)


# --- oyama: skill map by role, IPA exams ----------------------------------------------------------

OYAMA_SKILLS = {"management": ("マネジメント", [None, "b", "a", "b"]), "leadership": ("リーダーシップ", [None, "b", "a", "b"]),
                "dx_promotion": ("DX推進", ["c", "b", "a", "a"]), "it": ("IT", ["b", "b", "b", "a"]),
                "data_literacy": ("データ基礎", ["c", "b", "a", "a"]), "data_analysis": ("データ分析", ["c", "b", "b", "a"]),
                "service_design": ("サービスデザイン", ["c", "b", "b", "a"]), "info_security": ("情報セキュリティ", ["b", "b", "a", "a"])}
LEVELS = ["c", "b", "a"]
LEVEL_JA = {"c": "理解", "b": "活用", "a": "指導"}
EXAMS = [("it_passport", "ITパスポート", 30), ("sg", "情報セキュリティマネジメント", 12), ("fe", "基本情報技術者", 10),
         ("ap", "応用情報技術者", 5), ("st", "ITストラテジスト", 1), ("pm", "プロジェクトマネージャ", 1),
         ("nw", "ネットワークスペシャリスト", 1), ("db", "データベーススペシャリスト", 1), ("sc", "情報処理安全確保支援士", 2),
         ("sa", "システムアーキテクト", 1), ("es", "エンベデッドシステムスペシャリスト", 1), ("sm", "ITサービスマネージャ", 1),
         ("au", "システム監査技術者", 1)]


def _oyama_column(s: Staff, y: int) -> int:
    dept, grade, _ = s.years[y]
    if any(seg in SPECIAL["oyama"][0] for seg in [dept] + dept.replace("/", " ").replace("　", " ").split()):
        return 3
    return {"staff": 0, "supervisor": 1}.get(grade, 2)


SKILL_HEADER = ["職員番号", "年度", "フレームワーク", "スキル", "レベル", "評価者"]


def _oyama(g: Gen) -> None:
    rng, last = g.rng, g.last
    skills, past, quals, history = [], [], [], []  # the review year's assessments in XLSX, earlier ones in CSV
    for s in g.staff:
        years = list(s.years)
        if last in s.years and rng.random() < 0.85:
            col = _oyama_column(s, last)
            if rng.random() < 0.15 and len(years) > 1:
                col = _oyama_column(s, years[-2])  # assessed against last year's role (promoted or moved since)
            fin = rng.choice([y for y in years if y >= last - 2])
            need = [(k, req[col]) for k, (_, req) in OYAMA_SKILLS.items() if req[col]]
            meet = rng.random() < 0.45
            short = None if meet else rng.choice(need)[0]
            defect = rng.choice(["below", "missing", "superseded", "framework", "future", "both"])
            done: dict[tuple, bool] = {}

            def rec(k: str, lv: str, y: int, who: str = "所属長", fw: str = "oyama") -> None:
                if (k, y, who, fw) not in done:
                    done[(k, y, who, fw)] = True
                    (skills if y >= last else past).append([s.sid, g.fy(y, xlsx=y >= last), fw, OYAMA_SKILLS[k][0] if rng.random() < 0.4 else k,
                                   LEVEL_JA[lv] if rng.random() < 0.5 else lv, who])

            for k, lv in need:
                i = LEVELS.index(lv)
                if k != short:
                    rec(k, LEVELS[min(2, i + 1)] if rng.random() < 0.15 else lv, fin)
                    if rng.random() < 0.1:
                        rec(k, LEVELS[max(0, i - 1)], fin, "人事課")  # same year, lower: the highest counts
                elif defect == "below" and i > 0:
                    rec(k, LEVELS[i - 1], fin)
                elif defect == "superseded" and fin > years[0] and i > 0:
                    rec(k, lv, fin - 1)
                    rec(k, LEVELS[i - 1], fin)
                elif defect == "framework":
                    rec(k, lv, fin, fw="goka")
                elif defect == "future":
                    rec(k, lv, last + 1)
                elif defect == "both" and i > 0:
                    rec(k, LEVELS[i - 1], fin, "人事課")
                    rec(k, LEVELS[i - 1], fin)
            if rng.random() < 0.2:
                extra = rng.choice(list(OYAMA_SKILLS))
                rec(extra, rng.choice(LEVELS), fin, "人事課")
        if rng.random() < 0.4:
            for qid, qja, _ in _weighted_distinct(rng, EXAMS, 1 if rng.random() < 0.8 else 2):
                r = rng.random()
                d = (date(2026, 3, 31) if r < 0.05 else date(2026, 4, 1) + timedelta(days=rng.randrange(150)) if r < 0.15
                     else date(2008, 4, 1) + timedelta(days=rng.randrange((date(2026, 3, 31) - date(2008, 4, 1)).days)))
                name = qid if rng.random() < 0.3 else qja + ("試験" if rng.random() < 0.3 else "")
                quals.append([g.sid(s), name, g.date(d)])
        if rng.random() < 0.04 and years[0] < last:
            cert, label = rng.choice([("skill_standard", "スキル水準達成"), ("it_literacy", "ITパスポート試験相当")])
            g.history(history, s, cert, label, rng.randint(years[0], last - 1))
    g.xlsx("スキル評価.xlsx", "skill", [("スキル評価", SKILL_HEADER, skills)])
    g.csv("スキル評価_過年度.csv", "skill", SKILL_HEADER, past, "utf-8-sig")
    g.csv("資格.csv", "qualification", ["職員番号", "資格", "取得日"], quals, "utf-8-sig")
    g.csv("certifications.csv", "certification", ["staff_id", "policy", "certification", "fiscal_year", "source"], history)


def _weighted_distinct(rng: random.Random, items: list[tuple], k: int) -> list[tuple]:
    out: list[tuple] = []
    while len(out) < k:
        item = rng.choices(items, [w for *_, w in items])[0]
        if item not in out:
            out.append(item)
    return out


# --- tarumizu: the training matrix, nominations and appointments ---------------------------------

# id: (name, provider, the seed's other spellings, matrix marks for 管理職 アドバイザー リーダー 推進員 一般職員)
COURSES = {
    "new_hire": ("新規採用職員研修", "垂水市", [], "----△"),
    "pc_basics": ("パソコン研修 Word・Excel基礎", "垂水市", ["パソコン研修 (Word・Excel基礎)"], "----△"),
    "jlis_ict_basics": ("ICTの基礎セミナー", "J-LIS", ["ＩＣＴの基礎セミナー"], "○●●●●"),
    "security_basics": ("情報セキュリティ研修", "RICOH", ["情報セキュリティ研修(RICHO)", "情報セキュリティ研修 RICHO"], "●●●●●"),
    "cyder_pre": ("実践的サイバー防御演習 プレCYDER", "NICT", ["実践的サイバー防御演習 (プレCYDER)", "プレCYDER"], "-●●●○"),
    "cyder_a": ("実践的サイバー防御演習 集合演習Aコース", "NICT", ["実践的サイバー防御演習 (集合演習Aコース)"], "-●●○-"),
    "jlis_security": ("デジタル人材育成のための基礎研修 情報セキュリティコース", "J-LIS", ["デジタル人材育成のための基礎研修情報セキュリティコース"], "○●●○-"),
    "jlis_privacy": ("デジタル人材育成のための基礎研修 個人情報保護コース", "J-LIS", ["デジタル人材育成のための基礎研修個人情報保護コース"], "○●●○-"),
    "jlis_literacy": ("デジタル人材育成のための基礎研修 デジタルリテラシーコース", "J-LIS", [], "-●○--"),
    "jlis_dx_intro": ("自治体DX入門セミナー", "J-LIS", ["自治体ＤＸ入門セミナー"], "○●●●●"),
    "jlis_social_issues": ("デジタル活用による社会課題解決推進セミナー", "J-LIS", [], "-●●○-"),
    "jlis_cloud": ("クラウドサービス基礎セミナー", "J-LIS", [], "-●---"),
    "dx_planning": ("DX施策立案", "垂水市", ["D X施策立案"], "-●●●-"),
    "data_literacy": ("データリテラシー", "鹿児島県", [], "-●●○-"),
    "ebpm": ("EBPM研修", "鹿児島県", ["E B P M研修"], "-○○--"),
    "bpr": ("BPR実践研修", "鹿児島県", ["B P R実践研修"], "-○---"),
    "logo_chat": ("LoGo Chat", "垂水市", ["LoGoChat"], "○○○○○"),
    "logo_ai": ("LoGo AIアシスタント", "垂水市", [], "○○○○○"),
    "smart_discussion": ("SmartDiscussion", "垂水市", ["Smart Discussion"], "●●○○○"),
}
NEEDS = {"advisor": [c for c, v in COURSES.items() if v[3][1] == "●"],
         "leader": [c for c, v in COURSES.items() if v[3][3] == "●" and c != "dx_planning"],
         "promoter": [c for c, v in COURSES.items() if v[3][4] == "●"]}
NEEDS["both"] = NEEDS["leader"]
NOMINATED_FOR = {"leader": ["DX推進リーダー", "dx_leader"], "promoter": ["DX推進員", "dx_promoter"], "both": [None]}


def _tarumizu(g: Gen) -> None:
    rng, last = g.rng, g.last
    roles, web, local, ricoh, history = [], [], [], [], []
    for s in g.staff:
        years = list(s.years)
        if last not in s.years:
            kind = "none"
        else:
            kind = rng.choices(["advisor", "leader", "promoter", "both", "none"],
                               [70, 5, 5, 5, 15] if s.special else [8, 12, 14, 5, 61])[0]
        taken = dict.fromkeys(NEEDS.get(kind, []), True)
        courses = list(taken)
        for c, v in COURSES.items():
            if c not in taken and "●" not in v[3][4] and rng.random() < 0.12:
                courses.append(c)  # ○ and △ courses, which count for nothing
        late = None
        if kind != "none" and rng.random() < 0.35:
            k = rng.choice(NEEDS[kind])
            defect = rng.choice(["missing", "late", "swap"])
            if defect == "late":
                late = k
            else:
                courses.remove(k)
                swap = "cyder_a" if k == "cyder_pre" else "logo_chat"
                if defect == "swap" and swap not in courses:
                    courses.append(swap)
        if kind == "none" and rng.random() < 0.3:
            courses += [c for c in rng.sample(list(COURSES), 3) if c not in courses]
        for c in courses:
            ja, provider, others, _ = COURSES[c]
            r = rng.random()
            d = (date(2026, 4, 1) + timedelta(days=rng.randrange(60)) if c == late
                 else date(2026, 3, 31) if r < 0.03 else g.day(rng.choice(years)))
            name = c if r < 0.25 else ja if r < 0.7 or not others else rng.choice(others)
            sid = int(s.sid) if rng.random() < 0.2 else g.sid(s)
            if c == "security_basics":
                ricoh.append([g.sid(s), name, g.date(d), provider])
            elif provider in ("J-LIS", "NICT"):
                web.append([sid, name, provider if provider == "J-LIS" else "情報通信研究機構", g.date(d, xlsx=True)])
            else:
                local.append([sid, name, provider, g.date(d, xlsx=True)])

        def role(y: int, r: str, nominated=None, by=None, rec=None, appointer=None) -> None:
            roles.append([s.sid, g.fy(y), r, nominated, by, rec, appointer, g.date(date(y, 4, 1)) if appointer else None])

        if kind == "advisor" and not s.special or kind == "advisor" and rng.random() < 0.2:
            standing = rng.random()
            if standing < 0.85:
                for y in sorted(rng.sample(years, rng.randint(1, min(2, len(years))))):
                    role(y, "DX推進リーダー", rec="DX推進係", appointer="DX推進本部長")
            else:
                role(last + 1 if standing < 0.93 else last, "DX推進リーダー" if standing < 0.93 else "DX推進員",
                     rec="DX推進係", appointer="DX推進本部長")
        if kind in NOMINATED_FOR or kind == "none" and rng.random() < 0.03:
            y = last if rng.random() < 0.9 else max(years[0], last - 1)
            role(y, "推薦候補" if rng.random() < 0.8 else "nominee", rng.choice(NOMINATED_FOR.get(kind, [None])),
                 rng.choice(["自薦", "他薦"]), rng.choice(["所属長", "DX推進係"]))
            if kind == "leader" and last - 1 in s.years and rng.random() < 0.3:
                role(last - 1, "DX推進員", rec="DX推進係", appointer="DX推進本部長")
        if rng.random() < 0.03 and years[0] < last:
            cert, label = rng.choice([("dx_advisor", "DX推進アドバイザー（認定）"), ("dx_leader_candidate", "DX推進リーダー推薦候補"),
                                      ("dx_promoter_candidate", "DX推進員推薦候補")])
            g.history(history, s, cert, label, rng.randint(years[0], last - 1))
    g.csv("役割.csv", "role", ["職員番号", "年度", "役割", "推薦区分", "自薦/他薦", "推薦者", "任命者", "任命日"], roles, "utf-8-sig")
    g.xlsx("研修受講.xlsx", "training", [("J-LIS・NICT", ["職員番号", "研修名", "主催", "修了日"], web),
                                         ("市・県主催", ["職員番号", "研修名", "主催", "受講日"], local)])
    g.csv("training_ricoh.csv", "training", ["staff_id", "course", "completed_on", "provider"], ricoh)
    g.csv("認定履歴.csv", "certification", ["職員番号", "方針", "認定", "認定年度", "出典"], history)


# --- kakamigahara: three tiers of skills, some derived from trainings ------------------------------

KAKA_TIERS = [["dx_knowledge", "ict_knowledge", "improve_own_work", "security_knowledge", "oa_groupware"],
              ["improve_department", "security_management_department", "tech_adoption_department", "data_science", "ui_ux_design"],
              ["improve_organization", "security_governance_organization", "tech_adoption_organization"]]
KAKA_JA = {"dx_knowledge": "DX知識（基礎・リーダー向け）", "ict_knowledge": "ICT知識", "oa_groupware": "OAスキル、グループウェア活用スキル",
           "data_science": "データサイエンス", "ui_ux_design": "UI・UXデザイン"}
KAKA_COURSES = {"security_knowledge": ("security_basics", ["情報セキュリティ研修（基礎）", "情報セキュリティ研修(基礎)", "security_basics"]),
                "dx_knowledge": ("dx_mindup", ["DXマインドアップ研修", "ＤＸマインドアップ研修", "DX マインドアップ研修"]),
                "data_science": ("digital_skillup", ["デジタルスキルアップ研修", "digital_skillup"]),
                "ui_ux_design": ("digital_skillup", ["デジタルスキルアップ研修"])}


def _kakamigahara(g: Gen) -> None:
    rng, last = g.rng, g.last
    skills, past, trains, roles, history = [], [], [], [], []
    for s in g.staff:
        years = list(s.years)
        if rng.random() < 0.3:
            trains.append([g.sid(s), rng.choice(["接遇研修", "新規採用職員研修", "メンタルヘルス研修"]),
                           g.date(g.day(rng.choice(years))), "人事課"])
        if last not in s.years:
            continue
        appointed = rng.random() < (0.45 if s.special else 0.2)
        if appointed:
            for y in [y for y in years if y < last and rng.random() < 0.3] + [last]:
                roles.append([s.sid, g.fy(y), "デジタル推進員" if rng.random() < 0.8 else "digital_promoter", "市長", g.date(date(y, 4, 1))])
        elif rng.random() < 0.08:  # appointed only last year, or to another role
            roles.append([s.sid, g.fy(last - 1 if rng.random() < 0.6 else last),
                          "デジタル推進員" if rng.random() < 0.6 else "DX推進員", "市長", None])
        tier = rng.choices(range(4), [1, 1, 2, 6] if s.special else [1, 2, 6, 1] if appointed else [5, 5, 1, 0.3])[0]
        wanted = [k for t in KAKA_TIERS[:tier] for k in t]
        short = rng.choice(wanted) if wanted and rng.random() < 0.4 else None
        defect = rng.choice(["missing", "level", "future"])
        done: dict[str, bool] = {}
        for k in wanted:
            if k == short and defect == "missing":
                continue
            y = last + 1 if k == short and defect == "future" else rng.choice(years)
            if k in KAKA_COURSES and rng.random() < 0.4 and not (k == short and defect == "level"):
                course, names = KAKA_COURSES[k]
                if course not in done:
                    done[course] = True
                    name = rng.choice(names)
                    trains.append([g.sid(s), name, g.date(g.day(y)), rng.choice(["情報推進課", "J-LIS", None])])
                continue
            level = "理解" if k == short and defect == "level" else rng.choice(["習得", "習得", "acquired", "習得済み"])
            (skills if y >= last else past).append([s.sid, g.fy(y, xlsx=y >= last), "kakamigahara", KAKA_JA[k] if k in KAKA_JA and rng.random() < 0.15 else k,
                           level, rng.choice(["所属長", "情報推進課長"])])
        if rng.random() < 0.04 and years[0] < last:
            cert, label = rng.choice([("general", "一般職員"), ("digital_promoter", "デジタル推進員"), ("advanced_specialist", "高度専門人材")])
            g.history(history, s, cert, label, rng.randint(years[0], last - 1))
    g.xlsx("スキル評価.xlsx", "skill", [("スキル評価", SKILL_HEADER, skills)])
    g.csv("skills_before.csv", "skill", ["staff_id", "fiscal_year", "framework", "skill", "level", "assessor"], past)
    g.csv("研修受講.csv", "training", ["職員番号", "研修名", "修了日", "主催"], trains, "utf-8-sig")
    g.csv("roles.csv", "role", ["staff_id", "fiscal_year", "role", "appointed_by", "appointed_on"], roles)
    g.csv("認定履歴.csv", "certification", ["職員番号", "方針", "認定", "認定年度", "出典"], history)


# --- entry points ------------------------------------------------------------------------------------

BUILDERS = {"moka": _moka, "goka": _goka, "oyama": _oyama, "tarumizu": _tarumizu, "kakamigahara": _kakamigahara}


def generate(policy: str, staff: int, seed: int, out: Path, first_year: int = 2021, last_year: int = 2025,
             extras: bool = True) -> dict:
    """Write one policy's fact files into ``out``; the number of records written per record type.
    ``extras``: also columns that are no field of the record (備考), which the import must ignore."""
    if policy not in BUILDERS:
        raise ValueError(f"unknown policy {policy!r} (one of {', '.join(POLICIES)})")
    if not 2019 <= first_year < last_year:
        raise ValueError("years: first < last, from 2019 (令和)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    g = Gen(policy, staff, seed, out, first_year, last_year, extras)
    BUILDERS[policy](g)
    return dict(g.counts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--policy", required=True, choices=POLICIES)
    ap.add_argument("--staff", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--years", default="2021-2025", help="first-last fiscal year (default 2021-2025)")
    ap.add_argument("--no-extras", action="store_true", help="leave out the columns the import must ignore (備考)")
    a = ap.parse_args(argv)
    first, _, last = a.years.partition("-")
    t0 = time.perf_counter()
    counts = generate(a.policy, a.staff, a.seed, a.out, int(first), int(last or first), not a.no_extras)
    print(f"policy {a.policy}, seed {a.seed}, {a.staff} staff, {time.perf_counter() - t0:.1f} s -> {a.out}")
    for rtype, n in counts.items():
        print(f"  {rtype:14} {n:8d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
