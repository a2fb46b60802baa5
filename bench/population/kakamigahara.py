"""Kakamigahara (各務原市): three tiers of skills, some derived from trainings."""
from __future__ import annotations

from datetime import date

from bench.population.base import SKILL_HEADER, Gen

KAKA_TIERS = [["dx_knowledge", "ict_knowledge", "improve_own_work", "security_knowledge", "oa_groupware"],
              ["improve_department", "security_management_department", "tech_adoption_department", "data_science", "ui_ux_design"],
              ["improve_organization", "security_governance_organization", "tech_adoption_organization"]]
KAKA_JA = {"dx_knowledge": "DX知識（基礎・リーダー向け）", "ict_knowledge": "ICT知識", "oa_groupware": "OAスキル、グループウェア活用スキル",
           "data_science": "データサイエンス", "ui_ux_design": "UI・UXデザイン"}
KAKA_COURSES = {"security_knowledge": ("security_basics", ["情報セキュリティ研修（基礎）", "情報セキュリティ研修(基礎)", "security_basics"]),
                "dx_knowledge": ("dx_mindup", ["DXマインドアップ研修", "ＤＸマインドアップ研修", "DX マインドアップ研修"]),
                "data_science": ("digital_skillup", ["デジタルスキルアップ研修", "digital_skillup"]),
                "ui_ux_design": ("digital_skillup", ["デジタルスキルアップ研修"])}


def build(g: Gen) -> None:
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
