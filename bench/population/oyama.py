"""Oyama (小山市): the skill map by role, IPA exams."""
from __future__ import annotations

import random
from datetime import date, timedelta

from bench.population.base import SKILL_HEADER, SPECIAL, Gen, Staff

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


def build(g: Gen) -> None:
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
