"""`nintei badges` run again into the same folder: as for certificates (engine/manifest.py), the
folder holds this run's badges only. Which badges there must be comes from
tests/data/moka_samples_expected.csv (tests/granted_samples.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from cli import main
from granted_samples import expected_grants, label, review_samples


@pytest.fixture
def db(tmp_path_factory, tmp_path):
    reviewed = review_samples("moka", tmp_path_factory.mktemp("moka"))
    shutil.copy(reviewed.removeprefix("sqlite:///"), tmp_path / "c.db")
    return f"sqlite:///{tmp_path / 'c.db'}"


def badges(db: str, out: Path, *args: str):
    return CliRunner().invoke(main, ["--db", db, "badges", "-p", "moka", "-y", "R7", *args, "--out", str(out)])


def stems(folder: Path, suffix: str) -> set[str]:
    return {p.stem for p in folder.glob(f"バッジ_*{suffix}")}


def test_a_revoked_grant_and_an_unsigned_rerun_leave_only_this_runs_badges(db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "メモ.txt").write_text("配布は来週", encoding="utf-8")
    (out / "バッジ一覧.xlsx").write_bytes(b"PK\x03\x04 the clerk's list")
    key = tmp_path / "key.pem"
    key.write_bytes(ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    grants = expected_grants("moka")
    expected = {f"バッジ_{staff}_{label('moka', cert)}" for staff, cert in grants}
    assert badges(db, out, "--key", str(key), "--key-id", "https://example.jp/k.jwk.json",
                  "--issuer-id", "https://example.jp/").exit_code == 0
    assert stems(out, ".json") == expected == stems(out, ".jwt") and (out / "発行者公開鍵.jwk.json").exists()
    staff, cert = sorted(grants)[0]
    r = CliRunner().invoke(main, ["--db", db, "revoke", staff, "-p", "moka", "-c", cert, "--reason", "誤認定"])
    assert r.exit_code == 0, r.output
    r = badges(db, out)  # unsigned this time
    assert r.exit_code == 0, r.output
    gone = f"バッジ_{staff}_{label('moka', cert)}"
    assert stems(out, ".json") == expected - {gone}
    assert stems(out, ".jwt") == set() and not (out / "発行者公開鍵.jwk.json").exists()
    assert (out / "メモ.txt").read_text(encoding="utf-8") == "配布は来週" and (out / "バッジ一覧.xlsx").exists()
    assert "消しました" in r.stderr


def test_a_badge_nintei_did_not_write_stops_the_run_before_anything_changes(db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert badges(db, out).exit_code == 0
    stranger = out / "バッジ_99999_DXアドバイザー.json"
    stranger.write_text("{}", encoding="utf-8")
    edited = sorted(out.glob("バッジ_*.json"))[0]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    r = badges(db, out)
    assert r.exit_code == 1 and stranger.name in r.stderr and "Traceback" not in r.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    stranger.unlink()
    edited.write_text(edited.read_text(encoding="utf-8").replace("DX", "ＤＸ"), encoding="utf-8")
    r = badges(db, out)
    assert r.exit_code == 1 and edited.name in r.stderr and "変わっています" in r.stderr
