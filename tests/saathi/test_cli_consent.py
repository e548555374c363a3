"""The consent commands of the command line: partner add, audit verify, consent verify."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from typer.testing import CliRunner

from saathi import demo
from saathi.cli import app
from saathi.database import close_databases, open_databases
from saathi.keys import load_or_create_signing_key
from saathi.settings import Settings
from saathi.tokens import Role, mint_access_token
from services.consent.seed import seed_demo

runner = CliRunner()
PRIYA = demo.PARTICIPANTS[0]


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
    other = tmp_path_factory.mktemp("other")

    result = runner.invoke(
        app, ["consent", "verify", _receipt(seeded_dir), "--data-dir", str(other)]
    )

    assert result.exit_code == 1
    assert "not signed by this network's key" in result.stderr


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
