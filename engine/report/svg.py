"""Charts of progress against the plan's targets as inline SVG (no script, no fonts fetched):
per certification, a bar per fiscal year for the actual figure beside an outlined bar for the
target. Every text is escaped."""
from __future__ import annotations

from html import escape

from engine.report.data import Report
from engine.report.words import w, year_short

W, H, LEFT, BOTTOM, TOP = 320, 170, 34, 34, 22


def progress_chart(report: Report, cert: str, label: str) -> str:
    """One certification's chart; the years with a target or a review."""
    years = sorted({y for y in report.targets if cert in report.targets[y]} | set(report.years))
    bars = []
    for year in years:
        target = report.targets.get(year, {}).get(cert)
        bars.append((year, report.actual(year, cert), target.value if target else None))
    lang = report.lang
    top = max([1] + [v for _, a, t in bars for v in (a, t) if v is not None])
    plot_h = H - BOTTOM - TOP
    step = (W - LEFT - 8) / max(1, len(bars))
    bw = min(26.0, step / 2.6)
    chart = w(lang, "chart")
    parts = [f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" xmlns="http://www.w3.org/2000/svg" '
             f'aria-label="{escape(label)} {chart}">',
             f'<title>{escape(label)}: {chart}</title>',
             f'<text x="{W / 2}" y="14" text-anchor="middle" class="ct">{escape(label)}</text>',
             f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - 4}" y2="{H - BOTTOM}" class="axis"/>']
    for i, (year, actual, target) in enumerate(bars):
        x = LEFT + i * step + step / 2
        for value, kind, dx in ((target, "target", -bw - 1), (actual, "actual", 1)):
            if value is None:
                continue
            h = plot_h * value / top
            y = H - BOTTOM - h
            parts.append(f'<rect class="{kind}" x="{x + dx:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}">'
                         f'<title>{_year_title(year, lang)} {w(lang, "legend_" + kind)} {value}'
                         f'{_sources(report, year, cert) if kind == "actual" else ""}</title></rect>')
            parts.append(f'<text x="{x + dx + bw / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle" class="v">{value}</text>')
        parts.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 13}" text-anchor="middle" class="yr">{escape(year_short(year, lang))}</text>')
        if lang == "ja":  # 和暦 above, the year below; in English FY2025 says both
            parts.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 25}" text-anchor="middle" class="yr">{year}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _year_title(year: int, lang: str) -> str:
    return f"{year}年度" if lang == "ja" else f"FY{year}"


def _sources(report: Report, year: int, cert: str) -> str:
    """「（任命 1・認定 4）」 where the plan counts appointments for this certification."""
    appointed, certified = report.sources(year, cert)
    if appointed is None:
        return ""
    lang = report.lang
    if lang == "ja":
        return f"（{w(lang, 'appointed')} {appointed}・{w(lang, 'certified')} {certified}）"
    return f" ({w(lang, 'appointed').lower()} {appointed}, {w(lang, 'certified').lower()} {certified})"
