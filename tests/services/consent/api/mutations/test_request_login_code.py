"""``requestLoginCode``: a code in the outbox, normalised contacts, rate limits."""

from __future__ import annotations

import re
import stat

import pytest

from tests.conftest import operation
from tests.services.consent.conftest import Consent, MakeConsent

PHONE = "+919876543210"


async def test_a_code_goes_to_the_outbox(consent: Consent) -> None:
    body = await consent.post(operation("mobile", "RequestLoginCode"), {"contact": PHONE})

    assert body == {
        "data": {"requestLoginCode": {"sent": True, "retryAfterSeconds": 30, "error": None}}
    }
    (line,) = consent.outbox()
    assert line == {
        "to": PHONE,
        "contact": PHONE,
        "kind": "login_code",
        "code": line["code"],
        "at": consent.clock.now.isoformat(),
    }
    assert re.fullmatch(r"[0-9]{6}", line["code"])
    assert stat.S_IMODE(consent.settings.outbox_path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("+91 98765 43210", "+919876543210"),
        (" +91-98765-43210 ", "+919876543210"),
        ("  Asha.R@Example.ORG ", "asha.r@example.org"),
    ],
)
async def test_the_contact_is_normalised(consent: Consent, typed: str, normalised: str) -> None:
    payload = await consent.request_code(typed)

    assert payload["sent"] is True
    assert [(line["to"], line["contact"]) for line in consent.outbox()] == [(typed, normalised)]


@pytest.mark.parametrize(
    "contact",
    ["", "   ", "9876543210", "+0123456789", "+91 98765", "asha@", "asha@example", "a b@x.org"],
)
async def test_anything_else_is_bad_user_input(consent: Consent, contact: str) -> None:
    payload = await consent.request_code(contact)

    assert payload["sent"] is False
    assert payload["retryAfterSeconds"] is None
    assert payload["error"]["code"] == "BAD_USER_INPUT"
    assert consent.outbox() == []


async def test_the_answer_does_not_tell_whether_an_account_exists(consent: Consent) -> None:
    await consent.sign_in("+919800000099")
    consent.clock.advance(30)

    known = await consent.request_code("+919800000099")
    unknown = await consent.request_code("+919800000098")

    assert known == unknown == {"sent": True, "retryAfterSeconds": 30, "error": None}


async def test_a_second_code_within_30_seconds_is_rate_limited(consent: Consent) -> None:
    await consent.request_code(PHONE)
    consent.clock.advance(10)

    refused = await consent.request_code(PHONE)
    consent.clock.advance(20)
    allowed = await consent.request_code(PHONE)

    assert refused == {
        "sent": False,
        "retryAfterSeconds": 20,
        "error": {
            "code": "RATE_LIMITED",
            "message": "A code was sent to this contact recently. Try again in 20 seconds.",
        },
    }
    assert allowed["sent"] is True
    assert len(consent.outbox()) == 2


async def test_at_most_five_codes_an_hour_per_contact(consent: Consent) -> None:
    sent = []
    for _ in range(5):
        sent.append(await consent.request_code(PHONE))
        consent.clock.advance(30)

    refused = await consent.request_code(PHONE)
    consent.clock.advance(3450)
    allowed = await consent.request_code(PHONE)

    assert [payload["retryAfterSeconds"] for payload in sent] == [30, 30, 30, 30, 3480]
    assert (refused["error"]["code"], refused["retryAfterSeconds"]) == ("RATE_LIMITED", 3450)
    assert allowed["sent"] is True


async def test_the_same_contact_typed_differently_shares_one_limit(consent: Consent) -> None:
    await consent.request_code("+91 98765 43210")

    refused = await consent.request_code("+919876543210")

    assert refused["error"]["code"] == "RATE_LIMITED"


async def test_at_most_twenty_codes_an_hour_per_address(make_consent: MakeConsent) -> None:
    consent = await make_consent(address="192.0.2.50")
    for number in range(20):
        assert (await consent.request_code(f"+9198000100{number:02d}"))["sent"] is True

    refused = await consent.request_code("+919800010099")
    other = await consent.request_code("+919800010098", **{"x-forwarded-for": "198.51.100.1"})

    assert refused["error"] == {
        "code": "RATE_LIMITED",
        "message": "Too many sign-in codes were asked for from this network. "
        "Try again in 3600 seconds.",
    }
    assert refused["retryAfterSeconds"] == 3600
    assert other["sent"] is True


async def test_the_forwarded_address_counts_not_the_proxy(consent: Consent) -> None:
    for number in range(20):
        await consent.request_code(
            f"+9198000200{number:02d}", **{"x-forwarded-for": "198.51.100.7, 10.0.0.1"}
        )

    refused = await consent.request_code(
        "+919800020099", **{"x-forwarded-for": "198.51.100.7, 10.0.0.2"}
    )
    direct = await consent.request_code("+919800020098")

    assert refused["error"]["code"] == "RATE_LIMITED"
    assert direct["sent"] is True


async def test_a_refused_request_is_not_counted(consent: Consent) -> None:
    await consent.request_code(PHONE)
    consent.clock.advance(29)
    await consent.request_code(PHONE)
    consent.clock.advance(1)

    allowed = await consent.request_code(PHONE)

    assert allowed["sent"] is True
