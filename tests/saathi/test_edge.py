"""The HTTP surface beside /graphql: readiness, keys, feeds, OpenAPI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import jwt
import pytest

from network.demo import description as demo
from network.edge import GatewayCredentials, crisis_fallbacks
from saathi.errors import Unauthenticated
from saathi.keys import load_or_create_signing_key
from saathi.service_trust import SERVICE_TOKEN_HEADER, ServiceKeys, ServiceTokens, ServiceTrust
from saathi.tokens import Role, mint_access_token
from services.directory.domain.calendar import group_calendar
from services.directory.domain.crisis import CRISIS_LINES
from services.directory.domain.records import CrisisResource
from tests.saathi.conftest import Network


def test_a_calendar_escapes_text_and_folds_long_lines() -> None:
    group = {
        "name": "Recovery; together, always",
        "description": "x" * 200,
        "format": "IN_PERSON",
        "address": {"line1": "14 Paud Road", "city": "Pune", "postcode": "411038"},
        "upcomingSessions": [
            {
                "id": "ses_1",
                "startsAt": "2026-11-24T18:00:00+05:30",
                "endsAt": "2026-11-24T19:30:00+05:30",
                "status": "SCHEDULED",
            }
        ],
    }

    text = group_calendar(group, now=datetime(2026, 11, 22, 9, 41, 7, tzinfo=UTC))

    lines = text.split("\r\n")
    assert "SUMMARY:Recovery\\; together\\, always" in lines
    assert "DTSTART:20261124T123000Z" in lines
    assert "DTSTAMP:20261122T000000Z" in lines  # the day: the bytes stay the same all day
    assert "LOCATION:14 Paud Road\\, Pune\\, 411038" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert text.endswith("END:VCALENDAR\r\n")


async def test_a_groups_calendar_lists_its_upcoming_sessions(network: Network) -> None:
    group = demo.GROUPS[0]

    answer = await network.client.get(f"/feeds/groups/{group.id}.ics")
    again = await network.client.get(
        f"/feeds/groups/{group.id}.ics", headers={"if-none-match": answer.headers["etag"]}
    )

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.text.count("BEGIN:VEVENT") >= 4
    assert f"SUMMARY:{group.name}" in answer.text
    assert again.status_code == 304


async def test_an_unknown_groups_calendar_is_404(network: Network) -> None:
    answer = await network.client.get("/feeds/groups/grp_00000000000000000000000000.ics")

    assert answer.status_code == 404


async def test_ready_when_every_subgraph_answers(network: Network) -> None:
    answer = await network.client.get("/ready")

    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ready",
        "subgraphs": {"directory": True, "sessions": True, "consent": True},
    }


async def test_the_jwks_verifies_tokens_of_this_network(network: Network) -> None:
    key = load_or_create_signing_key(network.settings.data_dir)
    token = mint_access_token(
        key,
        subject="par_1",
        role=Role.PARTICIPANT,
        issuer="saathi",
        audience="saathi-network",
        ttl_seconds=60,
    )

    jwks = (await network.client.get("/.well-known/jwks.json")).json()

    public = jwt.PyJWKSet.from_dict(jwks)[key.kid].key
    assert (
        jwt.decode(token, public, algorithms=["EdDSA"], audience="saathi-network")["sub"] == "par_1"
    )
    assert all("d" not in entry for entry in jwks["keys"])


async def test_openapi_describes_the_http_surface(network: Network) -> None:
    spec = (await network.client.get("/openapi.json")).json()

    assert spec["openapi"] == "3.1.0"
    assert {"/graphql", "/ready", "/oauth/token", "/feeds/groups/{group_id}.ics"} <= set(
        spec["paths"]
    )


def test_crisis_fallbacks_list_national_lines_then_the_citys() -> None:
    local = CrisisResource(
        name="Nagpur line",
        phone="0712",
        hours="9-5",
        languages=("mr",),
        description="Local.",
        city="Nagpur",
    )
    fallback = crisis_fallbacks()["crisisResources"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("network.edge.CRISIS_LINES", (local, *CRISIS_LINES))
        in_nagpur = fallback({"city": " nagpur "})
        in_pune = fallback({"city": "Pune"})
        anywhere = fallback({})

    national = ["14416", "112", "14446"]
    assert [r["phone"] for r in in_nagpur] == [*national, "0712"]
    assert [r["phone"] for r in in_pune] == [r["phone"] for r in anywhere] == national
    assert in_nagpur[0] == {
        "name": CRISIS_LINES[0].name,
        "phone": "14416",
        "hours": "24 hours, every day",
        "languages": list(CRISIS_LINES[0].languages),
        "description": CRISIS_LINES[0].description,
    }


async def test_gateway_credentials_put_a_token_for_each_target_on_its_request(
    tmp_path: Path,
) -> None:
    # given the gateway's own key and the public keys it published
    keys = ServiceKeys(tmp_path)
    hook = GatewayCredentials(ServiceTokens("gateway", keys.own("gateway")))
    sessions_headers: dict[str, str] = {"authorization": "Bearer user"}
    consent_headers: dict[str, str] = {}

    # when
    await hook.on_subgraph_request("sessions", {}, sessions_headers)
    await hook.on_subgraph_request("consent", {}, consent_headers)

    # then each target accepts its own token, and only its own
    sessions = ServiceTrust("sessions", keys, {"gateway"})
    consent = ServiceTrust("consent", keys, {"gateway"})
    assert sessions.caller(sessions_headers[SERVICE_TOKEN_HEADER]) == "gateway"
    assert consent.caller(consent_headers[SERVICE_TOKEN_HEADER]) == "gateway"
    assert sessions_headers["authorization"] == "Bearer user"
    with pytest.raises(Unauthenticated):
        consent.caller(sessions_headers[SERVICE_TOKEN_HEADER])
