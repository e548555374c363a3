"""``verifyLoginCode``: sign-up and sign-in, wrong, expired, reused and exhausted codes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import jwt
import pytest

from network.demo import description as demo
from network.demo.consent import seed_demo
from saathi.crypto import MasterKey, unseal
from saathi.runtime import key_store_for
from saathi.settings import Settings
from services.consent import models
from tests.conftest import operation
from tests.services.consent.conftest import Consent, MakeConsent

PHONE = "+919876543210"
NOT_LIVE = "This code has expired or was already used. Ask for a new code."


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_the_first_sign_in_creates_the_participant(consent: Consent) -> None:
    await consent.request_code(PHONE)

    body = await consent.post(
        operation("mobile", "VerifyLoginCode"), {"contact": PHONE, "code": consent.last_code(PHONE)}
    )

    payload = body["data"]["verifyLoginCode"]
    (row,) = await models.Participant.all()
    assert payload["participant"] == {"id": row.id, "displayName": "Friend"}
    assert payload["error"] is None
    assert payload["expiresIn"] == 900
    assert row.id.startswith("par_")
    assert (row.home_city_sealed, row.preferred_language) == (None, None)
    claims = jwt.decode(
        payload["accessToken"],
        consent.key.public_key,
        algorithms=["EdDSA"],
        audience="saathi-network",
    )
    assert (claims["sub"], claims["role"], claims["iss"]) == (row.id, "participant", "saathi")
    assert claims["exp"] - claims["iat"] == 900
    assert len(payload["refreshToken"]) >= 43


async def test_a_second_sign_in_finds_the_same_participant(consent: Consent) -> None:
    first = await consent.sign_in("+91 98765 43210")
    consent.clock.advance(30)

    second = await consent.sign_in(PHONE)

    assert second["participant"] == first["participant"]
    assert await models.Participant.all().count() == 1


async def test_a_demo_participant_signs_in_to_their_seeded_account(consent: Consent) -> None:
    await seed_demo(consent.settings, signing_key=consent.key)
    priya = demo.PARTICIPANTS[0]

    signed_in = await consent.sign_in("+91 98000 00001")

    assert signed_in["participant"] == {"id": priya.id, "displayName": "Priya"}


async def test_a_wrong_code_is_refused_and_changes_nothing(consent: Consent) -> None:
    await consent.request_code(PHONE)
    code = consent.last_code(PHONE)

    refused = await consent.verify(PHONE, _wrong(code))

    assert refused == {
        "accessToken": None,
        "refreshToken": None,
        "expiresIn": None,
        "participant": None,
        "error": {
            "code": "UNAUTHENTICATED",
            "message": "That code is not right. 4 more tries with this code.",
        },
    }
    assert await models.Participant.all().count() == 0
    assert await models.RefreshToken.all().count() == 0
    assert (await consent.verify(PHONE, code))["error"] is None


async def test_an_expired_code_is_refused(consent: Consent) -> None:
    await consent.request_code(PHONE)
    consent.clock.advance(consent.settings.login_code_ttl)

    refused = await consent.verify(PHONE, consent.last_code(PHONE))

    assert refused["error"] == {"code": "UNAUTHENTICATED", "message": NOT_LIVE}
    assert await models.Participant.all().count() == 0


async def test_a_code_is_good_until_just_before_it_expires(consent: Consent) -> None:
    await consent.request_code(PHONE)
    consent.clock.advance(consent.settings.login_code_ttl - 1)

    accepted = await consent.verify(PHONE, consent.last_code(PHONE))

    assert accepted["error"] is None


async def test_a_code_works_once(consent: Consent) -> None:
    await consent.request_code(PHONE)
    code = consent.last_code(PHONE)
    await consent.verify(PHONE, code)

    reused = await consent.verify(PHONE, code)

    assert reused["error"] == {"code": "UNAUTHENTICATED", "message": NOT_LIVE}
    assert reused["accessToken"] is None


async def test_five_wrong_tries_spend_the_code(consent: Consent) -> None:
    await consent.request_code(PHONE)
    code = consent.last_code(PHONE)
    messages = [(await consent.verify(PHONE, _wrong(code)))["error"]["message"] for _ in range(5)]

    refused = await consent.verify(PHONE, code)

    assert messages == [
        "That code is not right. 4 more tries with this code.",
        "That code is not right. 3 more tries with this code.",
        "That code is not right. 2 more tries with this code.",
        "That code is not right. 1 more try with this code.",
        "That code is not right, and too many wrong codes were tried. Try again in 900 seconds.",
    ]
    assert refused["error"] == {
        "code": "RATE_LIMITED",
        "message": "Too many wrong codes were tried for this contact. Try again in 900 seconds.",
    }
    assert await models.Participant.all().count() == 0


async def test_the_right_code_on_the_last_try_works(consent: Consent) -> None:
    await consent.request_code(PHONE)
    code = consent.last_code(PHONE)
    for _ in range(4):
        await consent.verify(PHONE, _wrong(code))

    accepted = await consent.verify(PHONE, code)

    assert accepted["error"] is None


async def test_a_new_code_spends_the_previous_one(consent: Consent) -> None:
    await consent.request_code(PHONE)
    first = consent.last_code(PHONE)
    consent.clock.advance(30)
    await consent.request_code(PHONE)
    second = consent.last_code(PHONE)

    old = await consent.verify(PHONE, first)
    new = await consent.verify(PHONE, second)

    if first != second:  # one chance in a million that both codes are the same
        assert old["error"] == {
            "code": "UNAUTHENTICATED",
            "message": "That code is not right. 4 more tries with this code.",
        }
    assert new["error"] is None


async def test_a_code_sent_to_one_contact_fails_for_another(consent: Consent) -> None:
    await consent.request_code(PHONE)
    await consent.request_code("+919876543211")

    refused = await consent.verify("+919876543211", consent.last_code(PHONE))

    if consent.last_code(PHONE) != consent.last_code("+919876543211"):
        assert refused["error"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", ""])
async def test_a_malformed_code_is_bad_user_input_and_costs_no_try(
    consent: Consent, code: str
) -> None:
    await consent.request_code(PHONE)

    refused = await consent.verify(PHONE, code)

    assert refused["error"] == {"code": "BAD_USER_INPUT", "message": "A sign-in code is 6 digits."}
    assert [row.attempts for row in await models.LoginCode.all()] == [0]


async def test_a_bad_contact_is_bad_user_input(consent: Consent) -> None:
    refused = await consent.verify("call me maybe", "123456")

    assert refused["error"]["code"] == "BAD_USER_INPUT"


async def test_the_contact_and_code_are_never_stored_in_the_clear(
    consent: Consent, master: MasterKey
) -> None:
    await consent.request_code("+91 98765 43210")
    code = consent.last_code("+91 98765 43210")
    await consent.verify(PHONE, code)

    dumped: list[object] = []
    for model in (models.Participant, models.LoginCode, models.RefreshToken, models.RateEvent):
        for row in await model.all().values():
            dumped.extend(row.values())
    text = repr(dumped)
    (participant,) = await models.Participant.all()
    assert "9876543210" not in text
    assert "98765" not in text
    assert code not in text
    assert participant.contact_index == master.blind_index(PHONE)
    assert participant.contact_sealed is not None
    data_key = key_store_for(consent.settings, "consent").get(participant.id)
    assert data_key is not None
    opened = unseal(data_key, participant.contact_sealed, f"{participant.id}:contact".encode())
    assert opened == PHONE.encode()


LOCKOUT = """
mutation Verify($contact: String!, $code: String!) {
  verifyLoginCode(contact: $contact, code: $code) { accessToken retryAfterSeconds error { code } }
}
"""


async def _five_wrong(consent: Consent, contact: str = PHONE) -> dict[str, Any]:
    """Ask for a code and try five wrong ones; the last answer."""
    sent = await consent.request_code(contact)
    assert sent["sent"] is True, sent
    code = consent.last_code(contact)
    for _ in range(4):
        await consent.verify(contact, _wrong(code))
    body = await consent.post(LOCKOUT, {"contact": contact, "code": _wrong(code)})
    payload: dict[str, Any] = body["data"]["verifyLoginCode"]
    return payload


async def test_wrong_codes_lock_the_contact_out_for_ever_longer(consent: Consent) -> None:
    waits = []
    for _ in range(5):
        # when five wrong codes are tried
        locked = await _five_wrong(consent)
        waits.append(locked["retryAfterSeconds"])
        assert locked["error"] == {"code": "RATE_LIMITED"}
        # then no code is sent until the wait is over
        early = await consent.request_code(PHONE)
        assert early["sent"] is False
        assert early["retryAfterSeconds"] == locked["retryAfterSeconds"]
        consent.clock.advance(locked["retryAfterSeconds"])

    # 15 minutes, 1 hour, 6 hours, then a day each time: not 25 guesses an hour for ever
    assert waits == [900, 3600, 21600, 86400, 86400]


async def test_a_locked_out_contact_cannot_use_even_the_right_code(
    make_consent: MakeConsent, settings: Settings
) -> None:
    # given a code allowing ten tries, five of them wrong: the contact is locked out
    consent = await make_consent(settings=replace(settings, login_code_attempts=10))
    await _five_wrong(consent)
    consent.clock.advance(899)

    # when the right code is tried a second before the wait is over
    body = await consent.post(LOCKOUT, {"contact": PHONE, "code": consent.last_code(PHONE)})

    # then it is refused, with the second left
    assert body["data"]["verifyLoginCode"] == {
        "accessToken": None,
        "retryAfterSeconds": 1,
        "error": {"code": "RATE_LIMITED"},
    }


async def test_a_right_code_resets_the_steps(consent: Consent) -> None:
    # given a contact locked out once, then signed in with the right code
    await _five_wrong(consent)
    consent.clock.advance(900)
    assert (await consent.sign_in(PHONE))["error"] is None
    consent.clock.advance(30)

    # when five wrong codes are tried again
    locked = await _five_wrong(consent)

    # then the wait starts again from the first step
    assert locked["retryAfterSeconds"] == 900
    assert await models.LoginLock.all().count() == 1


async def test_the_count_is_in_the_database_so_another_replica_sees_it(
    consent: Consent, make_consent: MakeConsent
) -> None:
    await _five_wrong(consent)
    replica = await make_consent()

    refused = await replica.request_code(PHONE)

    assert refused["retryAfterSeconds"] == 900
    assert refused["sent"] is False


async def test_a_lockout_of_one_contact_leaves_another_alone(consent: Consent) -> None:
    await _five_wrong(consent)

    other = await consent.sign_in("+919876543211")

    assert other["error"] is None
