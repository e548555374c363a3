"""``refreshSession``: rotation, reuse detection revoking the family, expiry."""

from __future__ import annotations

import asyncio

import jwt

from services.consent import models
from tests.conftest import operation
from tests.services.consent.conftest import Consent

PHONE = "+919876543210"
REUSED = (
    "This refresh token was already used, so every session it belongs to was ended. Sign in again."
)


async def test_a_refresh_token_rotates(consent: Consent) -> None:
    signed_in = await consent.sign_in(PHONE)

    body = await consent.post(
        operation("mobile", "RefreshSession"), {"refreshToken": signed_in["refreshToken"]}
    )

    rotated = body["data"]["refreshSession"]
    assert rotated["error"] is None
    assert rotated["expiresIn"] == 900
    assert rotated["refreshToken"] not in (None, signed_in["refreshToken"])
    claims = jwt.decode(
        rotated["accessToken"],
        consent.key.public_key,
        algorithms=["EdDSA"],
        audience="saathi-network",
    )
    assert claims["sub"] == signed_in["participant"]["id"]
    rows = await models.RefreshToken.all().order_by("id")
    assert len({row.family_id for row in rows}) == 1
    assert [(row.spent_at is None, row.revoked_at is None) for row in rows] == [
        (False, True),
        (True, True),
    ]
    assert (await consent.refresh(rotated["refreshToken"]))["error"] is None


async def test_reusing_a_spent_token_revokes_the_whole_family(consent: Consent) -> None:
    signed_in = await consent.sign_in(PHONE)
    first = signed_in["refreshToken"]
    second = (await consent.refresh(first))["refreshToken"]

    reused = await consent.refresh(first)
    newest = await consent.refresh(second)

    assert reused == {
        "accessToken": None,
        "refreshToken": None,
        "expiresIn": None,
        "error": {"code": "UNAUTHENTICATED", "message": REUSED},
    }
    assert newest["error"] == {
        "code": "UNAUTHENTICATED",
        "message": "This refresh token is not valid. Sign in again.",
    }
    assert await models.RefreshToken.filter(revoked_at=None).count() == 0


async def test_reuse_in_one_family_leaves_other_sessions_alone(consent: Consent) -> None:
    phone = await consent.sign_in(PHONE)
    consent.clock.advance(30)
    tablet = await consent.sign_in(PHONE)
    await consent.refresh(phone["refreshToken"])

    await consent.refresh(phone["refreshToken"])
    other = await consent.refresh(tablet["refreshToken"])

    assert other["error"] is None


async def test_two_concurrent_uses_of_one_token_count_as_reuse(consent: Consent) -> None:
    signed_in = await consent.sign_in(PHONE)

    results = await asyncio.gather(
        consent.refresh(signed_in["refreshToken"]), consent.refresh(signed_in["refreshToken"])
    )

    assert sorted(str(result["error"] and result["error"]["code"]) for result in results) == [
        "None",
        "UNAUTHENTICATED",
    ]
    (winner,) = [result for result in results if result["error"] is None]
    assert (await consent.refresh(winner["refreshToken"]))["error"]["code"] == "UNAUTHENTICATED"


async def test_an_expired_refresh_token_is_refused(consent: Consent) -> None:
    signed_in = await consent.sign_in(PHONE)
    consent.clock.advance(consent.settings.refresh_token_ttl)

    expired = await consent.refresh(signed_in["refreshToken"])

    assert expired["error"] == {
        "code": "UNAUTHENTICATED",
        "message": "This refresh token has expired. Sign in again.",
    }


async def test_an_unknown_refresh_token_is_refused(consent: Consent) -> None:
    refused = await consent.refresh("not-a-token")

    assert refused["error"] == {
        "code": "UNAUTHENTICATED",
        "message": "This refresh token is not valid. Sign in again.",
    }


async def test_refresh_tokens_are_stored_only_as_digests(consent: Consent) -> None:
    signed_in = await consent.sign_in(PHONE)

    rows = await models.RefreshToken.all().values()

    assert signed_in["refreshToken"] not in repr(rows)
