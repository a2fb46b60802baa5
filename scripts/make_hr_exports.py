"""Write tests/data/hr_exports/<policy>/: each policy's sample facts (facts/samples/<policy>/) as a
city hall's HR and training systems export them, for the test that imports them unedited
(tests/test_hr_exports.py).

- 職員名簿 and every workbook as the old Excel format (.xls), with the columns HR keeps beside
  (生年月日, 採用年月日, 備考) and date cells; converted by LibreOffice (``soffice --headless``);
- some tables as Excel's 「Unicode テキスト」 (UTF-16 with BOM, tab-separated, ``.txt``), the rest
  as CP932 CSV with a 備考 column;
- 認定履歴 with Japanese headers and values: the municipality's name (真岡市), the certification's
  label (DXアドバイザー), CP932.

Run from the project root: ``.venv/bin/python scripts/make_hr_exports.py`` (needs LibreOffice).
"""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facts.dates import parse_date  # noqa: E402
from facts.readers.encoding import decode  # noqa: E402

SAMPLES = ROOT / "facts" / "samples"
OUT = ROOT / "tests" / "data" / "hr_exports"
UTF16_TEXT = {("goka", "役割"), ("goka", "活動"), ("kakamigahara", "役割"), ("moka", "プロジェクト"),
              ("oyama", "資格"), ("tarumizu", "研修受講_RICOH")}
DATE_HEADERS = {"修了日", "取得日", "任命日", "受講日"}


def main() -> None:
    from engine.rulebook import load_rulebook

    names = load_rulebook().certification_names()
    shutil.rmtree(OUT, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        workbooks: list[tuple[Path, Path]] = []
        for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
            policy = folder.name
            out = OUT / policy
            out.mkdir(parents=True)
            for path in sorted(folder.iterdir()):
                if path.suffix == ".xlsx":
                    workbooks.append((_with_date_cells(path, Path(tmp) / policy), out))
                elif path.suffix == ".csv":
                    rows = list(csv.reader(io.StringIO(decode(path.read_bytes()), newline="")))
                    if path.stem == "職員名簿":
                        workbooks.append((_roster_workbook(rows, Path(tmp) / policy), out))
                    elif path.stem == "認定履歴":
                        _write_csv(out / "認定履歴.csv", _japanese_history(rows, names[policy]), "cp932")
                    elif (policy, path.stem) in UTF16_TEXT:
                        _write_text(out / f"{path.stem}.txt", _with_note(rows))
                    else:
                        _write_csv(out / path.name, _with_note(rows), "cp932")
        for source, out in workbooks:
            _to_xls(source, out)
    print(f"wrote {sum(1 for _ in OUT.rglob('*.*'))} files under {OUT.relative_to(ROOT)}")


def _with_note(rows: list[list[str]]) -> list[list[str]]:
    """A 備考 column at the end, as HR sheets have, filled now and then."""
    return [rows[0] + ["備考"]] + [row + (["確認済"] if i % 3 == 0 else [""]) for i, row in enumerate(rows[1:])]


def _japanese_history(rows: list[list[str]], names: tuple[list[str], dict[str, list[str]]]) -> list[list[str]]:
    """policy/certification ids as the 人事課's ledger writes them: 自治体 真岡市, 認定区分 DXアドバイザー."""
    header = rows[0]
    policy_at, cert_at = header.index("policy"), header.index("certification")
    out = [["職員番号", "自治体", "認定区分", "認定年度", "出典", "登録者"]]
    year_at = header.index("認定年度")
    source_at = next(i for i, h in enumerate(header) if h in ("source", "出典"))
    for row in rows[1:]:
        municipality = names[0][1]
        label = names[1][row[cert_at]][1]
        assert row[policy_at] == names[0][0]
        out.append([row[0], municipality, label, row[year_at], row[source_at], "人事課"])
    return out


def _roster_workbook(rows: list[list[str]], folder: Path) -> Path:
    """職員名簿 with 生年月日 and 採用年月日 (date cells) and 備考, 職員番号 as numbers."""
    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "職員名簿"
    header = rows[0]
    sheet.append(header[:3] + ["生年月日"] + header[3:] + ["採用年月日", "備考"])
    for i, row in enumerate(rows[1:]):
        born = datetime(1970, 4, 2) + timedelta(days=(int(row[0]) * 379) % 12000)
        hired = datetime(1995, 4, 1) + timedelta(days=365 * ((int(row[0]) * 7) % 25))
        staff_id = int(row[0]) if row[0].isdigit() else row[0]
        sheet.append([staff_id, *row[1:3], born, *row[3:], hired, "育休明け" if i % 17 == 5 else None])
    path = folder / "職員名簿.xlsx"
    book.save(path)
    return path


def _with_date_cells(path: Path, folder: Path) -> Path:
    """A sample workbook with its dates as date cells and a 備考 column on each sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        dated = [i for i, h in enumerate(header) if h in DATE_HEADERS]
        for row in sheet.iter_rows(min_row=2):
            for i in dated:
                if isinstance(row[i].value, str):
                    row[i].value = datetime.combine(parse_date(row[i].value), datetime.min.time())
                    row[i].number_format = "yyyy/m/d"
        column = len(header) + 1
        sheet.cell(1, column, "備考")
        for r in range(2, sheet.max_row + 1, 4):
            sheet.cell(r, column, "要確認")
    out = folder / path.name
    book.save(out)
    return out


def _to_xls(source: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
                        "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=300)
    if not (out / f"{source.stem}.xls").exists():
        raise SystemExit(f"LibreOffice wrote no {source.stem}.xls")


def _write_csv(path: Path, rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _write_text(path: Path, rows: list[list[str]]) -> None:
    """Excel's 「Unicode テキスト」: UTF-16 LE with BOM, tab-separated, CRLF."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-16"))


if __name__ == "__main__":
    main()
