"""Revoking a badge already handed out: a W3C Bitstring Status List (``badges --status-url URL``).

A badge file, once given to its holder, cannot be taken back; a verifier asks the issuer instead.
With ``--status-url`` every badge carries a ``credentialStatus`` (``BitstringStatusListEntry``,
purpose ``revocation``) naming a position in the municipality's status list, and the badges folder
gets that list, ``失効リスト.json`` (a ``BitstringStatusListCredential``; signed as ``失効リスト.jwt``
with ``--key``), which the municipality publishes at the URL. The bit at a badge's position is 1
once the certification the badge was made for no longer stands: it was revoked (``nintei revoke``,
from the revocation's date: one dated ahead counts from that day), a reviewer overrode the decision
to not certified, or a re-review of that year decides it is neither certified nor held (a grant that
a re-review reads as held, from an earlier record, still stands). A revocation is final, as the
specification has it: a bit once set stays set; should the certification stand again, its next
badge gets a new position.

The positions are kept in the database (``badge_status_entry``): a badge keeps its position however
often the badges are written again, and a list URL used for several reviews holds them all. Each
new position is drawn at random from the free ones (the specification's advice: neighbouring
positions must not tell who was certified together). The list is 131,072 entries (16 KiB, the
specification's minimum), doubled whenever it would be more than a quarter full: its size tells
little about how many badges there are;
GZIP-compressed and base64url-encoded with the multibase prefix ``u``; position 0 is the first
(most significant) bit of the first byte.
"""
from __future__ import annotations

import base64
import gzip
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable
from urllib.parse import quote, urlsplit

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from facts.errors import Worded

from .errors import NinteiError
from .grants import JST, GrantedReview
from .review import current_run
from .tables import BadgeStatusEntry, DecisionRow, Override, Revocation

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


def normal_url(url: str) -> str:
    """The list's URL as it goes into the badges: characters a URL cannot hold (Japanese, spaces,
    quotes) percent-encoded; ValueError (in Japanese) for one that is not an http(s) URL of a host,
    holds a user name or password, a bad port, or a ``#`` (that names a position in the list)."""
    encoded = quote(url.strip(), safe=":/?&=%!$'()*+,;~-._@[]")
    parts = urlsplit(encoded)
    try:
        port_ok = parts.port is None or 0 < parts.port
    except ValueError:
        port_ok = False
    if parts.scheme not in ("https", "http") or not parts.hostname or "#" in url or "@" in parts.netloc \
            or not port_ok:
        raise Worded(f"{url}: 失効リストを公開する URL を https://ホスト名/… の形で指定してください（# や"
                     "ユーザー名・パスワードを含まないもの。例: https://www.city.example.lg.jp/nintei/status-2025.json）",
                     f"{url}: give the URL where the status list will be published as https://host/... (without # "
                     "or a user name or password; e.g. https://www.city.example.lg.jp/nintei/status-2025.json)")
    return encoded


def entry(url: str, index: int) -> dict[str, str]:
    """A badge's ``credentialStatus``."""
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": PURPOSE,
            "statusListIndex": str(index), "statusListCredential": url}


def preparer(db, url: str, review: GrantedReview, issuer: Callable[[], dict[str, Any]],
             today: date | None = None) -> Callable[[], StatusList]:
    """What engine.badges.write_badges calls once the folder is claimed: the review's grants placed
    in the list (positions stored), the list brought up to date (revocations stored), the list."""
    def prepare() -> StatusList:
        placed = positions(db, url, review)
        revoked, size = mark_revoked(db, url, today or datetime.now(JST).date())
        return StatusList(url, placed, list_credential(url, issuer(), revoked, size), len(revoked))
    return prepare


def positions(db, url: str, review: GrantedReview) -> dict[tuple[str, str], int]:
    """The position of each of the review's grants in the list at ``url``: its entry's that is not
    revoked, or a new one drawn at random from the free positions and stored (one transaction)."""
    policy, year = review.policy.id, review.fiscal_year
    try:
        with Session(db) as session:
            rows = session.exec(select(BadgeStatusEntry).where(BadgeStatusEntry.list_url == url)).all()
            used = {r.idx for r in rows}
            mine = {(r.staff_id, r.certification): r.idx for r in rows
                    if r.policy == policy and r.fiscal_year == year and r.revoked_at is None}
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
    """The specification's minimum, doubled until at most a quarter is used (a random free
    position is quickly found, and the size tells little of how many badges there are)."""
    size = MIN_ENTRIES
    while size < 4 * entries:
        size *= 2
    return size


def mark_revoked(db, url: str, today: date) -> tuple[set[int], int]:
    """Stores as revoked each entry of the list whose certification no longer stands (see the
    module's docstring); returns every revoked position and the list's size."""
    with Session(db) as session:
        rows = session.exec(select(BadgeStatusEntry).where(BadgeStatusEntry.list_url == url)).all()
        for policy, year in sorted({(r.policy, r.fiscal_year) for r in rows if r.revoked_at is None}):
            stands = standing(session, db, policy, year, today)
            for r in rows:
                if (r.policy, r.fiscal_year) == (policy, year) and r.revoked_at is None \
                        and (r.staff_id, r.certification) not in stands:
                    r.revoked_at = datetime.now(timezone.utc)
                    session.add(r)
        session.commit()
        revoked = {r.idx for r in rows if r.revoked_at is not None}
        return revoked, max(list_size(len(rows)), max((r.idx for r in rows), default=0) // 8 * 8 + 8)


def standing(session: Session, db, policy: str, year: int, today: date) -> set[tuple[str, str]]:
    """(staff, certification) of the year's current review that stand today: decided certified or
    held (or a reviewer's override to certified), not overridden to not certified, and no
    revocation of it in effect (dated today or earlier, in that fiscal year or later). Read with
    plain queries: nothing is rendered, whatever the size of the review."""
    run = current_run(db, policy, year)
    if run is None:
        return set()
    outcomes = {(s, c): o for s, c, o in session.exec(select(DecisionRow.staff_id, DecisionRow.certification,
                                                             DecisionRow.outcome).where(DecisionRow.run_id == run.id))}
    last_override: dict[tuple[str, str], str] = {}
    for s, c, o in session.exec(select(Override.staff_id, Override.certification, Override.outcome).where(
            Override.policy == policy, Override.fiscal_year == year).order_by(Override.id)):
        last_override[(s, c)] = o
    revoked = set(session.exec(select(Revocation.staff_id, Revocation.certification).where(
        Revocation.policy == policy, Revocation.fiscal_year >= year, Revocation.date <= today)).all())
    keys = set(outcomes) | set(last_override)
    return {k for k in keys if k not in revoked and (
        last_override.get(k) == "certified"
        or (outcomes.get(k) in ("certified", "held") and last_override.get(k) != "not_certified"))}


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
