"""`nintei badges --status-url URL`: a badge handed out can be revoked. Each badge names its
position in a W3C Bitstring Status List; the list written beside the badges has the bit of every
badge whose grant no longer stands. The list is decoded here as the specification describes it
(multibase ``u`` + base64url, GZIP, position 0 = most significant bit of the first byte), by code
written apart from the encoder; which grants stand is worked out from the samples' expectations
(tests/granted_samples.py) and what the test itself revoked or overrode."""
from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt
from joserfc.jwk import ECKey

from cli import main
from granted_samples import ROOT, expected_grants, review_samples
from test_badges import VALIDATOR

URL = "https://www.city.moka.lg.jp/nintei/status-2025.json"
OTHER_URL = "https://www.city.moka.lg.jp/nintei/status-other.json"


def _cli(db: str, *args: str):
    return CliRunner().invoke(main, ["--db", db, *args])


def _badges(db: str, folder: Path, *extra: str):
    folder.mkdir(exist_ok=True)
    r = _cli(db, "badges", "-p", "moka", "-y", "R7", "--out", str(folder), *extra)
    assert r.exit_code == 0, r.output
    return r


def _positions(folder: Path) -> dict[tuple[str, str], int]:
    """(staff, certification label) -> position, read from the badge files (the file name names
    the staff member: the badge itself holds only a salted hash)."""
    out = {}
    for path in folder.glob("バッジ_*.json"):
        _, staff, label = path.stem.split("_", 2)
        status = json.loads(path.read_text(encoding="utf-8"))["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
        assert status["statusListCredential"] == URL or status["statusListCredential"] == OTHER_URL
        assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"
        out[(staff, label)] = int(status["statusListIndex"])
    return out


def _set_bits(folder: Path, url: str = URL) -> tuple[set[int], int]:
    """The positions set in the list file, and its length in entries, decoded per the spec."""
    cred = json.loads((folder / "失効リスト.json").read_text(encoding="utf-8"))
    assert cred["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert cred["id"] == url and cred["issuer"]["name"] == "真岡市"
    subject = cred["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u") and "=" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    bits = {byte_no * 8 + bit for byte_no, byte in enumerate(raw) for bit in range(8) if byte & (1 << (7 - bit))}
    return bits, len(raw) * 8


@pytest.fixture()
def moka(tmp_path):
    return review_samples("moka", tmp_path)


def test_every_badge_names_its_own_position_and_the_list_starts_with_none_revoked(moka, tmp_path):
    r = _badges(moka, tmp_path / "b", "--status-url", URL)
    assert "失効リスト.json（失効 0 件）" in r.output and URL in r.output
    positions = _positions(tmp_path / "b")
    assert len(positions) == len(expected_grants("moka"))
    assert len(set(positions.values())) == len(positions)  # no two badges share a position
    bits, size = _set_bits(tmp_path / "b")
    assert bits == set() and size >= 131_072  # the specification's minimum (16 KiB)
    assert all(0 <= p < size for p in positions.values())
    for path in (tmp_path / "b").glob("バッジ_*.json"):
        assert not list(VALIDATOR.iter_errors(json.loads(path.read_text(encoding="utf-8"))))
    # positions are not handed out in the roster's order (they would tell who was certified together)
    ordered = [positions[k] for k in sorted(positions)]
    assert ordered != sorted(ordered)


def test_a_revoked_or_overridden_grant_is_marked_in_the_list_and_the_others_keep_their_positions(moka, tmp_path):
    _badges(moka, tmp_path / "b", "--status-url", URL)
    before = _positions(tmp_path / "b")
    assert ("11002", "DXエキスパート") in before and ("11030", "DXアドバイザー") in before

    r = _cli(moka, "revoke", "11002", "--policy", "moka", "--certification", "dx_expert", "--reason", "異動のため")
    assert r.exit_code == 0, r.output
    r = _cli(moka, "override", "11030", "--policy", "moka", "--fiscal-year", "R7", "--certification", "dx_advisor",
             "--outcome", "not_certified", "--reason", "研修の記録に誤り")
    assert r.exit_code == 0, r.output
    r = _badges(moka, tmp_path / "b", "--status-url", URL)
    assert "失効 2 件" in r.output

    after = _positions(tmp_path / "b")
    gone = {("11002", "DXエキスパート"), ("11030", "DXアドバイザー")}
    assert set(after) == set(before) - gone  # their badge files removed from the folder
    assert all(after[k] == before[k] for k in after)  # everyone else keeps their position
    bits, _ = _set_bits(tmp_path / "b")
    assert bits == {before[k] for k in gone}


def test_the_list_is_written_even_when_the_review_grants_nothing_any_more(tmp_path):
    """Every grant of a review revoked: no badge is written, but the list must still say so."""
    db = f"sqlite:///{tmp_path / 'n.db'}"
    r = _cli(db, "review", "--policy", "moka", "--fiscal-year", "2025", "--facts", str(ROOT / "facts" / "samples" / "moka"),
             "--format", "json")
    assert r.exit_code == 0
    _badges(db, tmp_path / "b", "--status-url", URL)
    positions = _positions(tmp_path / "b")
    from engine.rulebook import load_rulebook

    by_label = {c.label.ja: c.id for c in load_rulebook().policy("moka").certifications}
    for staff, label in positions:
        r = _cli(db, "revoke", staff, "--policy", "moka", "--certification", by_label[label], "--reason", "テスト")
        assert r.exit_code == 0, r.output
    r = _badges(db, tmp_path / "b", "--status-url", URL)
    assert not list((tmp_path / "b").glob("バッジ_*.json"))
    bits, _ = _set_bits(tmp_path / "b")
    assert bits == set(positions.values())


def test_two_lists_hold_their_own_positions_and_a_list_without_url_has_no_status(moka, tmp_path):
    _badges(moka, tmp_path / "a", "--status-url", URL)
    _badges(moka, tmp_path / "c", "--status-url", OTHER_URL)
    a, c = _positions(tmp_path / "a"), _positions(tmp_path / "c")
    assert set(a) == set(c) and a != c  # drawn again for the other list
    _badges(moka, tmp_path / "plain")
    assert not (tmp_path / "plain" / "失効リスト.json").exists()
    for path in (tmp_path / "plain").glob("バッジ_*.json"):
        assert "credentialStatus" not in json.loads(path.read_text(encoding="utf-8"))


def test_the_signed_list_verifies_with_the_issuers_key(moka, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    from cryptography.hazmat.primitives import serialization

    pem = tmp_path / "key.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    pem.chmod(0o600)
    _badges(moka, tmp_path / "b", "--status-url", URL, "--key", str(pem), "--issuer-id", "https://www.city.moka.lg.jp/",
            "--key-id", "https://www.city.moka.lg.jp/nintei/key.jwk.json")
    token = (tmp_path / "b" / "失効リスト.jwt").read_text(encoding="ascii").strip()
    public = ECKey.import_key(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                           serialization.PublicFormat.SubjectPublicKeyInfo))
    claims = jwt.decode(token, public, algorithms=["ES256"]).claims
    listed = json.loads((tmp_path / "b" / "失効リスト.json").read_text(encoding="utf-8"))
    assert claims["iss"] == "https://www.city.moka.lg.jp/" and claims["jti"] == URL
    assert {k: v for k, v in claims.items() if k not in ("iss", "jti", "sub", "nbf")} == listed


@pytest.mark.parametrize("bad", ["www.city.moka.lg.jp/status.json", "https://x.example/list.json#3", "ftp://x/y",
                                 "https:///nohost"])
def test_a_status_url_that_is_not_one_is_refused_before_anything_is_written(moka, tmp_path, bad):
    (tmp_path / "b").mkdir()
    r = _cli(moka, "badges", "-p", "moka", "-y", "R7", "--out", str(tmp_path / "b"), "--status-url", bad)
    assert r.exit_code == 1 and "https://" in r.output and "Traceback" not in r.output, r.output
    assert not list((tmp_path / "b").iterdir())
    from sqlalchemy import text

    from facts.db import get_engine

    with get_engine(moka).connect() as conn:
        assert conn.execute(text("select count(*) from badge_status_entry")).scalar() == 0


def test_positions_are_kept_in_the_database_on_postgresql_too(db_url, tmp_path):
    r = _cli(db_url, "review", "--policy", "moka", "--fiscal-year", "2025", "--facts",
             str(ROOT / "facts" / "samples" / "moka"), "--format", "json")
    assert r.exit_code == 0, r.output
    _badges(db_url, tmp_path / "b", "--status-url", URL)
    first = _positions(tmp_path / "b")
    _badges(db_url, tmp_path / "b", "--status-url", URL)
    assert _positions(tmp_path / "b") == first and len(first) == len(expected_grants("moka"))
