"""`nintei certificate` run again into the same folder: the folder holds what this run wrote, and
nothing of the earlier run that this one does not write again (a certificate of a grant since
revoked, PDFs a --no-pdf run does not make); a file nintei did not write is never removed, and a
file named like a certificate that no manifest of nintei's lists stops the run before anything is
written (engine/manifest.py). Which certificates there must be comes from
tests/data/moka_samples_expected.csv (tests/granted_samples.py), never from the program."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from granted_samples import expected_grants, label, review_samples

MANIFEST = ".nintei-certificates.json"


@pytest.fixture(scope="module")
def moka(tmp_path_factory):
    return review_samples("moka", tmp_path_factory.mktemp("moka"))


@pytest.fixture
def db(moka, tmp_path):
    """A copy of the reviewed database, for a test that revokes or overrides."""
    shutil.copy(moka.removeprefix("sqlite:///"), tmp_path / "c.db")
    return f"sqlite:///{tmp_path / 'c.db'}"


def certificate(db: str, out: Path, *args: str):
    return CliRunner().invoke(main, ["--db", db, "certificate", "-p", "moka", "-y", "R7", *args, "--out", str(out)])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def names(grants) -> set[str]:
    return {f"認定証_{staff}_{label('moka', cert)}" for staff, cert in grants}


def ours(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.startswith("認定証_") and p.suffix in (".html", ".pdf")}


def user_files(folder: Path) -> dict[str, bytes]:
    """Files a clerk keeps beside the certificates: none of them is nintei's."""
    files = {"メモ.txt": "印刷は来週".encode(), "認定証の配り方.docx": b"PK\x03\x04 not ours",
             "報告書.html": b"<html>report</html>", "認定証_一覧.xlsx": b"PK\x03\x04 a list"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def test_a_revoked_grant_leaves_the_folder_and_nothing_else_does(db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    kept = user_files(out)
    r = certificate(db, out)
    assert r.exit_code == 0, r.output
    before = names(expected_grants("moka"))
    assert {p.stem for p in out.glob("認定証_*.pdf") if "全件" not in p.name} == before
    r = CliRunner().invoke(main, ["--db", db, "revoke", "11003", "-p", "moka", "-c", "dx_advisor", "--reason", "誤認定"])
    assert r.exit_code == 0, r.output

    r = certificate(db, out)
    assert r.exit_code == 0, r.output
    after = before - {"認定証_11003_DXアドバイザー"}
    for ext in ("html", "pdf"):
        assert {p.stem for p in out.glob(f"認定証_*.{ext}") if "全件" not in p.name} == after, ext
    assert "認定証_11003_DXアドバイザー.html" in r.output and "消しました" in r.output
    for name, data in kept.items():  # the clerk's own files, untouched
        assert (out / name).read_bytes() == data
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert set(listed) == {p.name for p in out.iterdir()} - set(kept) - {MANIFEST}


def test_a_run_without_pdf_removes_the_earlier_pdfs_and_one_that_grants_nothing_removes_all(db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    kept = user_files(out)
    assert certificate(db, out, "--staff", "11002").exit_code == 0
    assert ours(out) == {"認定証_11002_DXエキスパート.html", "認定証_11002_DXエキスパート.pdf"}
    r = certificate(db, out, "--staff", "11002", "--no-pdf")
    assert r.exit_code == 0, r.output
    assert ours(out) == {"認定証_11002_DXエキスパート.html"}
    r = certificate(db, out, "--staff", "11001")  # everything 11001 has is held: nothing granted now
    assert r.exit_code == 0 and "新たに認定された区分はありません" in r.output
    assert snapshot(out) == kept  # no certificate and no manifest left: only the clerk's files


@pytest.mark.parametrize("stranger", ["認定証_11002_DXエキスパート.html", "認定証_99999_手書き.pdf",
                                      "certificate_11002_dx_expert.html"])
def test_a_certificate_nintei_did_not_write_stops_the_run(moka, tmp_path, stranger):
    out = tmp_path / "out"
    out.mkdir()
    (out / stranger).write_text("作成者が手で直したもの", encoding="utf-8")
    before = snapshot(out)
    r = certificate(moka, out, "--no-pdf")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert stranger in r.output and "何も書かず何も消していません" in r.output
    assert snapshot(out) == before  # nothing written, nothing removed


def test_a_certificate_changed_after_nintei_wrote_it_stops_the_run(moka, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert certificate(moka, out, "--no-pdf", "--staff", "11002").exit_code == 0
    edited = out / "認定証_11002_DXエキスパート.html"
    edited.write_text(edited.read_text(encoding="utf-8").replace("真岡市長", "真岡市長 代理"), encoding="utf-8")
    before = snapshot(out)
    r = certificate(moka, out, "--no-pdf", "--staff", "11003")  # would remove 11002's
    assert r.exit_code == 1 and edited.name in r.output and "内容が変わっています" in r.output
    assert snapshot(out) == before


def test_a_manifest_never_reaches_beyond_nintei_s_own_files(moka, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "認定証_outside.html"
    outside.write_text("outside", encoding="utf-8")
    assert certificate(moka, out, "--no-pdf", "--staff", "11002").exit_code == 0
    (out / "メモ.txt").write_text("memo", encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    # a hand-edited manifest naming the clerk's file and one outside the folder, with their hashes
    import hashlib

    for path, name in ((out / "メモ.txt", "メモ.txt"), (outside, "../認定証_outside.html")):
        manifest["files"][name] = hashlib.sha256(path.read_bytes()).hexdigest()
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    r = certificate(moka, out, "--no-pdf", "--staff", "11003")
    assert r.exit_code == 0, r.output
    assert (out / "メモ.txt").read_text(encoding="utf-8") == "memo" and outside.exists()
    assert not (out / "認定証_11002_DXエキスパート.html").exists()  # the earlier run's own file: removed
    assert ours(out) == {f"{n}.html" for n in names(
        (s, c) for s, c in expected_grants("moka") if s == "11003")}


def test_an_unreadable_manifest_stops_the_run(moka, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    r = certificate(moka, out, "--no-pdf")
    assert r.exit_code == 1 and MANIFEST in r.output and "Traceback" not in r.output
    assert [p.name for p in out.iterdir()] == [MANIFEST]


def test_a_run_stopped_half_way_does_not_block_the_next(moka, tmp_path, monkeypatch):
    """A run that dies after writing some files has listed them first: the next run is not refused
    for them, and removes what it does not write again."""
    import engine.certificate as certificates

    out = tmp_path / "out"
    out.mkdir()
    real = certificates.write_text
    count = {"n": 0}

    def dies_on_the_third(path, text):
        count["n"] += 1
        if count["n"] == 3:
            raise KeyboardInterrupt
        real(path, text)

    monkeypatch.setattr(certificates, "write_text", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        from engine.grants import granted
        from facts.db import get_engine

        certificates.write_certificates(granted(get_engine(moka), "moka", 2025), out, pdf=False)
    assert len(list(out.glob("認定証_*.html"))) == 2
    monkeypatch.setattr(certificates, "write_text", real)
    r = certificate(moka, out, "--no-pdf", "--staff", "11030")
    assert r.exit_code == 0, r.output
    assert ours(out) == {f"{n}.html" for n in names(
        (s, c) for s, c in expected_grants("moka") if s == "11030")}
