"""Printing an HTML file to PDF with headless Chromium, the one browser nintei drives
(``nintei certificate``), and splitting a printed PDF into its pages (pypdf).

Chromium is looked for as ``NINTEI_CHROMIUM`` (a path), else ``chromium``, ``chromium-browser``,
``google-chrome`` on PATH (scripts/test.sh installs Debian's ``chromium``). It runs with a profile
folder of its own in a temporary folder, and reads nothing but the file it is given (the pages
nintei prints load nothing from the network).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import NinteiError

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 300


class ChromiumMissing(NinteiError):
    """No Chromium to print with: the caller writes the HTML and says so."""


def find() -> str:
    """The Chromium to run, or ChromiumMissing saying how to get one."""
    given = os.environ.get("NINTEI_CHROMIUM")
    if given:
        found = shutil.which(given)
        if found is None:
            raise ChromiumMissing(f"環境変数 NINTEI_CHROMIUM の {given} は実行できるファイルではありません")
        return found
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing("PDF を作るための Chromium が見つかりません（apt-get install chromium、"
                          "または環境変数 NINTEI_CHROMIUM にその場所を指定してください）")


def print_pdf(html: Path, pdf: Path) -> None:
    """``html`` printed to ``pdf`` (paper size and margins from the page's ``@page``, no header or
    footer). NinteiError when Chromium fails or writes nothing."""
    exe = find()
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="nintei-chromium-") as profile:
        try:
            done = subprocess.run(
                [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                 "--disable-extensions", "--no-pdf-header-footer", f"--user-data-dir={profile}",
                 f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise NinteiError(f"Chromium が {TIMEOUT_SECONDS} 秒たっても {html.name} の PDF を書き終えませんでした")
        except OSError as err:
            raise ChromiumMissing(f"Chromium（{exe}）を起動できません: {err.strerror or err}")
    if not pdf.exists() or pdf.stat().st_size == 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise NinteiError(f"Chromium が {html.name} の PDF を書きませんでした（終了コード {done.returncode}）"
                          + (": " + " / ".join(tail) if tail else ""))


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def split_pages(pdf: Path, targets: list[Path]) -> None:
    """Page i of ``pdf`` written alone to ``targets[i]``; NinteiError unless the counts agree."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(pdf)
    if len(reader.pages) != len(targets):
        raise NinteiError(f"{pdf.name} は {len(reader.pages)} ページですが、{len(targets)} ページのはずです"
                          "（1枚が A4 1ページに収まっていません）")
    for page, target in zip(reader.pages, targets):
        writer = PdfWriter()
        writer.add_page(page)
        with target.open("wb") as f:
            writer.write(f)
