"""Tarumizu (垂水市): the training matrix, nominations and appointments."""
from __future__ import annotations

from datetime import date, timedelta

from bench.population.base import Gen

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


def build(g: Gen) -> None:
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
