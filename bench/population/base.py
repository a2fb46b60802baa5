"""What every policy's population shares: the municipalities' vocabulary (departments, grades,
titles, names), the cell spellings (和暦, full-width digits), the CSV/XLSX writers and the roster."""
from __future__ import annotations

import csv
import io
import random
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
SKILL_HEADER = ["職員番号", "年度", "フレームワーク", "スキル", "レベル", "評価者"]


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
