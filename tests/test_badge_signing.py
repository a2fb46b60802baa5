"""`nintei badges --key`: each badge also signed as a VC-JWT (Open Badges 3.0 §8.2), checked by a
JOSE library other than the one that signs (joserfc verifies what PyJWT signed), against the
public key taken from the key file by `cryptography`, not from the token alone."""
from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from joserfc import jws, jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import ECKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from cli import main
from granted_samples import expected_grants, review_samples
from test_badges import VALIDATOR

KEYS = {
    "RS256": (lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048), RSAKey),
    "ES256": (lambda: ec.generate_private_key(ec.SECP256R1()), ECKey),
    "EdDSA": (ed25519.Ed25519PrivateKey.generate, OKPKey),
}
CLAIMS = ("iss", "jti", "nbf", "exp", "sub")


def _registry(alg: str) -> JWSRegistry:
    """joserfc, allowing that algorithm and (an RSA public key in the header, as in OB 3.0's own
    example, is longer than joserfc's default limit of 512 bytes) a longer header."""
    registry = JWSRegistry(algorithms=[alg])
    registry.max_header_length = 2048
    return registry


# RFC 9864 names Ed25519's JOSE algorithm "Ed25519"; Open Badges verifiers know "EdDSA"
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


def _pem(key, password: bytes | None = None) -> bytes:
    enc = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    return review_samples("oyama", tmp_path_factory.mktemp("oyama"))  # yearly: validUntil, so exp


ISSUER = ("--issuer-id", "https://www.city.oyama.tochigi.jp/", "--key-id", "https://www.city.oyama.tochigi.jp/nintei/key.jwk.json")


def _badges(db: str, folder: Path, *extra: str, env: dict | None = None):
    folder.mkdir()
    return CliRunner().invoke(main, ["--db", db, "badges", "-p", "oyama", "-y", "R7", "--out", str(folder), *extra],
                              env=env)


def _signed(db: str, folder: Path, key: Path, env: dict | None = None):
    return _badges(db, folder, "--key", str(key), *ISSUER, env=env)


def _segment(token: str, i: int) -> dict:
    part = token.split(".")[i]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.mark.parametrize("alg", KEYS)
def test_every_badge_is_signed_and_verifies_with_the_issuers_public_key(reviewed, tmp_path, alg):
    make, key_type = KEYS[alg]
    private = make()
    (tmp_path / "key.pem").write_bytes(_pem(private))
    r = _signed(reviewed, tmp_path / "out", tmp_path / "key.pem")
    assert r.exit_code == 0, r.output
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    public = key_type.import_key(public_pem)
    tokens = sorted((tmp_path / "out").glob("*.jwt"))
    credentials = sorted((tmp_path / "out").glob("バッジ_*.json"))
    assert credentials and [p.stem for p in tokens] == [p.stem for p in credentials]
    published = json.loads((tmp_path / "out" / "発行者公開鍵.jwk.json").read_text())
    assert "d" not in published and key_type.import_key(published).as_dict() == public.as_dict()
    for cred_file, token_file in zip(credentials, tokens):
        token = token_file.read_text().strip()
        header = _segment(token, 0)
        assert header == {"alg": alg, "typ": "JWT", "kid": ISSUER[3]}
        decoded = jwt.decode(token, public, algorithms=[alg], registry=_registry(alg))  # raises on a bad signature
        claims = decoded.claims
        credential = json.loads(cred_file.read_text(encoding="utf-8"))
        assert {k: v for k, v in claims.items() if k not in CLAIMS} == credential
        assert claims["iss"] == credential["issuer"]["id"] == "https://www.city.oyama.tochigi.jp/"
        assert claims["jti"] == credential["id"]
        assert claims["nbf"] == int(datetime.fromisoformat(credential["validFrom"]).timestamp())
        assert claims["exp"] == int(datetime.fromisoformat(credential["validUntil"]).timestamp())
        assert claims["sub"] == credential["credentialSubject"]["id"]
        assert claims["sub"].startswith("urn:uuid:")
        # no 職員番号 anywhere, as a whole token (a random uuid or salt may hold its digits by chance)
        dumped = json.dumps(claims, ensure_ascii=False)
        assert not any(re.search(rf"(?<![0-9A-Za-z]){re.escape(staff)}(?![0-9A-Za-z])", dumped)
                       for staff, _ in expected_grants("oyama"))
        assert not list(VALIDATOR.iter_errors(credential))


def test_a_changed_badge_no_longer_verifies(reviewed, tmp_path):
    private = ed25519.Ed25519PrivateKey.generate()
    (tmp_path / "key.pem").write_bytes(_pem(private))
    assert _signed(reviewed, tmp_path / "out", tmp_path / "key.pem").exit_code == 0
    token = sorted((tmp_path / "out").glob("*.jwt"))[0].read_text().strip()
    head, payload, sig = token.split(".")
    claims = _segment(token, 1)
    claims["credentialSubject"]["achievement"]["name"] = "高度専門人材"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    public = OKPKey.import_key(private.public_key().public_bytes(serialization.Encoding.PEM,
                                                                 serialization.PublicFormat.SubjectPublicKeyInfo))
    jws.deserialize_compact(token, public, algorithms=["EdDSA"])
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(f"{head}.{forged}.{sig}", public, algorithms=["EdDSA"])
    other = OKPKey.generate_key("Ed25519")
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(token, other, algorithms=["EdDSA"])


def test_a_signed_badge_must_say_who_issued_it_and_where_its_key_is(reviewed, tmp_path):
    """With the key only in the header, anyone could re-sign an edited badge with a key of their
    own: --key needs --key-id (kid) and --issuer-id (iss)."""
    (tmp_path / "key.pem").write_bytes(_pem(ec.generate_private_key(ec.SECP256R1())))
    for i, extra in enumerate(([], list(ISSUER[:2]), list(ISSUER[2:]))):
        r = _badges(reviewed, tmp_path / f"out{i}", "--key", str(tmp_path / "key.pem"), *extra)
        assert r.exit_code == 2 and ("--key-id" in r.output or "--issuer-id" in r.output), r.output
        assert not list((tmp_path / f"out{i}").iterdir())


def test_an_encrypted_key_takes_its_password_from_the_environment(reviewed, tmp_path):
    (tmp_path / "key.pem").write_bytes(_pem(ed25519.Ed25519PrivateKey.generate(), b"himitsu"))
    r = _signed(reviewed, tmp_path / "a", tmp_path / "key.pem")
    assert r.exit_code == 1 and "NINTEI_KEY_PASSWORD" in r.stderr and not list((tmp_path / "a").iterdir())
    r = _signed(reviewed, tmp_path / "b", tmp_path / "key.pem", env={"NINTEI_KEY_PASSWORD": "chigau"})
    assert r.exit_code == 1 and "パスワード" in r.stderr and "違います" in r.stderr
    r = _signed(reviewed, tmp_path / "c", tmp_path / "key.pem", env={"NINTEI_KEY_PASSWORD": "himitsu"})
    assert r.exit_code == 0, r.output
    assert list((tmp_path / "c").glob("*.jwt"))


@pytest.mark.parametrize("what, key, words", [
    ("a short RSA key", lambda: _pem(rsa.generate_private_key(public_exponent=65537, key_size=1024)), "2048"),
    ("a DSA key", lambda: _pem(dsa.generate_private_key(2048)), "Ed25519"),
    ("a P-384 key", lambda: _pem(ec.generate_private_key(ec.SECP384R1())), "P-256"),
    ("a public key", lambda: ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo), "秘密鍵"),
    ("not a key", lambda: b"hello", "PEM"),
])
def test_a_key_that_cannot_sign_well_is_refused_before_anything_is_written(reviewed, tmp_path, what, key, words):
    (tmp_path / "key.pem").write_bytes(key())
    r = _signed(reviewed, tmp_path / "out", tmp_path / "key.pem")
    assert r.exit_code == 1, (what, r.output)
    assert "key.pem" in r.stderr and words in r.stderr and "Traceback" not in r.output
    assert not list((tmp_path / "out").iterdir())


def test_a_key_id_without_a_key_is_a_usage_error(reviewed, tmp_path):
    r = _badges(reviewed, tmp_path / "out", "--key-id", "https://example.jp/keys/1")
    assert r.exit_code == 2 and "--key" in r.output
