"""`nintei badges`: one Open Badges 3.0 OpenBadgeCredential per certification the review granted,
checked against what the specification requires of a credential and its Achievement (listed here
from the OB 3.0 data model, B.1) and against the official JSON Schema (vendored in
tests/data/openbadges/, its source in the README there). Which badges there must be is worked out
from tests/data/<policy>_samples_expected.csv (tests/granted_samples.py)."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft201909Validator

from cli import main
from granted_samples import POLICIES, criterion, expected_grants, label, review_samples, run_ledger_hash

SCHEMA = json.loads((Path(__file__).parent / "data" / "openbadges" / "ob_v3p0_achievementcredential_schema.json")
                    .read_text(encoding="utf-8"))
VALIDATOR = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)

# What Open Badges 3.0 requires ([1] and [1..*] in its data model), by class.
REQUIRED = {
    "OpenBadgeCredential": ["@context", "id", "type", "issuer", "validFrom", "credentialSubject"],
    "Profile": ["id", "type"],
    "AchievementSubject": ["type", "achievement"],
    "Achievement": ["id", "type", "criteria", "description", "name"],
    "IdentityObject": ["type", "hashed", "identityHash", "identityType"],
    "Evidence": ["type"],
}


@pytest.fixture(scope="module")
def badges(tmp_path_factory):
    """policy -> (database, folder of its badges)."""
    out = {}
    for policy in POLICIES:
        db = review_samples(policy, tmp_path_factory.mktemp(policy))
        folder = tmp_path_factory.mktemp(f"{policy}-badges")
        r = CliRunner().invoke(main, ["--db", db, "badges", "--policy", policy, "--fiscal-year", "R7",
                                      "--out", str(folder)])
        assert r.exit_code == 0, r.output
        out[policy] = (db, folder)
    return out


def _required(obj: dict, cls: str) -> None:
    missing = [k for k in REQUIRED[cls] if k not in obj]
    assert not missing, f"{cls} lacks {missing}"


@pytest.mark.parametrize("policy", POLICIES)
def test_one_valid_credential_per_grant(badges, policy):
    from engine.rulebook import load_rulebook

    db, folder = badges[policy]
    grants = expected_grants(policy)
    files = {f"バッジ_{staff}_{label(policy, cert)}.json": (staff, cert) for staff, cert in grants}
    # and the run's manifest, and the clerk's list of 受領者コード
    assert {p.name for p in folder.iterdir()} == set(files) | {".nintei-badges.json", "受領者コード.csv"}
    codes = _codes(folder)
    assert set(codes) == set(files) and {codes[f][0] for f in files} == {staff for staff, _ in grants}
    by_staff = {staff: code for staff, code in codes.values()}
    assert len(set(by_staff.values())) == len(by_staff)  # a code of one's own
    run_id, ledger_hash = run_ledger_hash(db)
    rules = load_rulebook().policy(policy)
    salts, ids = set(), set()
    for name, (staff, cert) in files.items():
        text = (folder / name).read_text(encoding="utf-8")
        cred = json.loads(text)
        errors = sorted(VALIDATOR.iter_errors(cred), key=lambda e: list(e.path))
        assert not errors, f"{name}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])

        _required(cred, "OpenBadgeCredential")
        assert cred["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
        assert cred["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert cred["id"].startswith("urn:uuid:")
        _required(cred["issuer"], "Profile")
        assert cred["issuer"]["name"] == rules.municipality.ja and "Profile" in cred["issuer"]["type"]
        assert cred["issuer"]["official"] == rules.certificate.issuer.ja

        subject = cred["credentialSubject"]
        _required(subject, "AchievementSubject")
        assert "AchievementSubject" in subject["type"]
        assert "id" in subject or subject.get("identifier"), "either id or at least one identifier (OB 3.0)"
        achievement = subject["achievement"]
        _required(achievement, "Achievement")
        assert "Achievement" in achievement["type"]
        assert achievement["name"] == label(policy, cert)
        assert achievement["criteria"]["narrative"] == criterion(policy, cert)  # the quoted criterion
        assert achievement["achievementType"] == "Certification"

        # the recipient: a salted hash of the staff member's 受領者コード (the 職員番号 appears nowhere
        # in the file, and a hash of it could be read back by trying every number)
        (identity,) = subject["identifier"]
        _required(identity, "IdentityObject")
        assert identity["type"] == "IdentityObject" and identity["hashed"] is True
        salt = identity["salt"]
        assert len(salt) >= 16
        code = by_staff[staff]
        assert identity["identityHash"] == "sha256$" + hashlib.sha256((code + salt).encode("utf-8")).hexdigest()
        assert identity["identityHash"] != "sha256$" + hashlib.sha256((staff + salt).encode("utf-8")).hexdigest()
        assert not re.search(rf"(?<![0-9A-Za-z]){re.escape(staff)}(?![0-9A-Za-z])", text), f"{staff} in {name}"
        salts.add(salt)
        ids.add(cred["id"])

        # when: the review's finish, in Japan's time; a yearly certification ends with its fiscal year
        valid_from = datetime.fromisoformat(cred["validFrom"])
        assert valid_from.utcoffset() is not None and valid_from.utcoffset().total_seconds() == 9 * 3600
        if rules.certification(cert).validity == "yearly":
            assert cred["validUntil"] == "2026-03-31T23:59:59+09:00"
        else:
            assert "validUntil" not in cred

        # evidence: the decision, by run and ledger hash
        (evidence,) = cred["evidence"]
        _required(evidence, "Evidence")
        assert "Evidence" in evidence["type"]
        assert f":run:{run_id}:" in evidence["id"]
        assert ledger_hash in evidence["narrative"] and f"audit verify --run {run_id}" in evidence["narrative"]
    assert len(salts) == len(ids) == len(files)  # a salt and an id of its own per credential


def _codes(folder: Path) -> dict[str, tuple[str, str]]:
    """受領者コード.csv, read as Excel would (UTF-8 with BOM): badge file -> (職員番号, code)."""
    import csv

    with (folder / "受領者コード.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", row["受領者コード"]), row
    return {row["バッジ"]: (row["職員番号"], row["受領者コード"]) for row in rows}


def test_the_staff_number_cannot_be_read_back_from_the_recipient_hash(badges):
    """A 職員番号 has five digits: were the hash made of it, trying all 100,000 with the salt beside it
    would find it in a second. (From the second reader's review.)"""
    _db, folder = badges["moka"]
    path = sorted(folder.glob("バッジ_*.json"))[0]
    (identity,) = json.loads(path.read_text(encoding="utf-8"))["credentialSubject"]["identifier"]
    found = [f"{n:05d}" for n in range(100_000)
             if "sha256$" + hashlib.sha256((f"{n:05d}" + identity["salt"]).encode()).hexdigest()
             == identity["identityHash"]]
    assert not found, f"{path.name}: the 職員番号 {found} read back from identityHash + salt"


def test_a_staff_member_keeps_one_code_across_reviews_and_runs(badges, tmp_path):
    db, folder = badges["moka"]
    again = tmp_path / "again"
    again.mkdir()
    r = CliRunner().invoke(main, ["--db", db, "badges", "--policy", "moka", "--fiscal-year", "R7", "--out", str(again)])
    assert r.exit_code == 0, r.output
    assert _codes(again) == _codes(folder)


def test_a_yearly_certification_ends_with_its_fiscal_year(badges):
    """Oyama's IT literacy is judged afresh each year (its expectations say so): its badge ends on
    March 31, 2026."""
    _, folder = badges["oyama"]
    staff = sorted(s for s, c in expected_grants("oyama") if c == "it_literacy")[0]
    cred = json.loads((folder / f"バッジ_{staff}_{label('oyama', 'it_literacy')}.json").read_text(encoding="utf-8"))
    assert cred["validUntil"] == "2026-03-31T23:59:59+09:00"


def test_the_judgement_hash_in_the_evidence_is_the_ledgers(badges):
    """The evidence names the staff member's judgement in the run's chain: the clerk (who knows the
    職員番号) finds it with `audit verify`; nobody else learns the 職員番号 from it."""
    from sqlalchemy import text

    from facts.db import get_engine

    db, folder = badges["moka"]
    cred = json.loads((folder / "バッジ_11002_DXエキスパート.json").read_text(encoding="utf-8"))
    with get_engine(db).connect() as conn:
        judgement = conn.execute(text("select hash from review_judgement where staff_id = '11002'")).scalar_one()
    assert cred["evidence"][0]["id"].endswith(f":judgement:{judgement}")


def test_the_schema_rejects_what_the_specification_forbids():
    """The vendored schema is the real thing: a credential without validFrom, or with a subject
    identity in clear that is not an IdentityObject, does not pass."""
    assert SCHEMA["$id"].startswith("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/")
    good = {"@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:1", "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "urn:x", "type": ["Profile"]}, "validFrom": "2026-01-15T10:00:00+09:00",
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
                "id": "urn:a", "type": ["Achievement"], "name": "n", "description": "d", "criteria": {"narrative": "c"}}}}
    assert not list(VALIDATOR.iter_errors(good))
    assert list(VALIDATOR.iter_errors({k: v for k, v in good.items() if k != "validFrom"}))
    bad = json.loads(json.dumps(good))
    bad["credentialSubject"]["identifier"] = [{"type": "IdentityObject", "identityHash": "11002"}]
    assert list(VALIDATOR.iter_errors(bad))


def test_no_review_no_badges(tmp_path):
    db = f"sqlite:///{tmp_path / 'n.db'}"
    out = tmp_path / "out"
    out.mkdir()
    samples = Path(__file__).resolve().parent.parent / "facts" / "samples" / "moka"
    assert CliRunner().invoke(main, ["--db", db, "import", str(samples)]).exit_code == 0  # facts, no review
    r = CliRunner().invoke(main, ["--db", db, "badges", "-p", "moka", "-y", "2025", "--out", str(out)])
    assert r.exit_code == 1 and "審査結果がありません" in r.output and "Traceback" not in r.output
    assert not list(out.iterdir())


def test_the_schema_check_checks_dates():
    """The official schema declares validFrom a date-time: the validator the tests use must check
    it (rfc3339-validator installed), or any string would pass. (From the second reader's review.)"""
    cred = {"@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:1", "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "urn:x", "type": ["Profile"]}, "validFrom": "2026-01-15T10:00:00+09:00",
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
                "id": "urn:a", "type": ["Achievement"], "name": "n", "description": "d", "criteria": {"narrative": "c"}}}}
    assert not list(VALIDATOR.iter_errors(cred))
    assert list(VALIDATOR.iter_errors({**cred, "validFrom": "令和7年度のどこか"}))
