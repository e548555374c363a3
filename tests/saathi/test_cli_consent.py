"""The consent commands of the command line: partner add, audit verify, consent verify."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from typer.testing import CliRunner, Result

from network.assembly import EmbeddedNetwork
from network.cli import app
from network.demo import description as demo
from network.demo.consent import seed_demo
from saathi.database import close_databases, open_databases
from saathi.keys import load_or_create_signing_key
from saathi.runtime import signing_key_for
from saathi.settings import Settings, load_settings
from saathi.tokens import Role, mint_access_token
from tests.conftest import operation
from tests.running import make_instance

runner = CliRunner()
PRIYA, RAVI = demo.PARTICIPANTS[0], demo.PARTICIPANTS[1]


@pytest.fixture
def seeded_dir(tmp_path: Path) -> Path:
    async def seed() -> None:
        settings = Settings(data_dir=tmp_path)
        await open_databases(settings, ["consent"])
        try:
            await seed_demo(settings)
        finally:
            await close_databases()

    asyncio.run(seed())
    return tmp_path


def _db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / "consent.sqlite3")


def test_partner_add_prints_the_client_id(tmp_path: Path) -> None:
    make_instance(tmp_path)
    pem = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    (tmp_path / "partner.pem").write_bytes(pem)
    centre = demo.CENTRES[0].id

    result = runner.invoke(
        app,
        [
            "partner",
            "add",
            "--centre",
            centre,
            "--public-key",
            str(tmp_path / "partner.pem"),
            "--data-dir",
            str(tmp_path),
        ],
    )

    assert result.exit_code == 0, result.output
    (client_id,) = result.stdout.split()
    assert client_id.startswith("prt_")
    with _db(tmp_path) as db:
        assert db.execute(
            "SELECT centre_id FROM consent_partner WHERE id = ?", (client_id,)
        ).fetchone() == (centre,)


def test_partner_add_refuses_a_key_that_is_not_ed25519(tmp_path: Path) -> None:
    make_instance(tmp_path)
    (tmp_path / "bad.pem").write_text("not a key")

    result = runner.invoke(
        app,
        [
            "partner",
            "add",
            "--centre",
            demo.CENTRES[0].id,
            "--public-key",
            str(tmp_path / "bad.pem"),
            "--data-dir",
            str(tmp_path),
        ],
    )

    assert result.exit_code == 2
    assert "not a PEM public key" in result.output


def test_audit_verify_passes_an_intact_log(seeded_dir: Path) -> None:
    result = runner.invoke(app, ["audit", "verify", "--data-dir", str(seeded_dir)])

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "2 participant log(s) intact" in result.stderr


def test_audit_verify_names_an_edited_entry(seeded_dir: Path) -> None:
    with _db(seeded_dir) as db:
        db.execute(
            "UPDATE consent_data_access SET purpose = 'RESEARCH' "
            "WHERE participant_id = ? AND seq = 1",
            (PRIYA.id,),
        )

    result = runner.invoke(app, ["audit", "verify", "--data-dir", str(seeded_dir)])

    assert result.exit_code == 1
    assert result.stdout == (
        f"BROKEN {PRIYA.id} entry 1: edited: its content does not match its hash\n"
    )


def _receipt(data_dir: Path) -> str:
    with _db(data_dir) as db:
        (receipt,) = db.execute(
            "SELECT receipt FROM consent_consent WHERE participant_id = ?", (PRIYA.id,)
        ).fetchone()
    return str(receipt)


def test_consent_verify_prints_the_claims_of_a_valid_receipt(seeded_dir: Path) -> None:
    result = runner.invoke(
        app, ["consent", "verify", _receipt(seeded_dir), "--data-dir", str(seeded_dir)]
    )

    assert result.exit_code == 0, result.output
    claims = json.loads(result.stdout)
    assert (claims["participant"], claims["grantee"], claims["purpose"]) == (
        PRIYA.id,
        demo.CENTRES[1].id,
        "CARE_CONTINUITY",
    )


def test_consent_verify_refuses_a_tampered_receipt(seeded_dir: Path) -> None:
    header, payload, signature = _receipt(seeded_dir).split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"

    result = runner.invoke(app, ["consent", "verify", forged, "--data-dir", str(seeded_dir)])

    assert result.exit_code == 1
    assert "invalid:" in result.stderr
    assert result.stdout == ""


def test_consent_verify_refuses_a_receipt_of_another_network(
    seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = make_instance(tmp_path_factory.mktemp("other"))

    result = runner.invoke(
        app, ["consent", "verify", _receipt(seeded_dir), "--data-dir", str(other)]
    )

    assert result.exit_code == 1
    assert "not signed by this network's key" in result.stderr


# Rewrites of the access log by someone who holds only the database (here: the SQLite file).


def _sha256_chain_hash(prev_hash: str, row: sqlite3.Row) -> str:
    """The chain hash as a database-only attacker recomputes it: plain SHA-256, no key."""
    at = datetime.fromisoformat(row["at"]).astimezone(UTC)
    content = {
        "participant": row["participant_id"],
        "seq": row["seq"],
        "at": at.isoformat(timespec="microseconds"),
        "accessor": row["accessor_centre_id"],
        "categories": json.loads(row["categories"]),
        "purpose": row["purpose"],
        "consent": row["consent_id"],
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(prev_hash.encode() + canonical).hexdigest()


def _log_rows(db: sqlite3.Connection, participant_id: str) -> list[sqlite3.Row]:
    db.row_factory = sqlite3.Row
    return list(
        db.execute(
            "SELECT * FROM consent_data_access WHERE participant_id = ? ORDER BY seq",
            (participant_id,),
        )
    )


def _verify(data_dir: Path) -> Result:
    return runner.invoke(app, ["audit", "verify", "--data-dir", str(data_dir)])


def test_audit_verify_names_a_removed_newest_entry_with_its_head_moved_back(
    seeded_dir: Path,
) -> None:
    with _db(seeded_dir) as db:
        *kept, newest = _log_rows(db, PRIYA.id)
        db.execute("DELETE FROM consent_data_access WHERE id = ?", (newest["id"],))
        db.execute(
            "UPDATE consent_data_access_head SET seq = ?, hash = ? WHERE participant_id = ?",
            (kept[-1]["seq"], kept[-1]["hash"], PRIYA.id),
        )

    result = _verify(seeded_dir)

    assert result.exit_code == 1, result.output
    assert result.stdout == (
        f"BROKEN {PRIYA.id} head: the log ends at entry 1 but the anchor signed entry 2 as its "
        "newest (entries removed)\n"
    )


def test_audit_verify_names_a_whole_removed_chain(seeded_dir: Path) -> None:
    with _db(seeded_dir) as db:
        db.execute("DELETE FROM consent_data_access WHERE participant_id = ?", (PRIYA.id,))
        db.execute("DELETE FROM consent_data_access_head WHERE participant_id = ?", (PRIYA.id,))

    result = _verify(seeded_dir)

    assert result.exit_code == 1, result.output
    assert result.stdout == (
        f"BROKEN {PRIYA.id} head: the anchor signed entry 2 as its newest but the whole log is "
        "gone (entries removed)\n"
    )


def test_audit_verify_names_a_removed_middle_entry_with_the_rest_rehashed(
    seeded_dir: Path,
) -> None:
    with _db(seeded_dir) as db:
        first, middle, last = _log_rows(db, PRIYA.id)
        db.execute("DELETE FROM consent_data_access WHERE id = ?", (middle["id"],))
        db.execute("UPDATE consent_data_access SET seq = 1 WHERE id = ?", (last["id"],))
        (moved,) = [row for row in _log_rows(db, PRIYA.id) if row["id"] == last["id"]]
        rehashed = _sha256_chain_hash(first["hash"], moved)
        db.execute(
            "UPDATE consent_data_access SET prev_hash = ?, hash = ? WHERE id = ?",
            (first["hash"], rehashed, last["id"]),
        )
        db.execute(
            "UPDATE consent_data_access_head SET seq = 1, hash = ? WHERE participant_id = ?",
            (rehashed, PRIYA.id),
        )

    result = _verify(seeded_dir)

    assert result.exit_code == 1, result.output
    assert result.stdout == (
        f"BROKEN {PRIYA.id} entry 1: edited: its content does not match its hash\n"
        f"BROKEN {PRIYA.id} entry 1: differs from the entry the anchor signed at line 1 "
        "(rewritten)\n"
        f"BROKEN {PRIYA.id} head: the log ends at entry 1 but the anchor signed entry 2 as its "
        "newest (entries removed)\n"
    )


def test_audit_verify_passes_after_an_erasure(seeded_dir: Path) -> None:
    settings = load_settings({}, data_dir=seeded_dir)

    async def erase() -> dict[str, object]:
        app_ = EmbeddedNetwork(settings, demo=False).build()
        token = mint_access_token(
            signing_key_for(settings),
            subject=PRIYA.id,
            role=Role.PARTICIPANT,
            issuer=settings.issuer,
            audience=settings.audience,
            ttl_seconds=60,
        )
        async with app_.router.lifespan_context(app_):
            transport = httpx.ASGITransport(app=app_)
            async with httpx.AsyncClient(transport=transport, base_url="http://saathi") as client:
                response = await client.post(
                    "/graphql",
                    json={"query": operation("consent", "DeleteMyAccount")},
                    headers={"authorization": f"Bearer {token}"},
                )
        body: dict[str, object] = response.json()
        return body

    erased = asyncio.run(erase())

    result = _verify(seeded_dir)

    assert erased == {"data": {"deleteMyAccount": {"deleted": True, "error": None}}}
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "1 participant log(s) intact" in result.stderr


def _kept_head(data_dir: Path) -> str:
    """Priya's newest signed head, as the app showed it to her (line 2 of the anchor file)."""
    return (data_dir / "audit-heads.jsonl").read_text().splitlines()[2]


def test_audit_verify_accepts_a_kept_head_the_log_still_holds(seeded_dir: Path) -> None:
    result = runner.invoke(
        app, ["audit", "verify", "--head", _kept_head(seeded_dir), "--data-dir", str(seeded_dir)]
    )

    assert result.exit_code == 0, result.output
    assert "2 participant log(s) intact; anchor: 6 signed line(s), tail " in result.stderr


def test_audit_verify_names_a_kept_head_the_log_no_longer_holds(seeded_dir: Path) -> None:
    kept = _kept_head(seeded_dir)
    anchor = seeded_dir / "audit-heads.jsonl"
    anchor.write_text("\n".join(anchor.read_text().splitlines()[:2]) + "\n")
    with _db(seeded_dir) as db:
        db.execute(
            "DELETE FROM consent_data_access WHERE participant_id = ? AND seq = 2", (PRIYA.id,)
        )
        (seq, hash_) = db.execute(
            "SELECT seq, hash FROM consent_data_access WHERE participant_id = ? AND seq = 1",
            (PRIYA.id,),
        ).fetchone()
        db.execute(
            "UPDATE consent_data_access_head SET seq = ?, hash = ? WHERE participant_id = ?",
            (seq, hash_, PRIYA.id),
        )

    result = runner.invoke(app, ["audit", "verify", "--head", kept, "--data-dir", str(seeded_dir)])

    assert result.exit_code == 1, result.output
    # Priya's log and the cut anchor agree now: only the head she kept shows the rewrite.
    assert result.stdout.splitlines() == [
        f"BROKEN {RAVI.id} head: no line of the anchor file signs this log (written around the "
        "consent service, or the anchor file was cut short)",
        f"BROKEN signed head {kept[-12:]}: the anchor file no longer holds line 2 that was "
        "signed (cut short or rewritten)",
        f"BROKEN signed head {kept[-12:]}: the log no longer holds entry 2 as it was signed "
        "(removed or rewritten)",
    ]


def test_audit_verify_refuses_a_head_it_did_not_sign(seeded_dir: Path) -> None:
    header, payload, signature = _kept_head(seeded_dir).split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"

    result = runner.invoke(
        app, ["audit", "verify", "--head", forged, "--data-dir", str(seeded_dir)]
    )

    assert result.exit_code == 1, result.output
    assert result.stdout == (
        f"BROKEN signed head {forged[-12:]}: not a valid signed head: "
        "its signature does not verify\n"
    )


def test_audit_verify_without_the_audit_key_says_so(seeded_dir: Path) -> None:
    (seeded_dir / "audit-key.pem").unlink()

    result = _verify(seeded_dir)

    assert result.exit_code == 2
    assert "no audit key in" in result.stderr
    assert not (seeded_dir / "audit-key.pem").exists()


def test_audit_key_prints_the_jwk_that_verifies_a_kept_head(seeded_dir: Path) -> None:
    result = runner.invoke(app, ["audit", "key", "--data-dir", str(seeded_dir)])

    assert result.exit_code == 0, result.output
    jwk = json.loads(result.stdout)
    public = jwt.PyJWK(jwk, algorithm="EdDSA").key
    claims = json.loads(jwt.api_jws.decode(_kept_head(seeded_dir), public, algorithms=["EdDSA"]))
    assert (jwk["kty"], jwk["crv"], "d" in jwk) == ("OKP", "Ed25519", False)
    assert (claims["line"], claims["seq"], claims["event"]) == (2, 2, "append")


def test_consent_verify_refuses_an_access_token_of_this_network(seeded_dir: Path) -> None:
    # given a participant's access token, signed with this network's own key
    token = mint_access_token(
        load_or_create_signing_key(seeded_dir),
        subject=PRIYA.id,
        role=Role.PARTICIPANT,
        issuer="saathi",
        audience="saathi-network",
        ttl_seconds=600,
    )

    # when it is checked as a consent receipt
    result = runner.invoke(app, ["consent", "verify", token, "--data-dir", str(seeded_dir)])

    # then it is refused in one line, with nothing on stdout
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "invalid: this is not a consent receipt (it is an access token)\n"


def test_consent_verify_prints_the_status_of_an_active_consent(seeded_dir: Path) -> None:
    result = runner.invoke(
        app, ["consent", "verify", _receipt(seeded_dir), "--data-dir", str(seeded_dir)]
    )

    assert result.exit_code == 0, result.output
    assert "status: ACTIVE" in result.stderr


def test_consent_verify_says_a_revoked_consent_is_revoked(seeded_dir: Path) -> None:
    # given the consent behind a valid receipt was revoked
    with _db(seeded_dir) as db:
        db.execute(
            "UPDATE consent_consent SET revoked_at = '2026-01-02 03:04:05+00:00' "
            "WHERE participant_id = ?",
            (PRIYA.id,),
        )

    # when the receipt is checked
    result = runner.invoke(
        app, ["consent", "verify", _receipt(seeded_dir), "--data-dir", str(seeded_dir)]
    )

    # then its signature is fine but the consent no longer stands
    assert result.exit_code == 2
    assert json.loads(result.stdout)["participant"] == PRIYA.id
    assert "status: REVOKED" in result.stderr
