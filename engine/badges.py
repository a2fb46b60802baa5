"""Open Badges 3.0: one ``OpenBadgeCredential`` per certification a review granted
(engine/grants.py), as JSON-LD (W3C Verifiable Credentials Data Model 2.0 and the Open Badges 3.0
context). Data first: the credential is a tree of frozen pydantic models; the JSON is their dump.

What a credential holds:

- ``issuer``: a Profile of the municipality (``name``; ``official``: the issuer of its 認定証,
  ``certificate.issuer`` in the rule file, e.g. 真岡市長);
- ``validFrom``: the date of the grant (the review's finish, or the reviewer's override);
  ``validUntil`` for a ``yearly`` certification: the end of its fiscal year (March 31, 23:59:59 JST);
- ``credentialSubject``: an AchievementSubject (``id`` an opaque urn:uuid) whose recipient is an ``identifier`` IdentityObject
  holding a **salted hash** of the staff member's 受領者コード (``sha256$`` + sha256(code + salt), the
  salt random per credential; engine/recipients.py says why not of the 職員番号): the 職員番号
  appears nowhere in the file. Whoever is shown the code checks the hash;
- ``achievement``: the certification (id, name, description, ``criteria.narrative`` = the criterion
  quoted from the rule file, ``achievementType`` Certification);
- ``evidence``: the decision, named by a URN of the review run and the hash of the staff member's
  judgement in the run's chain, with the run's ledger hash (``nintei audit verify`` checks both).

The ``.json`` files carry no ``proof``: signing needs the municipality's key, which nintei does not
hold. Given one (``badges --key``), each credential is also written signed, as a VC-JWT
(engine/badge_signing.py); without, a signing step of the municipality's takes the files as they
are (docs/certificates.md).
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from pydantic import BaseModel, ConfigDict, Field

from facts.dates import wareki_year

from . import badge_status, manifest
from .certificate import certificate_number, file_stems, valid_until, write_text
from .grants import JST, Grant, GrantedReview
from .page import wareki_date

if TYPE_CHECKING:
    from .badge_signing import SigningKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Profile(_Model):
    id: str
    type: list[str] = ["Profile"]
    name: str
    official: str | None = None
    description: str | None = None


class Criteria(_Model):
    narrative: str


class Achievement(_Model):
    id: str
    type: list[str] = ["Achievement"]
    name: str
    description: str
    criteria: Criteria
    achievementType: str = "Certification"
    humanCode: str | None = None
    inLanguage: str = "ja"
    creator: Profile | None = None


class IdentityObject(_Model):
    type: str = "IdentityObject"
    identityHash: str
    identityType: str = "identifier"
    hashed: bool = True
    salt: str


class AchievementSubject(_Model):
    id: str | None = None  # an opaque urn:uuid, never the 職員番号 (the signed form's ``sub``)
    type: list[str] = ["AchievementSubject"]
    identifier: list[IdentityObject]
    achievement: Achievement


class Evidence(_Model):
    id: str
    type: list[str] = ["Evidence"]
    name: str
    description: str
    narrative: str


class StatusEntry(_Model):
    """Where a verifier asks whether the badge was revoked (engine/badge_status.py)."""

    id: str
    type: str = "BitstringStatusListEntry"
    statusPurpose: str = "revocation"
    statusListIndex: str
    statusListCredential: str


class OpenBadgeCredential(_Model):
    context: list[str] = Field([VC_CONTEXT, OB_CONTEXT], alias="@context")
    id: str
    type: list[str] = ["VerifiableCredential", "OpenBadgeCredential"]
    name: str
    description: str
    issuer: Profile
    validFrom: str
    validUntil: str | None = None
    credentialSubject: AchievementSubject
    evidence: list[Evidence]
    credentialStatus: StatusEntry | None = None

    def to_json(self) -> str:
        return json.dumps(self.model_dump(by_alias=True, exclude_none=True), ensure_ascii=False, indent=2) + "\n"


def identity_hash(identity: str, salt: str) -> str:
    """``sha256$`` + the hex sha256 of the identity (the 受領者コード) followed by the salt (UTF-8),
    as Open Badges' IdentityHash is made."""
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def issuer_profile(review: GrantedReview, issuer_id: str | None = None) -> Profile:
    """The municipality; ``issuer_id``: its own URI (``badges --issuer-id``), else a URN of nintei's."""
    policy, cert = review.policy, review.certificate
    return Profile(id=issuer_id or f"urn:nintei:issuer:{policy.id}", name=policy.municipality.ja,
                   official=cert.issuer.ja, description=policy.title.ja)


def credential(review: GrantedReview, grant: Grant, recipient: str, salt: str | None = None,
               issuer_id: str | None = None, status: StatusEntry | None = None) -> OpenBadgeCredential:
    """The credential of one grant; ``recipient``: the staff member's 受領者コード
    (engine/recipients.py), which the recipient hash is made of; ``salt`` random (32 hex digits)
    unless given (tests); ``status``: its position in the municipality's status list
    (``--status-url``)."""
    d, policy = grant.decision, review.policy
    salt = secrets.token_hex(16) if salt is None else salt
    issuer = issuer_profile(review, issuer_id)
    achievement = Achievement(
        id=f"urn:nintei:achievement:{policy.id}:{d.certification}",
        name=d.label,
        description=f"{policy.title.ja}に定める認定区分「{d.label}」"
                    + ("（認定の有効期間: 年度ごと）" if d.validity == "yearly" else "（認定の有効期間: 無期限）"),
        criteria=Criteria(narrative=d.explanation.criterion or d.label),
        humanCode=d.certification,
        creator=issuer,
    )
    until = valid_until(d.validity, d.fiscal_year)
    subject = AchievementSubject(id=f"urn:uuid:{uuid.uuid4()}", identifier=[IdentityObject(identityHash=identity_hash(recipient, salt), salt=salt)],
                                 achievement=achievement)
    return OpenBadgeCredential(
        id=f"urn:uuid:{uuid.uuid4()}",
        name=f"{policy.municipality.ja} {d.label}",
        description=f"{policy.municipality.ja}の{wareki_year(d.fiscal_year)}の審査で{d.label}に認定"
                    f"（{wareki_date(grant.granted_at)}）",
        issuer=issuer,
        validFrom=grant.granted_at.isoformat(timespec="seconds"),
        validUntil=datetime.combine(until, time(23, 59, 59), JST).isoformat() if until else None,
        credentialSubject=subject,
        evidence=[evidence(review, grant)],
        credentialStatus=status,
    )


def evidence(review: GrantedReview, grant: Grant) -> Evidence:
    """The decision the badge rests on, named without the 職員番号: the run and the staff member's
    judgement hash in its chain (or, for a run stored before the ledger, the certificate number's
    hash)."""
    d = grant.decision
    anchor = grant.judgement_hash or hashlib.sha256(certificate_number(review, grant).encode("utf-8")).hexdigest()
    parts = [f"{review.policy.municipality.ja}の{wareki_year(d.fiscal_year)}の認定審査（審査の実行番号 {review.run_id}、"
             f"{wareki_date(review.finished_at)}完了、規則バージョン sha256 {review.rules_version}）の判定による。"]
    if grant.judgement_hash:
        parts.append(f"この職員の判定のハッシュ {grant.judgement_hash}。")
    if review.ledger_hash:
        parts.append(f"台帳の審査エントリのハッシュ {review.ledger_hash}。")
    parts.append(f"`nintei audit verify --run {review.run_id}` で台帳の改ざんのないことを確かめられる。")
    if grant.by_override:
        parts.append("審査者の判断（上書き）による認定。")
    return Evidence(
        id=f"urn:nintei:{review.policy.id}:{d.fiscal_year}:run:{review.run_id}:judgement:{anchor}",
        name="認定審査の判定",
        description=f"{d.label}の認定基準を満たすとした判定",
        narrative="".join(parts),
    )


PUBLIC_KEY_FILE = "発行者公開鍵.jwk.json"
STATUS_FILE = "失効リスト"  # .json, and .jwt when signed (engine/badge_status.py)
# every name badges writes: what a later run into the same folder may remove (engine/manifest.py)
OURS = re.compile(r"バッジ_.+\.(json|jwt)|発行者公開鍵\.jwk\.json|失効リスト\.(json|jwt)|受領者コード\.csv")
CODES_FILE = "受領者コード.csv"  # for the clerk: who gets which badge and the code to hand over with it
MANIFEST = ".nintei-badges.json"


@dataclass
class Written:
    files: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # an earlier run's files this run did not write again
    status_list: Path | None = None
    revoked: int = 0  # positions set in the status list


def write_badges(review: GrantedReview, out_dir: Path, recipients: Callable[[set[str]], dict[str, str]], key: "SigningKey | None" = None,
                 issuer_id: str | None = None, status: "Callable[[], badge_status.StatusList] | None" = None) -> Written:
    """One credential file per grant into ``out_dir``, its recipient hash made of the staff member's
    受領者コード (``recipients``, called once the folder is claimed: engine/recipients.py), and the
    clerk's list of them (``受領者コード.csv``); with ``key``, beside each its signed form
    (``.jwt``, engine/badge_signing.py) and the public key; with ``status`` (called once the folder
    is claimed, engine/badge_status.py), each badge names its position in the status list, written
    beside them (even when this review grants nothing: an earlier badge of it may have been revoked). As for certificates, the folder then holds this
    run's files only: files of the same names are replaced, and those an earlier run wrote there
    that this one does not write again (a revoked grant's, the ``.jwt`` of a signed run) are
    removed; a folder holding a file of nintei's name that nintei cannot show it wrote is refused
    before anything is written (engine/manifest.py)."""
    written = Written()
    if not review.grants and status is None:
        if (out_dir / MANIFEST).exists():
            written.removed = manifest.finish(manifest.claim(out_dir, MANIFEST, OURS), [])
        return written
    review.certificate  # a rule file without a certificate section: say so before writing
    stems = file_stems(review.grants, "バッジ")
    record = manifest.claim(out_dir, MANIFEST, OURS)
    manifest.begin(record, [f"{stem}.{ext}" for stem in stems for ext in ("json", "jwt")]
                   + [PUBLIC_KEY_FILE, f"{STATUS_FILE}.json", f"{STATUS_FILE}.jwt", CODES_FILE])
    from .badge_signing import vc_jwt

    listed = status() if status is not None else None
    codes = recipients({g.decision.staff_id for g in review.grants})

    def put(path: Path, text: str) -> None:
        write_text(path, text)
        written.files.append(path)

    for stem, grant in zip(stems, review.grants):
        d = grant.decision
        entry = StatusEntry(**badge_status.entry(listed.url, listed.positions[(d.staff_id, d.certification)])) \
            if listed is not None else None
        cred = credential(review, grant, codes[d.staff_id], issuer_id=issuer_id, status=entry)
        put(out_dir / f"{stem}.json", cred.to_json())
        if key is not None:
            put(out_dir / f"{stem}.jwt", vc_jwt(as_dict(cred), key) + "\n")
    if listed is not None:
        written.status_list, written.revoked = out_dir / f"{STATUS_FILE}.json", listed.revoked
        put(written.status_list, json.dumps(listed.credential, ensure_ascii=False, indent=2) + "\n")
        if key is not None:
            put(out_dir / f"{STATUS_FILE}.jwt", vc_jwt(listed.credential, key) + "\n")
    if review.grants:
        put(out_dir / CODES_FILE, recipient_codes_csv(review, stems, codes))
    if key is not None:
        put(out_dir / PUBLIC_KEY_FILE, json.dumps(key.public_jwk, indent=2) + "\n")
    written.removed = manifest.finish(record, written.files)
    return written


def recipient_codes_csv(review: GrantedReview, stems: list[str], codes: dict[str, str]) -> str:
    """The clerk's list (UTF-8 with BOM, as Excel opens it, as the review's CSV is written): each
    badge file, its staff member and the 受領者コード to hand over with it. Not for publishing."""
    from .results import as_text, csv_lines

    rows = ([as_text(v) for v in (f"{stem}.json", g.decision.staff_id, g.decision.staff_name, g.decision.department,
                                  g.decision.label, codes[g.decision.staff_id])] for stem, g in zip(stems, review.grants))
    return "".join(csv_lines(["バッジ", "職員番号", "氏名", "所属", "認定区分", "受領者コード"], rows))


def as_dict(cred: OpenBadgeCredential) -> dict[str, Any]:
    return cred.model_dump(by_alias=True, exclude_none=True)
