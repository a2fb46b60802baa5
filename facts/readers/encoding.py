"""The encoding of a text file (CSV, tab-separated text) as Japanese offices save them.

A byte-order mark decides (UTF-8, and UTF-16 which Excel writes as 「Unicode テキスト」); text
that is valid UTF-8 is UTF-8; anything else is told by charset-normalizer among the encodings
Japanese files are written in (CP932, the Shift_JIS of Japanese Windows and Excel, first).
"""
from __future__ import annotations

import codecs

import charset_normalizer

# UTF-32's marks first: UTF-32-LE's begins with UTF-16-LE's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
JAPANESE_ENCODINGS = ["cp932", "euc_jp", "iso2022_jp"]

UNREADABLE = "文字コードを読めません (UTF-8・Shift_JIS (CP932)・UTF-16 のいずれかで保存してください)"
UNREADABLE_EN = "cannot read its characters (save it as UTF-8, Shift_JIS (CP932) or UTF-16)"


def decode(raw: bytes) -> str | None:
    """The text of ``raw``; None when it is in no encoding a Japanese office file is written in."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(raw, cp_isolation=JAPANESE_ENCODINGS).best()
    if best is None:
        return None
    try:
        return raw.decode(best.encoding)  # strict: a byte that is no character is not guessed at
    except (UnicodeDecodeError, LookupError):
        return None
