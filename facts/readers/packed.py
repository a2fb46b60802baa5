"""How large an XLSX is once unpacked, checked before any of it is unpacked.

An XLSX is a zip of XML parts. A small file can hold a part that inflates to gigabytes (a "zip
bomb": 50 MB of repeated cells deflate to 100 KB; a shared-strings part of millions of empty
strings); openpyxl parses some parts whole (shared strings, styles) and every reader reads every
cell of a sheet, so such a file would exhaust memory or run for minutes. The zip's directory
says each part's size before and after packing, and Python's zipfile never unpacks more than it
says (a part that inflates beyond its stated size fails its CRC check): the sizes are checked
here, from the directory alone, and a file over any limit is refused whole, naming the part.

The limits (docs/import.md, 「Excel ファイルの大きさ」) leave room for a real HR export of
1,000,000 rows (measured: a 14-column roster of 1,000,000 rows as openpyxl writes it is a sheet
of 0.80 GB in a file of 81 MB, packed 9.9 times; 100,000 identical rows pack 18 times):

- a part: ``MAX_PART_BYTES`` unpacked (a sheet of 1,000,000 rows of about 35 columns);
- the whole workbook: ``MAX_TOTAL_BYTES`` unpacked;
- packing: a part over ``RATIO_FROM_BYTES`` unpacked may be at most ``MAX_RATIO`` times its packed
  size (Apache POI refuses the same ratio); a repeated cell packs 1,000 times.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from facts.errors import Problem

MAX_PART_BYTES = 2 << 30
MAX_TOTAL_BYTES = 4 << 30
MAX_RATIO = 100
RATIO_FROM_BYTES = 10 << 20

_SPLIT = "シートを分けるか、行を年度や所属ごとに分けて、複数のファイルにして取り込んでください"
_SPLIT_EN = "split the sheets, or the rows by year or department, into several files and import those"


def unpacked_problem(path: Path, name: str) -> Problem | None:
    """What makes the workbook at ``path`` too large once unpacked (None: nothing; a file that is
    no zip is left to the reader, which says so)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    total = 0
    for part in parts:
        size, packed = part.file_size, max(part.compress_size, 1)
        total += size
        if size > MAX_PART_BYTES:
            return Problem(name, f"展開すると大きすぎるため読みません（{part.filename} は展開すると {_size(size)}。"
                                 f"1 つの部分は展開して {_size(MAX_PART_BYTES)} までです）。{_SPLIT}",
                           message_en=f"not read: too large once unpacked ({part.filename} unpacks to "
                                      f"{_size(size, 'en')}; a part may unpack to {_size(MAX_PART_BYTES, 'en')} at "
                                      f"most). {_SPLIT_EN.capitalize()}")
        if size > RATIO_FROM_BYTES and size > MAX_RATIO * packed:
            return Problem(name, f"展開すると大きすぎるため読みません（{part.filename} は {_size(packed)} から "
                                 f"{_size(size)} に展開されます: {size // packed:,} 倍。表計算ソフトが書くファイルは "
                                 f"{MAX_RATIO} 倍を超えません）。壊れたファイルか、圧縮爆弾です。元のシステムから"
                                 f"書き出し直してください。本当にこの大きさなら、{_SPLIT}",
                           message_en=f"not read: too large once unpacked ({part.filename} unpacks from "
                                      f"{_size(packed, 'en')} to {_size(size, 'en')}: {size // packed:,} times; the "
                                      f"files spreadsheet programs write stay within {MAX_RATIO} times). A broken "
                                      "file or a zip bomb: export it again from the system it came from. If it really "
                                      f"is this large, {_SPLIT_EN}")
    if total > MAX_TOTAL_BYTES:
        return Problem(name, f"展開すると大きすぎるため読みません（展開すると合わせて {_size(total)}。"
                             f"1 つのファイルは展開して {_size(MAX_TOTAL_BYTES)} までです）。{_SPLIT}",
                       message_en=f"not read: too large once unpacked ({_size(total, 'en')} in all; a file may "
                                  f"unpack to {_size(MAX_TOTAL_BYTES, 'en')} at most). {_SPLIT_EN.capitalize()}")
    return None


def _size(n: int, lang: str = "ja") -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}".replace(".0 ", " ")
    return f"{n:,} bytes" if lang == "en" else f"{n:,} バイト"
