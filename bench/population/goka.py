"""Goka (五霞町): four tracks, levels 1-5."""
from __future__ import annotations

from bench.population.base import Gen

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


def build(g: Gen) -> None:
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
