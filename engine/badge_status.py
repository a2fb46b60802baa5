"""Revoking a badge already handed out: a W3C Bitstring Status List (``badges --status-url URL``).

A badge file, once given to its holder, cannot be taken back; a verifier asks the issuer instead.
With ``--status-url`` every badge carries a ``credentialStatus`` (``BitstringStatusListEntry``,
purpose ``revocation``) naming a position in the municipality's status list, and the badges folder
gets that list, ``失効リスト.json`` (a ``BitstringStatusListCredential``; signed as ``失効リスト.jwt``
with ``--key``), which the municipality publishes at the URL. The bit at a badge's position is 1
when the grant the badge was made for no longer stands: the certification was revoked
(``nintei revoke``), a reviewer overrode the decision to not certified, or a re-review of that year
no longer grants it (engine/grants.py decides, as for the badges themselves).

The positions are kept in the database (``badge_status_entry``): a badge keeps its position however
often the badges are written again, and a list URL used for several reviews holds them all. Each
new position is drawn at random from the free ones (the specification's advice: neighbouring
positions must not tell who was certified together). The list is at least 131,072 entries
(16 KiB, the specification's minimum, so that it does not reveal how many badges there are),
GZIP-compressed and base64url-encoded with the multibase prefix ``u``; position 0 is the first
(most significant) bit of the first byte.
"""
from __future__ import annotations

import base64
import gzip
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .errors import NinteiError
from .grants import JST, GrantedReview, granted
from .tables import BadgeStatusEntry

MIN_ENTRIES = 131_072
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
PURPOSE = "revocation"


@dataclass(frozen=True)
class StatusList:
    """``--status-url``: the list's URL, each grant's position in it, and the list as of now."""
    url: str
    positions: dict[tuple[str, str], int]
    credential: dict[str, Any]
    revoked: int  # how many positions in the list are set


def prepare(db, url: str, review: GrantedReview, issuer: dict[str, Any]) -> StatusList:
    """The review's grants placed in the list at ``url`` (positions stored), and the list."""
    url = check_url(url)
    placed = positions(db, url, review)
    revoked, size = revoked_positions(db, url)
    return StatusList(url, placed, list_credential(url, issuer, revoked, size), len(revoked))


def check_url(url: str) -> str:
    """The list's URL: an absolute http(s) URL without a fragment (``#`` names a position in it)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.fragment or "#" in url:
        raise NinteiError(f"--status-url {url}: 失効リストを公開する URL を https://… の形で指定してください"
                          "（# を含まないもの。例: https://www.city.example.lg.jp/badges/失効リスト.json）")
    return url


def entry(url: str, index: int) -> dict[str, str]:
    """A badge's ``credentialStatus``."""
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": PURPOSE,
            "statusListIndex": str(index), "statusListCredential": url}


def positions(db, url: str, review: GrantedReview) -> dict[tuple[str, str], int]:
    """The position of each of the review's grants in the list at ``url``: the stored one, or a
    new one drawn at random from the free positions and stored (one transaction)."""
    policy, year = review.policy.id, review.fiscal_year
    try:
        with Session(db) as session:
            rows = session.exec(select(BadgeStatusEntry).where(BadgeStatusEntry.list_url == url)).all()
            used = {r.idx for r in rows}
            mine = {(r.staff_id, r.certification): r.idx for r in rows if r.policy == policy and r.fiscal_year == year}
            wanted = [(g.decision.staff_id, g.decision.certification) for g in review.grants]
            new = [key for key in wanted if key not in mine]
            size = list_size(len(used) + len(new))
            for staff_id, certification in new:
                idx = secrets.randbelow(size)
                while idx in used:
                    idx = secrets.randbelow(size)
                used.add(idx)
                mine[(staff_id, certification)] = idx
                session.add(BadgeStatusEntry(list_url=url, idx=idx, policy=policy, fiscal_year=year,
                                             staff_id=staff_id, certification=certification))
            session.commit()
    except IntegrityError:
        raise NinteiError(f"--status-url {url}: 同じ失効リストに別の処理が同時に書き込みました。もう一度実行してください。")
    return {key: mine[key] for key in wanted}


def list_size(entries: int) -> int:
    """At least the specification's minimum, and at most a quarter full (a random free position
    is quickly found), in whole bytes."""
    size = max(MIN_ENTRIES, 4 * entries)
    return -(-size // 8) * 8


def revoked_positions(db, url: str) -> tuple[set[int], int]:
    """The positions in the list whose grant no longer stands, and the list's size."""
    with Session(db) as session:
        rows = session.exec(select(BadgeStatusEntry).where(BadgeStatusEntry.list_url == url)).all()
    standing: dict[tuple[str, int], set[tuple[str, str]]] = {}
    for policy, year in sorted({(r.policy, r.fiscal_year) for r in rows}):
        standing[(policy, year)] = {(g.decision.staff_id, g.decision.certification)
                                    for g in granted(db, policy, year).grants}
    revoked = {r.idx for r in rows if (r.staff_id, r.certification) not in standing[(r.policy, r.fiscal_year)]}
    size = max(list_size(len(rows)), max((r.idx for r in rows), default=0) // 8 * 8 + 8)
    return revoked, size


def encode(bits: set[int], size: int) -> str:
    """The bitstring of ``size`` entries with ``bits`` set, GZIP-compressed, base64url without
    padding, multibase prefix ``u``."""
    data = bytearray(size // 8)
    for i in bits:
        data[i // 8] |= 0x80 >> (i % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(data), mtime=0)).decode("ascii").rstrip("=")


def list_credential(url: str, issuer: dict[str, Any], revoked: set[int], size: int,
                    now: datetime | None = None) -> dict[str, Any]:
    """The ``BitstringStatusListCredential`` to publish at ``url``, as of ``now``."""
    now = (now or datetime.now(JST)).astimezone(JST)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "name": f"{issuer['name']} オープンバッジ失効リスト",
        "issuer": issuer,
        "validFrom": now.isoformat(timespec="seconds"),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": PURPOSE,
                              "encodedList": encode(revoked, size)},
    }
