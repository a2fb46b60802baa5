"""A workbook that is small on disk but huge once unpacked (a zip bomb) is refused before any of
it is unpacked (facts/readers/packed.py): a clear ``file: ...`` error naming the part, the limit
and what to do, exit 1, nothing stored, in seconds and little memory. The import runs as a user
runs it, in a child process whose address space is limited, so that a blow-up fails the test
instead of the machine. A real workbook far larger than the floor of the packing check reads."""
from __future__ import annotations

import io
import json
import resource
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from facts.readers.packed import MAX_PART_BYTES, MAX_RATIO, RATIO_FROM_BYTES, unpacked_problem

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1 << 20  # the bomb's repeated piece, unpacked
MEMORY = 1 << 30  # the child's address space: the import of a small file needs far less


def _workbook_parts() -> dict[str, bytes]:
    """The parts of a real one-sheet workbook (職員名簿: a header and one staff member)."""
    book = openpyxl.Workbook()
    book.active.title = "職員名簿"
    book.active.append(["職員番号", "年度", "氏名", "所属", "職級"])
    book.active.append(["1001", "R7", "山田 花子", "総務課", "主事"])
    buf = io.BytesIO()
    book.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {name: z.read(name) for name in z.namelist()}


def _bomb(prefix: bytes, piece: bytes, unpacked: int, suffix: bytes) -> tuple[bytes, int, int]:
    """A deflate stream of ``prefix``, then ``piece`` repeated up to ``unpacked`` bytes, then
    ``suffix``, made without packing them all: after a full flush the packer starts afresh, so
    the packed piece is the same every time. (packed bytes, CRC-32, unpacked size)."""
    chunk = piece * (CHUNK // len(piece))
    repeats = -(-unpacked // len(chunk))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.compress(suffix) + packer.flush()
    crc = zlib.crc32(prefix)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return head + block * repeats + tail, crc, len(prefix) + len(chunk) * repeats + len(suffix)


def _write_zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> Path:
    """A ZIP64 archive of already deflated entries (name, packed, CRC-32, unpacked size)."""
    out, central = bytearray(), bytearray()
    for name, packed, crc, size in entries:
        raw = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(raw), 20)
        out += raw + struct.pack("<HHQQ", 1, 16, size, len(packed)) + packed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21, crc, 0xFFFFFFFF,
                               0xFFFFFFFF, len(raw), 28, 0, 0, 0, 0, 0xFFFFFFFF)
        central += raw + struct.pack("<HHQQQ", 1, 24, size, len(packed), offset)
    start, count = len(out), len(entries)
    out += central
    end64 = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(central), start)
    out += struct.pack("<IIQI", 0x07064B50, 0, end64, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    path.write_bytes(bytes(out))
    return path


def _deflated(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def bomb_workbook(path: Path, part: str, piece: bytes, unpacked: int) -> Path:
    """The one-sheet workbook with ``part`` (its sheet or its shared strings) swapped for one
    that repeats ``piece`` up to ``unpacked`` bytes."""
    parts = _workbook_parts()
    if part == "xl/sharedStrings.xml":
        prefix, suffix = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                          b'spreadsheetml/2006/main">'), b"</sst>"
        rels = "xl/_rels/workbook.xml.rels"
        parts[rels] = parts[rels].replace(b"</Relationships>", (
            b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
        types = "[Content_Types].xml"
        parts[types] = parts[types].replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'spreadsheetml.sharedStrings+xml"/></Types>'))
    else:
        sheet = parts[part]
        cut = sheet.index(b"</row>") + len(b"</row>")  # after the header row
        prefix, suffix = sheet[:cut] + b'<row r="2">', b"</row>" + sheet[sheet.index(b"</sheetData>"):]
    entries = [_deflated(name, data) for name, data in parts.items() if name != part]
    entries.append((part, *_bomb(prefix, piece, unpacked, suffix)))
    return _write_zip(path, entries)


_IMPORT = """
import json, resource, subprocess, sys, time
limit = int(sys.argv[1])
def limited():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
start = time.monotonic()
done = subprocess.run([sys.executable, "cli.py", *sys.argv[2:]], capture_output=True, text=True, timeout=120,
                      preexec_fn=limited)
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr,
                  "seconds": time.monotonic() - start,
                  "kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def imported(tmp_path: Path, path: Path, workers: str) -> dict:
    """``nintei import PATH`` as a user runs it, in a child limited to MEMORY of address space."""
    done = subprocess.run([sys.executable, "-c", _IMPORT, str(MEMORY), "--db", f"sqlite:///{tmp_path}/n.db",
                           "import", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "NINTEI_WORKERS": workers})
    return json.loads(done.stdout)


def stored_facts(tmp_path: Path) -> int:
    import sqlite3

    with sqlite3.connect(tmp_path / "n.db") as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
        return db.execute("select count(*) from factrow").fetchone()[0] if "factrow" in tables else 0


CELL = b"<c/>"  # an empty cell: repeated, it packs 1,000 times (3 GiB in 3 MiB)
STRING = b"<si/>"  # an empty shared string: 700 times


@pytest.mark.parametrize("name, part, piece, unpacked, said", [
    ("職員名簿.xlsx", "xl/worksheets/sheet1.xml", CELL, 3 << 30,
     "職員名簿.xlsx: 展開すると大きすぎるため読みません（xl/worksheets/sheet1.xml は展開すると 3 GiB。"
     "1 つの部分は展開して 2 GiB までです）。シートを分けるか、行を年度や所属ごとに分けて、複数のファイルにして取り込んでください"),
    ("職員名簿.xlsx", "xl/worksheets/sheet1.xml", CELL, 50 << 20,
     "職員名簿.xlsx: 展開すると大きすぎるため読みません（xl/worksheets/sheet1.xml は "),
    ("職員名簿.xlsx", "xl/sharedStrings.xml", STRING, 1 << 30,
     "職員名簿.xlsx: 展開すると大きすぎるため読みません（xl/sharedStrings.xml は "),
    ("職員名簿.xls", "xl/worksheets/sheet1.xml", CELL, 3 << 30,  # an XLSX under the old name, as HR systems write
     "職員名簿.xls: 展開すると大きすぎるため読みません（xl/worksheets/sheet1.xml は展開すると 3 GiB。"),
], ids=["sheet-3GiB", "sheet-50MiB", "shared-strings-1GiB", "xls-3GiB"])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, name, part, piece, unpacked, said, workers):
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "プロジェクト.csv").write_text("職員番号,年度,プロジェクト番号,プロジェクト名,役割\n"
                                        "1001,2025,P-1,窓口,リーダー\n", encoding="utf-8")
    path = bomb_workbook(facts / name, part, piece, unpacked)
    assert path.stat().st_size < max(unpacked // 500, 200 << 10)  # small on disk: 3 GiB in 3 MiB
    with zipfile.ZipFile(path) as z:  # a real zip: its part says what it unpacks to
        assert z.getinfo(part).file_size >= unpacked
    start = time.monotonic()
    done = imported(tmp_path, facts, workers)
    assert done["code"] == 1, done
    assert "Traceback" not in done["err"] and "MemoryError" not in done["err"]
    assert said in done["err"]
    assert "元のシステムから書き出し直してください" in done["err"] or "2 GiB まで" in done["err"]
    assert stored_facts(tmp_path) == 0  # nor the good file beside it: one transaction
    assert done["seconds"] < 30 and time.monotonic() - start < 60
    assert done["kib"] < 400 * 1024


def test_the_bomb_would_have_been_unpacked_without_the_check(tmp_path):
    """The bomb is real: read part by part, the sheet gives what it says (here its first 64 MiB)."""
    path = bomb_workbook(tmp_path / "職員名簿.xlsx", "xl/worksheets/sheet1.xml", CELL, 3 << 30)
    with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.xml") as part:
        read = sum(len(part.read(1 << 20)) for _ in range(64))
    assert read == 64 << 20


def test_a_large_real_sheet_is_read_and_the_limits_leave_room_for_it(tmp_path):
    """A sheet of 60,000 distinct rows (15 MiB unpacked, over the floor of the packing check)
    packs about ten times, as real exports do: nothing to refuse."""
    rows = b"".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{100000 + r}</t></is></c>'
                    f'<c r="B{r}" t="inlineStr"><is><t>令和7年度</t></is></c>'
                    f'<c r="C{r}" t="inlineStr"><is><t>職員 {r * 7919 % 100003}</t></is></c>'
                    f'<c r="D{r}" t="inlineStr"><is><t>第{r % 40}課</t></is></c>'
                    f'<c r="E{r}" t="inlineStr"><is><t>主事</t></is></c><c r="F{r}"><v>{r * 31 % 9973}</v></c>'
                    f'</row>'.encode() for r in range(2, 60_002))
    parts = _workbook_parts()
    sheet = parts["xl/worksheets/sheet1.xml"]
    cut = sheet.index(b"</row>") + len(b"</row>")
    sheet = sheet[:cut] + rows + sheet[sheet.index(b"</sheetData>"):]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'<dimension ref="A1:E2" />', b'<dimension ref="A1:F60001" />')
    path = tmp_path / "職員名簿.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > RATIO_FROM_BYTES and info.file_size < MAX_RATIO * info.compress_size
    assert unpacked_problem(path, path.name) is None
    from facts.readers import read_paths

    read = read_paths([path])
    assert not read.problems and len(read.tables[0].rows) == 60_000
    assert MAX_PART_BYTES >= 1 << 30  # a sheet of 1,000,000 real rows: about 0.8 GB (docs/import.md)


def test_entities_that_expand_a_billion_times_are_an_error_naming_the_xml(tmp_path):
    """「Billion laughs」 in a sheet: XML entities of entities, 10^9 copies once expanded. The XML
    parser stops at its amplification limit; the row says the sheet's XML cannot be read (it said
    a number cell could not be read)."""
    parts = _workbook_parts()
    laughs = b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10))
    sheet = parts["xl/worksheets/sheet1.xml"]
    start = sheet.index(b"<worksheet")
    sheet = (sheet[:start] + b'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">' + laughs + b"]>" + sheet[start:])
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("山田 花子".encode(), b"&lol9;")
    assert b"<t>&lol9;</t>" in parts["xl/worksheets/sheet1.xml"]  # the name: a billion laughs
    facts = tmp_path / "facts"
    facts.mkdir()
    with zipfile.ZipFile(facts / "職員名簿.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    done = imported(tmp_path, facts, "1")
    assert done["code"] == 1 and "Traceback" not in done["err"]
    assert ("職員名簿.xlsx:職員名簿:2: シートの XML を読めません (limit on input amplification factor" in done["err"]
            and "Excel で開いて、保存し直してください" in done["err"])
    assert done["seconds"] < 30 and done["kib"] < 400 * 1024 and stored_facts(tmp_path) == 0
