"""Signed badges: Open Badges 3.0's JSON Web Token proof format ("VC-JWT", OB 3.0 §8.2), made with
the municipality's own key. A credential is verifiable only with a proof; nintei holds no key, so
the clerk gives one (``badges --key 鍵.pem``) and each badge is also written as a Compact JWS:

- JOSE header: ``alg`` (RS256 for an RSA key of 2048 bits or more, the algorithm every verifier
  must support; ES256 for a P-256 key; EdDSA for an Ed25519 key), ``typ`` ``JWT``, and ``kid``
  (``--key-id``: the URL where the municipality publishes its public key as a JWK: the
  ``発行者公開鍵.jwk.json`` written beside the badges, public members only);
- JWT payload: the credential, as in the ``.json`` file, with the claims ``iss`` (issuer.id),
  ``jti`` (id), ``nbf`` (validFrom), ``exp`` (validUntil, where there is one), ``sub``
  (credentialSubject.id: an opaque ``urn:uuid`` of the badge's own, never the 職員番号; the
  recipient is known by the salted hash of its ``identifier``: the 受領者コード, engine/recipients.py).

A signed badge names the municipality (``--issuer-id``, its own URL or DID, as ``iss``) and where
its public key is published (``--key-id``, as ``kid``): with the key only embedded in the header,
anyone could re-sign an edited badge with a key of their own and it would still verify, so both are
required with ``--key``.

Signing is done by PyJWT with the key loaded by ``cryptography`` (well-kept libraries, as the
specification recommends); tests verify the tokens with another library (joserfc).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import NinteiError

PASSWORD_ENV = "NINTEI_KEY_PASSWORD"


@dataclass(frozen=True)
class SigningKey:
    private: Any
    alg: str
    public_jwk: dict[str, Any]
    kid: str

    def header(self) -> dict[str, Any]:
        return {"typ": "JWT", "kid": self.kid}


def load_signing_key(path: Path, kid: str, password: str | None = None) -> SigningKey:
    """The private key in a PEM file (encrypted: its ``password``, else $NINTEI_KEY_PASSWORD). Any
    key that cannot sign an Open Badge well is refused, naming the file and what to do."""
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    try:
        data = path.read_bytes()
    except OSError as err:
        raise NinteiError(f"--key {path}: 読めません（{err.strerror}）")
    password = password if password is not None else os.environ.get(PASSWORD_ENV)
    try:
        key = serialization.load_pem_private_key(data, password=password.encode("utf-8") if password else None)
    except TypeError:  # encrypted and no password, or a password for a key that has none
        if password:
            raise NinteiError(f"--key {path}: この鍵は暗号化されていないのに、パスワードが与えられました。")
        raise NinteiError(f"--key {path}: 鍵が暗号化されています。端末から実行してパスワードを入力するか、環境変数 "
                          f"{PASSWORD_ENV} に入れて実行してください。")
    except ValueError:
        if password and b"ENCRYPTED" in data:
            raise NinteiError(f"--key {path}: 鍵のパスワードが違います。")
        raise NinteiError(f"--key {path}: PEM 形式の秘密鍵（-----BEGIN PRIVATE KEY----- で始まるファイル）では"
                          "ありません。公開鍵や証明書ではなく、秘密鍵を指定してください。")
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise NinteiError(f"--key {path}: RSA 鍵が {key.key_size} ビットです。2048 ビット以上の鍵を使ってください。")
        alg = "RS256"
    elif isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        alg = "ES256"
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        alg = "EdDSA"
    else:
        raise NinteiError(f"--key {path}: この種類の鍵では署名しません。RSA（2048 ビット以上。どの検証者も扱える"
                          "RS256）、P-256 の楕円曲線鍵（ES256）または Ed25519 鍵（EdDSA）を使ってください。")
    full = jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key(), as_dict=True)
    # the public key's own members only (no key_ops: some verifiers take nothing else), never "d"
    public = {k: full[k] for k in PUBLIC_MEMBERS[full["kty"]]}
    return SigningKey(key, alg, public, kid)


PUBLIC_MEMBERS = {"RSA": ("kty", "n", "e"), "EC": ("kty", "crv", "x", "y"), "OKP": ("kty", "crv", "x")}


def numeric_date(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp).timestamp())


def vc_jwt(credential: dict[str, Any], key: SigningKey) -> str:
    """The credential as a Compact JWS (OB 3.0 §8.2)."""
    import jwt

    claims = {**credential, "iss": credential["issuer"]["id"], "jti": credential["id"],
              "sub": credential["credentialSubject"]["id"], "nbf": numeric_date(credential["validFrom"])}
    if credential.get("validUntil"):
        claims["exp"] = numeric_date(credential["validUntil"])
    return jwt.encode(claims, key.private, algorithm=key.alg, headers=key.header())


def is_encrypted(path: Path) -> bool:
    """A PEM private key that needs a password (PKCS#8 or the older OpenSSL form)."""
    try:
        head = path.read_bytes()[:4096]
    except OSError:
        return False
    return b"ENCRYPTED PRIVATE KEY" in head or b"Proc-Type: 4,ENCRYPTED" in head


def readable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & 0o077)
    except OSError:
        return False
