"""Rotating the token-signing key: the new key is published beside the old and signs what is
issued from then on; what the old key signed keeps verifying until it expires, then the old key
leaves the JWKS; replicas sharing the data dir pick the rotation up without a restart."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from network.cli import app
from network.demo import description as demo
from saathi.errors import Unauthenticated
from saathi.keys import load_or_create_signing_key, retired_keys, rotate_signing_key
from saathi.tokens import Role, TokenVerifier, mint_access_token
from services.consent.domain.consents import ReceiptInvalid, verify_receipt
from tests.running import make_instance
from tests.saathi.conftest import Network

ISSUER, AUDIENCE = "saathi", "saathi-network"


def _token(key: object, subject: str = "par_1") -> str:
    return mint_access_token(
        key,  # type: ignore[arg-type]
        subject=subject,
        role=Role.PARTICIPANT,
        issuer=ISSUER,
        audience=AUDIENCE,
        ttl_seconds=900,
    )


def _kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


def test_two_replicas_sign_with_the_new_key_and_verify_the_old_until_it_expires(
    tmp_path: Path,
) -> None:
    # given two replicas of consent sharing one data dir, and a token the first one issued
    first = load_or_create_signing_key(tmp_path, reload_seconds=0)
    second = load_or_create_signing_key(tmp_path, reload_seconds=0)
    old_token = _token(first)
    verifier = TokenVerifier(issuer=ISSUER, audience=AUDIENCE, key_ring=second)

    # when the key is rotated, its old half published for two more seconds
    old_kid, new_kid = rotate_signing_key(tmp_path, until=int(time.time()) + 2)

    # then both replicas sign with the new key and publish both
    assert old_kid == _kid(old_token) != new_kid
    assert _kid(_token(first)) == _kid(_token(second)) == new_kid
    assert [entry["kid"] for entry in second.jwks()["keys"]] == [new_kid, old_kid]
    # and the old token still verifies on the other replica, as does a new one
    assert verifier.verify(old_token).subject == "par_1"
    assert verifier.verify(_token(first, "par_2")).subject == "par_2"

    # when the old key's time is up
    time.sleep(2.1)

    # then it has left the JWKS and what it signed no longer verifies
    assert [entry["kid"] for entry in first.jwks()["keys"]] == [new_kid]
    with pytest.raises(Unauthenticated, match="not signed by this network"):
        verifier.verify(old_token)
    assert verifier.verify(_token(second)).subject == "par_1"


def test_a_second_rotation_prunes_keys_whose_time_is_over(tmp_path: Path) -> None:
    load_or_create_signing_key(tmp_path)
    first_old, _ = rotate_signing_key(tmp_path, until=int(time.time()) - 1)
    second_old, _ = rotate_signing_key(tmp_path, until=int(time.time()) + 3600)

    assert [key.jwk["kid"] for key in retired_keys(tmp_path)] == [second_old]
    assert first_old != second_old
    assert not (tmp_path / "signing-keys" / f"{first_old}.json").exists()


def test_the_rotated_out_private_key_is_not_kept(tmp_path: Path) -> None:
    key = load_or_create_signing_key(tmp_path)
    old_pem = (tmp_path / "signing-key.pem").read_bytes()
    rotate_signing_key(tmp_path, until=int(time.time()) + 3600)

    stored = b"".join(path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
    assert old_pem not in stored
    assert b"PRIVATE" not in (tmp_path / "signing-keys" / f"{key.kid}.json").read_bytes()
    assert '"d"' not in (tmp_path / "signing-keys" / f"{key.kid}.json").read_text()


async def test_through_the_network_old_tokens_and_receipts_verify_after_rotation(
    network: Network,
) -> None:
    # given a participant signed in, holding a consent receipt signed by the current key
    signed_in = await network.sign_in("+919800000777")
    old_token = signed_in["accessToken"]
    granted = await network.run(
        "consent",
        "GrantConsent",
        token=old_token,
        input={
            "granteeCentreId": demo.CENTRES[0].id,
            "categories": ["ATTENDANCE"],
            "purpose": "REFERRAL",
            "validUntil": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
        },
    )
    receipt = granted["data"]["grantConsent"]["consent"]["receipt"]
    old_kid = _kid(old_token)
    assert _kid(receipt) == old_kid

    # when the key is rotated on the data dir (as `saathi keys rotate` does), and the running
    # network has re-read it (it looks every five seconds)
    _, new_kid = rotate_signing_key(network.settings.data_dir, until=int(time.time()) + 3600)
    await asyncio.sleep(5.2)

    # then the JWKS publishes both keys
    jwks = (await network.client.get("/.well-known/jwks.json")).json()
    assert [entry["kid"] for entry in jwks["keys"]] == [new_kid, old_kid]
    # and the old token still works, the old receipt still verifies against the JWKS
    me = await network.run("mobile", "Me", token=old_token)
    assert "errors" not in me, me
    assert verify_receipt(receipt, jwks, None)["consent"]
    # and a new sign-in gets a token signed by the new key, which works too
    fresh = (await network.sign_in("+919800000778"))["accessToken"]
    assert _kid(fresh) == new_kid
    assert "errors" not in await network.run("mobile", "Me", token=fresh)
    # while a receipt checked against only the new key would fail: the old key is what keeps it
    only_new = {"keys": [entry for entry in jwks["keys"] if entry["kid"] == new_kid]}
    with pytest.raises(ReceiptInvalid):
        verify_receipt(receipt, only_new, None)


def test_the_cli_keeps_the_old_key_published_until_the_last_receipt_expires(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    make_instance(tmp_path)  # only up, seed, serve and restore make an instance
    result = runner.invoke(app, ["keys", "rotate", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    new_kid = result.stdout.strip().splitlines()[-1]

    listed = runner.invoke(app, ["keys", "list", "--data-dir", str(tmp_path)])
    lines = listed.stdout.strip().splitlines()
    assert lines[0] == f"{new_kid} current"
    (retired,) = retired_keys(tmp_path)
    # No consent was ever granted here: the old key is kept for the access tokens' lifetime.
    assert time.time() + 900 < retired.until < time.time() + 900 + 120
    assert lines[1].startswith(f"{retired.jwk['kid']} published until ")
