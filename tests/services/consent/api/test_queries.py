"""``me``: only a signed-in participant, with a valid token signed by this network."""

from __future__ import annotations

import time

from network.demo import description as demo
from saathi.keys import generate_signing_key
from saathi.keystore import SqliteKeyStore
from saathi.tokens import Role
from services.consent.domain.accounts import add_participants
from services.consent.domain.login_sessions import SIGN_IN_ENDED
from tests.services.consent.conftest import Consent

ME = "{ me { id displayName homeCity preferredLanguage consents { id } consentRequests { id } } }"


def _error(body: dict[str, object]) -> tuple[str, str]:
    errors = body["errors"]
    assert isinstance(errors, list)
    assert len(errors) == 1
    return errors[0]["extensions"]["code"], errors[0]["message"]


async def test_me_is_the_signed_in_participant(consent: Consent) -> None:
    signed_in = await consent.sign_in("+919876543210")

    body = await consent.post(ME, token=signed_in["accessToken"])

    assert body == {
        "data": {
            "me": {
                "id": signed_in["participant"]["id"],
                "displayName": "Friend",
                "homeCity": None,
                "preferredLanguage": None,
                "consents": [],
                "consentRequests": [],
            }
        }
    }


async def test_me_without_a_token_is_unauthenticated(consent: Consent) -> None:
    body = await consent.post(ME)

    assert body["data"] == {"me": None}
    assert _error(body) == ("UNAUTHENTICATED", "Sign in first: this needs an access token.")
    assert body["errors"][0]["path"] == ["me"]


async def test_me_with_an_expired_token_is_unauthenticated(
    consent: Consent, keys: SqliteKeyStore
) -> None:
    (participant,) = await add_participants(["Asha"], keys)
    expired = consent.token(participant, ttl_seconds=60, now=time.time() - 3600)

    body = await consent.post(ME, token=expired)

    assert _error(body) == (
        "UNAUTHENTICATED",
        "The access token has expired; refresh it or sign in again.",
    )


async def test_me_with_a_token_signed_by_another_key_is_unauthenticated(
    consent: Consent, keys: SqliteKeyStore
) -> None:
    (participant,) = await add_participants(["Asha"], keys)
    forged = consent.token(participant, key=generate_signing_key())

    body = await consent.post(ME, token=forged)

    assert body["data"] == {"me": None}
    assert _error(body) == ("UNAUTHENTICATED", "The access token was not signed by this network.")


async def test_me_with_a_malformed_header_is_unauthenticated(consent: Consent) -> None:
    body = await consent.post(ME, headers={"authorization": "Token abc"})

    assert _error(body)[0] == "UNAUTHENTICATED"


async def test_me_with_a_staff_token_is_forbidden(consent: Consent) -> None:
    staff = consent.token(
        "stf_01JD3TESTTESTTESTTESTTESTT", Role.FACILITATOR, centre_id=demo.CENTRES[0].id
    )

    body = await consent.post(ME, token=staff)

    assert body["data"] == {"me": None}
    assert _error(body) == ("FORBIDDEN", "Only a participant may do this.")


async def test_me_after_the_account_is_gone_is_unauthenticated(consent: Consent) -> None:
    body = await consent.post(ME, token=consent.token("par_01JD3GONEGONEGONEGONEGONEG"))

    # refused before any field runs: a token of a participant who is gone has no live sign-in
    assert _error(body) == ("UNAUTHENTICATED", SIGN_IN_ENDED)
