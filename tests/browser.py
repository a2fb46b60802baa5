"""Headless Chromium for the tests that look at printed pages (scripts/test.sh installs Debian's
chromium and a Japanese font): run it, and tell a blank screenshot from a page with ink."""
from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("chromium is not installed: scripts/test.sh installs it (apt-get install chromium)")
    return exe


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", "--user-data-dir=" + str(ARTIFACTS / ".chromium-profile"), *args],
                          capture_output=True, timeout=180, text=True)


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the raw (still filtered) scanlines of a PNG: enough to tell blank."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def has_ink(png: Path) -> bool:
    """More than 1 % of the sampled filtered bytes are neither 0 nor 255 (a white page is all 0s and 255s)."""
    _, _, raw = png_pixels(png)
    sample = raw[::7]
    return sum(1 for b in sample if b not in (0, 255)) > len(sample) // 100


def pdf_pages(path: Path) -> list[bytes]:
    """The page objects of a PDF Chromium wrote (uncompressed object dictionaries)."""
    return re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes())


def a4_boxes(path: Path) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", path.read_bytes())
    return [(float(w), float(h)) for w, h in boxes]
