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
                                 "https:///nohost", "https://user:pw@x.example/list.json", "https://x.example:99999/l"])
def test_a_status_url_that_is_not_one_is_refused_before_anything_is_read(moka, tmp_path, bad):
    (tmp_path / "b").mkdir()
    r = _cli(moka, "badges", "-p", "moka", "-y", "R7", "--out", str(tmp_path / "b"), "--status-url", bad)
    assert r.exit_code == 2 and "--status-url" in r.output and "https://" in r.output, r.output
    assert not list((tmp_path / "b").iterdir())
    from sqlalchemy import text

    from facts.db import get_engine

    with get_engine(moka).connect() as conn:
        assert conn.execute(text("select count(*) from badge_status_entry")).scalar() == 0


@pytest.mark.parametrize("given, written", [
    ("https://x.example/status list.json", "https://x.example/status%20list.json"),
    ('https://x.example/"<>.json', "https://x.example/%22%3C%3E.json"),
    ("https://www.city.moka.lg.jp/nintei/失効リスト.json",
     "https://www.city.moka.lg.jp/nintei/%E5%A4%B1%E5%8A%B9%E3%83%AA%E3%82%B9%E3%83%88.json")])
def test_characters_a_url_cannot_hold_are_percent_encoded(moka, tmp_path, given, written):
    _badges(moka, tmp_path / "b", "--status-url", given)
    listed = json.loads((tmp_path / "b" / "失効リスト.json").read_text(encoding="utf-8"))
    assert listed["id"] == written
    badge = json.loads(next((tmp_path / "b").glob("バッジ_*.json")).read_text(encoding="utf-8"))
    assert badge["credentialStatus"]["statusListCredential"] == written


def test_a_revoked_badge_stays_revoked(moka, tmp_path):
    """Bitstring Status List: statusPurpose 'revocation' is not reversible. An override to not
    certified sets the bit; a later override back to certified does not clear it: the grant
    standing again gets a badge with a position of its own. (From the second reader's review.)"""
    _badges(moka, tmp_path / "b", "--status-url", URL)
    old = _positions(tmp_path / "b")[("11030", "DXアドバイザー")]
    for outcome in ("not_certified", "certified"):
        r = _cli(moka, "override", "11030", "-p", "moka", "-y", "R7", "-c", "dx_advisor", "--outcome", outcome,
                 "--reason", "審査者の判断")
        assert r.exit_code == 0, r.output
        _badges(moka, tmp_path / "b", "--status-url", URL)
        assert old in _set_bits(tmp_path / "b")[0], f"after override to {outcome}: bit {old} not set"
    new = _positions(tmp_path / "b")[("11030", "DXアドバイザー")]
    assert new != old and new not in _set_bits(tmp_path / "b")[0]


def test_a_revocation_dated_ahead_does_not_revoke_the_badge_before_its_date(moka, tmp_path):
    _badges(moka, tmp_path / "b", "--status-url", URL)
    position = _positions(tmp_path / "b")[("11003", "DXエキスパート")]
    r = _cli(moka, "revoke", "11003", "-p", "moka", "-c", "dx_expert", "--reason", "退職予定", "--date", "令和9年4月1日")
    assert r.exit_code == 0, r.output
    _badges(moka, tmp_path / "b", "--status-url", URL)
    assert position not in _set_bits(tmp_path / "b")[0]
    # on its date it does: the list as the clerk writes it on 2027-04-01
    from datetime import date

    from engine import badge_status
    from facts.db import get_engine

    revoked, _ = badge_status.mark_revoked(get_engine(moka), URL, date(2027, 4, 1))
    assert position in revoked


def test_the_list_size_grows_in_large_steps():
    """The size tells little of the count: 131,072, doubled whenever more than a quarter is used."""
    from engine.badge_status import list_size

    assert {list_size(n) for n in range(0, 32_769)} == {131_072}
    assert {list_size(n) for n in range(40_000, 65_537)} == {262_144}
    assert list_size(100_000) == 524_288


def test_a_refused_folder_leaves_no_positions_behind(moka, tmp_path):
    out = tmp_path / "b"
    out.mkdir()
    (out / "バッジ_99999_DXアドバイザー.json").write_text("{}", encoding="utf-8")
    r = _cli(moka, "badges", "-p", "moka", "-y", "R7", "--out", str(out), "--status-url", URL)
    assert r.exit_code == 1 and "バッジ_99999_DXアドバイザー.json" in r.output, r.output
    from sqlalchemy import text

    from facts.db import get_engine

    with get_engine(moka).connect() as conn:
        assert conn.execute(text("select count(*) from badge_status_entry")).scalar() == 0


def test_a_badge_whose_certification_is_still_held_is_not_revoked(moka, tmp_path):
    """A re-review after HR finds an earlier grant (認定履歴 2023) turns 11030's DXアドバイザー from
    certified into held: 11030 is still certified, so the badge handed over stands."""
    _badges(moka, tmp_path / "b", "--status-url", URL)
    position = _positions(tmp_path / "b")[("11030", "DXアドバイザー")]
    history = tmp_path / "h"
    history.mkdir()
    (history / "認定履歴.csv").write_text("職員番号,policy,certification,認定年度,source\n"
                                         "11030,moka,dx_advisor,2023,紙台帳\n", encoding="utf-8")
    r = _cli(moka, "review", "--policy", "moka", "--fiscal-year", "2025", "--facts", str(history), "--format", "json")
    assert r.exit_code == 0, r.output
    outcome = {(d["staff_id"], d["certification"]): d["outcome"] for d in json.loads(r.stdout)["decisions"]}
    assert outcome[("11030", "dx_advisor")] == "held"
    _badges(moka, tmp_path / "b", "--status-url", URL)
    assert position not in _set_bits(tmp_path / "b")[0]


def test_without_a_key_the_clerk_is_told_the_list_is_unsigned(moka, tmp_path):
    r = _badges(moka, tmp_path / "b", "--status-url", URL)
    assert "署名なし" in r.output


def test_positions_and_revocations_on_postgresql_too(db_url, tmp_path):
    r = _cli(db_url, "review", "--policy", "moka", "--fiscal-year", "2025", "--facts",
             str(ROOT / "facts" / "samples" / "moka"), "--format", "json")
    assert r.exit_code == 0, r.output
    _badges(db_url, tmp_path / "b", "--status-url", URL)
    first = _positions(tmp_path / "b")
    r = _cli(db_url, "revoke", "11002", "--policy", "moka", "--certification", "dx_expert", "--reason", "異動のため")
    assert r.exit_code == 0, r.output
    _badges(db_url, tmp_path / "b", "--status-url", URL)
    again = _positions(tmp_path / "b")
    assert len(first) == len(expected_grants("moka")) and set(again) == set(first) - {("11002", "DXエキスパート")}
    assert all(again[k] == first[k] for k in again)
    assert _set_bits(tmp_path / "b")[0] == {first[("11002", "DXエキスパート")]}
