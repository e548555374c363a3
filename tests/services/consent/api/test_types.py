"""``Participant`` and its consents: self-only fields, derived statuses, batched ``_entities``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest

from network.demo import description as demo
from network.demo.consent import DEMO_REASON, seed_demo
from tests.services.consent.conftest import Consent, selects_from

PRIYA = demo.PARTICIPANTS[0]

CONSENTS = """
query($status: ConsentRequestStatus) {
  me {
    id displayName homeCity preferredLanguage
    consents {
      id status categories purpose validFrom validUntil revokedAt grantee { id } receipt
    }
    consentRequests(status: $status) {
      id status categories purpose requestedUntil reason requester { id }
    }
  }
}
"""

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Participant { id displayName } }
}
"""


@pytest.fixture
async def seeded(consent: Consent) -> Consent:
    await seed_demo(consent.settings, signing_key=consent.key)
    return consent


async def _me(consent: Consent, status: str | None = None) -> dict[str, Any]:
    body = await consent.post(CONSENTS, {"status": status}, token=consent.token(PRIYA.id))
    assert "errors" not in body, body
    me: dict[str, Any] = body["data"]["me"]
    return me


async def test_me_lists_the_seeded_consent_and_request(seeded: Consent) -> None:
    me = await _me(seeded)

    assert (me["displayName"], me["homeCity"], me["preferredLanguage"]) == ("Priya", "Pune", "mr")
    (consent,) = me["consents"]
    assert consent["status"] == "ACTIVE"
    assert consent["categories"] == ["ATTENDANCE", "FEEDBACK"]
    assert consent["purpose"] == "CARE_CONTINUITY"
    assert consent["grantee"] == {"id": demo.CENTRES[1].id}
    assert consent["revokedAt"] is None
    (request,) = me["consentRequests"]
    assert request["status"] == "PENDING"
    assert request["categories"] == ["PROFILE", "ATTENDANCE"]
    assert request["purpose"] == "REFERRAL"
    assert request["reason"] == DEMO_REASON
    assert request["requester"] == {"id": demo.CENTRES[2].id}


async def test_a_receipt_verifies_with_the_published_keys(seeded: Consent) -> None:
    (consent,) = (await _me(seeded))["consents"]
    (entry,) = (await seeded.client.get("/.well-known/jwks.json")).json()["keys"]

    claims = jwt.decode(consent["receipt"], jwt.PyJWK(entry).key, algorithms=["EdDSA"])

    assert jwt.get_unverified_header(consent["receipt"])["kid"] == seeded.key.kid
    assert claims["jti"] == consent["id"]
    assert (claims["participant"], claims["grantee"]) == (PRIYA.id, demo.CENTRES[1].id)
    assert (claims["categories"], claims["purpose"]) == (
        ["ATTENDANCE", "FEEDBACK"],
        "CARE_CONTINUITY",
    )
    assert claims["exp"] - claims["iat"] == 180 * 24 * 3600
    assert consent["validUntil"].endswith("+00:00")


async def test_requests_filter_by_status(seeded: Consent) -> None:
    pending = await _me(seeded, "PENDING")
    approved = await _me(seeded, "APPROVED")

    assert len(pending["consentRequests"]) == 1
    assert approved["consentRequests"] == []


async def test_statuses_expire_with_time(seeded: Consent) -> None:
    seeded.clock.advance(timedelta(days=181).total_seconds())

    me = await _me(seeded)
    pending = await _me(seeded, "PENDING")

    assert [c["status"] for c in me["consents"]] == ["EXPIRED"]
    assert [r["status"] for r in me["consentRequests"]] == ["EXPIRED"]
    assert pending["consentRequests"] == []


async def test_entities_resolve_many_participants_in_one_query(
    seeded: Consent, sql: list[str]
) -> None:
    representations = [{"__typename": "Participant", "id": p.id} for p in demo.PARTICIPANTS]
    representations.append({"__typename": "Participant", "id": "par_01JD3NONENONENONENONENONEN"})
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Participant { id } } }"
    sql.clear()

    body = await seeded.post(query, {"r": representations}, token=seeded.token(PRIYA.id))

    assert body["data"]["_entities"] == [{"id": p.id} for p in demo.PARTICIPANTS] + [None]
    # one query for the batch, and one that the token's participant still exists (it has no sid)
    liveness, batch = sql
    assert liveness.startswith('SELECT 1 FROM "consent_participant" WHERE "id"=')
    assert selects_from([batch], "consent_participant") == [batch]


async def test_only_the_participant_reads_their_fields(seeded: Consent) -> None:
    representations = [{"__typename": "Participant", "id": p.id} for p in demo.PARTICIPANTS[:2]]

    body = await seeded.post(
        ENTITIES, {"representations": representations}, token=seeded.token(PRIYA.id)
    )

    assert body["data"]["_entities"] == [{"id": PRIYA.id, "displayName": "Priya"}, None]
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "FORBIDDEN"}
    assert error["path"] == ["_entities", 1, "displayName"]


async def test_consent_lists_of_many_participants_take_one_query_each(
    seeded: Consent, sql: list[str]
) -> None:
    query = """
    query($r: [_Any!]!) {
      _entities(representations: $r) {
        ... on Participant { id consents { id } consentRequests { id } }
      }
    }
    """
    representations = [{"__typename": "Participant", "id": PRIYA.id}] * 3
    sql.clear()

    body = await seeded.post(query, {"r": representations}, token=seeded.token(PRIYA.id))

    assert "errors" not in body
    assert len(body["data"]["_entities"]) == 3
    assert len(selects_from(sql, "consent_participant")) == 1 + 1  # the batch, the liveness check
    assert len(selects_from(sql, "consent_consent")) == 1
    assert len(selects_from(sql, "consent_consent_request")) == 1
