"""Ended sign-ins: ``signOut``, a reused refresh token and erasure stop access tokens at once,
in this service itself and through ``POST /internal/tokens/check`` (asked by the gateway)."""

from __future__ import annotations

from typing import Any

import httpx
import jwt

from saathi.ids import new_id
from saathi.tokens import Role
from services.consent import models
from services.consent.domain.accounts import SupporterCentre, add_staff, link_staff, unlink_staff
from services.consent.domain.login_sessions import SIGN_IN_ENDED
from tests.services.consent.conftest import Consent, selects_from

PHONE = "+919876543210"
ME = "{ me { id } }"
SIGN_OUT = """
mutation($everywhere: Boolean) {
  signOut(everywhere: $everywhere) { signedOut error { code message } }
}
"""
CHECK = "/internal/tokens/check"


async def _me(consent: Consent, token: str) -> dict[str, Any]:
    return await consent.post(ME, token=token)


async def _check(consent: Consent, token: str) -> httpx.Response:
    claims = jwt.decode(token, options={"verify_signature": False})
    body = {"subject": claims["sub"], "role": claims["role"], "sessionId": claims.get("sid")}
    return await consent.client.post(CHECK, json=body, headers=consent.service_headers("gateway"))


def _unauthenticated(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["extensions"]["code"], e["message"]) for e in body.get("errors", [])]


async def test_an_access_token_carries_its_sign_in_as_sid(consent: Consent) -> None:
    signed_in = await consent.sign_in(PHONE)

    claims = jwt.decode(signed_in["accessToken"], options={"verify_signature": False})

    (row,) = await models.RefreshToken.all()
    assert claims["sid"] == row.family_id


async def test_signing_out_stops_the_access_token_on_the_next_request(consent: Consent) -> None:
    signed_in = await consent.sign_in(PHONE)
    token = signed_in["accessToken"]
    assert (await _check(consent, token)).json() == {"live": True}

    out = await consent.post(SIGN_OUT, token=token)

    assert out["data"]["signOut"] == {"signedOut": True, "error": None}
    assert _unauthenticated(await _me(consent, token)) == [("UNAUTHENTICATED", SIGN_IN_ENDED)]
    assert (await _check(consent, token)).json() == {"live": False}
    assert (await consent.refresh(signed_in["refreshToken"]))["error"]["code"] == "UNAUTHENTICATED"


async def test_signing_out_everywhere_ends_every_sign_in(consent: Consent) -> None:
    first = await consent.sign_in(PHONE)
    consent.clock.advance(30)
    second = await consent.sign_in(PHONE)

    await consent.post(SIGN_OUT, {"everywhere": True}, token=second["accessToken"])

    assert (await _check(consent, first["accessToken"])).json() == {"live": False}
    assert (await _check(consent, second["accessToken"])).json() == {"live": False}


async def test_a_reused_refresh_token_ends_the_access_token_of_its_family(
    consent: Consent,
) -> None:
    signed_in = await consent.sign_in(PHONE)
    await consent.refresh(signed_in["refreshToken"])
    await consent.refresh(signed_in["refreshToken"])  # a copy, used again: the family is revoked

    assert _unauthenticated(await _me(consent, signed_in["accessToken"])) == [
        ("UNAUTHENTICATED", SIGN_IN_ENDED)
    ]
    assert (await _check(consent, signed_in["accessToken"])).json() == {"live": False}


async def test_an_erased_participants_token_is_not_live(consent: Consent) -> None:
    signed_in = await consent.sign_in(PHONE)
    await models.RefreshToken.all().delete()  # what erasure does to the participant's sign-ins

    assert (await _check(consent, signed_in["accessToken"])).json() == {"live": False}


async def test_an_operator_token_without_sid_lives_while_the_participant_exists(
    consent: Consent,
) -> None:
    signed_in = await consent.sign_in(PHONE)
    token = consent.token(signed_in["participant"]["id"])

    live = (await _check(consent, token)).json()
    await models.Participant.all().delete()
    gone = (await _check(consent, token)).json()

    assert (live, gone) == ({"live": True}, {"live": False})


async def test_the_check_is_one_indexed_lookup(consent: Consent, sql: list[str]) -> None:
    signed_in = await consent.sign_in(PHONE)
    sql.clear()

    await _check(consent, signed_in["accessToken"])

    (query,) = sql
    assert selects_from([query], "consent_refresh_token") == [query]
    assert '"family_id"' in query


async def test_the_check_takes_only_service_tokens(consent: Consent) -> None:
    signed_in = await consent.sign_in(PHONE)

    response = await consent.client.post(
        CHECK,
        json={"subject": "x", "role": "participant", "sessionId": None},
        headers={"authorization": f"Bearer {signed_in['accessToken']}"},
    )
    from_sessions = await consent.client.post(
        CHECK,
        json={"subject": "x", "role": "participant", "sessionId": None},
        headers=consent.service_headers("sessions"),
    )

    # an access token is no service credential; sessions may not ask (only the gateway)
    assert response.status_code == 401
    assert from_sessions.status_code == 403


async def test_a_supporter_claim_is_live_only_while_the_staff_member_is_tied_to_it(
    consent: Consent,
) -> None:
    # given a facilitator tied to a peer-supporter record at their centre
    centre, supporter, other = new_id("ctr"), new_id("sup"), new_id("sup")
    (staff_id,) = await add_staff(centre, Role.FACILITATOR, ["Kiran"])
    await link_staff(staff_id, supporter, _at(centre))

    async def check(supporter: str | None, role: str = "facilitator") -> Any:
        body = {"subject": staff_id, "role": role, "supporterId": supporter}
        response = await consent.client.post(
            CHECK, json=body, headers=consent.service_headers("gateway")
        )
        return response.json()

    tied = await check(supporter)
    other_supporter = await check(other)
    no_claim = await check(None)

    # when they are untied
    await unlink_staff(staff_id)

    # then a token naming the supporter is no longer live; one naming none still is
    assert tied == {"live": True}
    assert other_supporter == {"live": False}
    assert no_claim == {"live": True}
    assert await check(supporter) == {"live": False}
    assert await check(None) == {"live": True}
    assert await check(supporter, "centre_admin") == {"live": False}


def _at(centre_id: str) -> SupporterCentre:
    async def centre(supporter_id: str) -> str | None:
        return centre_id

    return centre
