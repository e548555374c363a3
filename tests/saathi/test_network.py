"""End to end: the contract's operations through the gateway of the one-process network."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway import HttpTransport
from network.assembly import EmbeddedNetwork
from network.demo import description as demo
from saathi.keys import generate_signing_key, load_or_create_signing_key
from saathi.keystore import KeyStore
from saathi.settings import Settings, load_settings
from saathi.tokens import Role, mint_access_token
from tests.conftest import operation
from tests.saathi.conftest import PUNE, Network


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


async def _queue_notice(
    keys: KeyStore, notification_id: str, participant_id: str, text: str
) -> None:
    """A cancellation notice queued as sessions queues one (sealed for its recipient)."""
    from datetime import UTC, datetime

    from services.sessions.domain.notifications import seal_notice
    from services.sessions.models import Notification

    sealed = seal_notice(keys, notification_id, [participant_id], text)
    await Notification.create(
        id=notification_id,
        participant_ids=[participant_id],
        kind="session_cancelled",
        message_sealed=sealed.message_sealed,
        recipient_keys=sealed.recipient_keys,
        created_at=datetime.now(UTC),
    )


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_nearby_groups_near_pune_are_sorted_with_centre_and_next_session(
    network: Network,
) -> None:
    body = await network.run("mobile", "NearbyGroups", near=PUNE, radiusKm=25, first=50)

    assert "errors" not in body
    connection = body["data"]["nearbyGroups"]
    edges = connection["edges"]
    pune_groups = [
        g for g in demo.GROUPS if g.centre_id in {c.id for c in demo.CENTRES if c.city == "Pune"}
    ]
    assert connection["totalCount"] == len(pune_groups) == len(edges)
    keys = [(edge["distanceKm"], edge["node"]["id"]) for edge in edges]
    assert keys == sorted(keys)
    assert {edge["node"]["centre"]["city"] for edge in edges} == {"Pune"}
    assert all(edge["node"]["nextSession"]["seatsLeft"] >= 1 for edge in edges)
    assert all(edge["node"]["schedule"]["timezone"] == "Asia/Kolkata" for edge in edges)


async def test_nearby_groups_pages_follow_the_cursor(network: Network) -> None:
    first = await network.run("mobile", "NearbyGroups", near=PUNE, radiusKm=25, first=4)
    page = first["data"]["nearbyGroups"]
    second = await network.run(
        "mobile",
        "NearbyGroups",
        near=PUNE,
        radiusKm=25,
        first=4,
        after=page["pageInfo"]["endCursor"],
    )

    ids = [edge["node"]["id"] for edge in page["edges"] + second["data"]["nearbyGroups"]["edges"]]
    everything = await network.run("mobile", "NearbyGroups", near=PUNE, radiusKm=25, first=8)
    assert page["pageInfo"]["hasNextPage"] is True
    assert ids == [edge["node"]["id"] for edge in everything["data"]["nearbyGroups"]["edges"]]


@pytest.mark.parametrize(
    "variables",
    [
        {"near": {"lat": 91.0, "lng": 73.85}},
        {"near": {"lat": 18.52, "lng": -180.5}},
        {"near": PUNE, "radiusKm": -1.0},
        {"near": PUNE, "radiusKm": 1e9},
        {"near": PUNE, "first": 10_000},
    ],
)
async def test_nearby_groups_refuses_bad_input(network: Network, variables: dict[str, Any]) -> None:
    body = await network.run("mobile", "NearbyGroups", **variables)

    assert _codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"]
    assert "Traceback" not in json.dumps(body)


async def test_group_detail_joins_directory_and_sessions(network: Network) -> None:
    group = demo.GROUPS[0]

    body = await network.run("mobile", "GroupDetail", id=group.id)

    assert "errors" not in body
    detail = body["data"]["group"]
    assert detail["name"] == group.name
    assert detail["schedule"]["rrule"] == group.rrule
    assert detail["schedule"]["summary"] == "Every Tuesday, 6:00 pm to 7:30 pm"
    assert detail["facilitator"]["id"] == group.facilitator_id
    sessions = detail["upcomingSessions"]
    assert len(sessions) == 5
    assert [s["startsAt"] for s in sessions] == sorted(s["startsAt"] for s in sessions)
    assert {s["capacity"] for s in sessions} == {group.capacity}


async def test_an_unknown_group_is_not_found(network: Network) -> None:
    body = await network.run("mobile", "GroupDetail", id="grp_00000000000000000000000000")

    assert body["data"]["group"] is None
    assert _codes(body) == ["NOT_FOUND"]


async def test_centres_in_pune(network: Network) -> None:
    body = await network.run("mobile", "Centres", city="Pune")

    connection = body["data"]["centres"]
    assert connection["totalCount"] == 2
    assert {edge["node"]["city"] for edge in connection["edges"]} == {"Pune"}


async def test_crisis_resources_list_the_national_lines(network: Network) -> None:
    body = await network.run("mobile", "CrisisResources", city="Nagpur")

    phones = {resource["phone"] for resource in body["data"]["crisisResources"]}
    assert {"14416", "112", "14446"} <= phones


async def test_sign_up_then_me_then_refresh(network: Network) -> None:
    signed_in = await network.sign_in("+91 98765 43210")
    assert signed_in["error"] is None

    me = await network.run("mobile", "Me", token=signed_in["accessToken"])
    refreshed = await network.run(
        "mobile", "RefreshSession", refreshToken=signed_in["refreshToken"]
    )

    assert me["data"]["me"]["id"] == signed_in["participant"]["id"]
    assert me["data"]["me"]["bookings"] == []
    assert me["data"]["me"]["consents"] == []
    rotated = refreshed["data"]["refreshSession"]
    assert rotated["error"] is None
    assert rotated["refreshToken"] != signed_in["refreshToken"]


async def test_me_needs_a_valid_token(network: Network) -> None:
    forged = mint_access_token(
        generate_signing_key(),
        subject=demo.PARTICIPANTS[0].id,
        role=Role.PARTICIPANT,
        issuer="saathi",
        audience="saathi-network",
        ttl_seconds=600,
    )

    anonymous = await network.run("mobile", "Me")
    refused = await network.run("mobile", "Me", token=forged)

    assert _codes(anonymous) == ["UNAUTHENTICATED"]
    assert _codes(refused) == ["UNAUTHENTICATED"]
    # refused by the field that needs the caller
    assert refused["data"]["me"] is None


async def test_book_retry_cancel_and_me_across_three_subgraphs(network: Network) -> None:
    token = (await network.sign_in("asha@example.org"))["accessToken"]
    group = demo.GROUPS[0]
    detail = await network.run("mobile", "GroupDetail", id=group.id)
    session = detail["data"]["group"]["upcomingSessions"][1]

    booked = await network.run(
        "mobile", "BookSession", token=token, sessionId=session["id"], idempotencyKey="k-1"
    )
    retried = await network.run(
        "mobile", "BookSession", token=token, sessionId=session["id"], idempotencyKey="k-1"
    )
    me = await network.run("mobile", "Me", token=token)

    booking = booked["data"]["bookSession"]["booking"]
    assert booked["data"]["bookSession"]["error"] is None
    assert booking["status"] == "CONFIRMED"
    assert booking["session"]["seatsLeft"] == session["seatsLeft"] - 1
    assert retried["data"]["bookSession"]["booking"]["id"] == booking["id"]
    (mine,) = me["data"]["me"]["bookings"]
    assert mine["session"]["group"]["name"] == group.name
    assert mine["session"]["group"]["centre"]["id"] == group.centre_id

    cancelled = await network.run("mobile", "CancelBooking", token=token, bookingId=booking["id"])

    assert cancelled["data"]["cancelBooking"]["booking"] == {
        "id": booking["id"],
        "status": "CANCELLED",
    }


async def test_booking_needs_a_token(network: Network) -> None:
    body = await network.run(
        "mobile", "BookSession", sessionId="ses_00000000000000000000000000", idempotencyKey="k"
    )

    payload: Any = (body.get("data") or {}).get("bookSession")
    codes = _codes(body) or [payload["error"]["code"]]
    assert codes == ["UNAUTHENTICATED"]


# --- the gateway in front of the network: edge token checks and crisis-line fallbacks ---------


class _Counting:
    """Wraps the network gateway's transport and counts subgraph requests."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.services: list[str] = []

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self.services.append(service)
        result: dict[str, Any] = await self.inner.send(service, body, headers)
        return result


@dataclass
class Embedded:
    """The one-process network with a handle on its gateway (to swap the transport)."""

    network: EmbeddedNetwork
    client: httpx.AsyncClient

    @property
    def gateway(self) -> Any:
        assert self.network.gateway is not None
        return self.network.gateway.state.gateway

    @property
    def settings(self) -> Settings:
        return self.network.settings


@pytest.fixture
async def embedded(seeded_dir: Path, tmp_path: Path) -> AsyncIterator[Embedded]:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_dir, data_dir)
    network = EmbeddedNetwork(load_settings({}, data_dir=data_dir), demo=False)
    app = network.build()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://saathi") as c,
    ):
        yield Embedded(network, c)


async def _nearby(embedded: Embedded, token: str) -> dict[str, Any]:
    response = await embedded.client.post(
        "/graphql",
        json={
            "query": operation("mobile", "NearbyGroups"),
            "variables": {"near": PUNE, "radiusKm": 25, "first": 2},
        },
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _participant_token(key: Any, ttl_seconds: int = 600, now: float | None = None) -> str:
    return mint_access_token(
        key,
        subject=demo.PARTICIPANTS[0].id,
        role=Role.PARTICIPANT,
        issuer="saathi",
        audience="saathi-network",
        ttl_seconds=ttl_seconds,
        now=now,
    )


def _bad_token(settings: Settings, defect: str) -> str:
    key = load_or_create_signing_key(settings.data_dir)
    return {
        "forged": _participant_token(generate_signing_key()),
        "expired": _participant_token(key, ttl_seconds=60, now=1_000_000),
        "malformed": "not-a-jwt",
    }[defect]


@pytest.mark.parametrize("defect", ["forged", "expired", "malformed"])
async def test_crisis_lines_and_the_directory_answer_whatever_the_token(
    embedded: Embedded, defect: str
) -> None:
    # given a token that is not valid
    token = _bad_token(embedded.settings, defect)

    # when public fields are asked for with it
    nearby = await _nearby(embedded, token)
    crisis = await embedded.client.post(
        "/graphql",
        json={"query": operation("mobile", "CrisisResources"), "variables": {"city": "Pune"}},
        headers={"authorization": f"Bearer {token}"},
    )

    # then they answer as for an anonymous caller, from the subgraphs, without a fallback
    assert "errors" not in nearby
    assert len(nearby["data"]["nearbyGroups"]["edges"]) == 2
    body = crisis.json()
    assert "errors" not in body
    assert "extensions" not in body
    assert [line["phone"] for line in body["data"]["crisisResources"]] == ["14416", "112", "14446"]


@pytest.mark.parametrize(
    ("defect", "message"),
    [
        ("forged", "The access token was not signed by this network."),
        ("expired", "The access token has expired; refresh it or sign in again."),
        ("malformed", "The access token is malformed."),
    ],
)
async def test_fields_that_need_identity_say_what_is_wrong_with_the_token(
    embedded: Embedded, defect: str, message: str
) -> None:
    token = _bad_token(embedded.settings, defect)

    response = await embedded.client.post(
        "/graphql",
        json={"query": "{ me { id } crisisResources { phone } }"},
        headers={"authorization": f"Bearer {token}"},
    )

    body = response.json()
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        (message, "UNAUTHENTICATED")
    ]
    assert body["data"]["me"] is None
    assert [line["phone"] for line in body["data"]["crisisResources"]] == ["14416", "112", "14446"]


async def test_a_valid_token_passes_the_edge(embedded: Embedded) -> None:
    key = load_or_create_signing_key(embedded.settings.data_dir)

    body = await _nearby(embedded, _participant_token(key))

    assert "errors" not in body
    assert len(body["data"]["nearbyGroups"]["edges"]) == 2


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_crisis_resources_are_answered_when_every_subgraph_is_down(
    embedded: Embedded,
) -> None:
    # given every subgraph is unreachable
    gateway = embedded.gateway
    live = await embedded.client.post(
        "/graphql",
        json={"query": operation("mobile", "CrisisResources"), "variables": {"city": "Nagpur"}},
    )
    port = _closed_port()
    down = HttpTransport(
        {name: f"http://127.0.0.1:{port}/graphql" for name in ("directory", "sessions", "consent")}
    )
    gateway.transport = down
    try:
        # when
        response = await embedded.client.post(
            "/graphql",
            json={
                "query": operation("mobile", "CrisisResources"),
                "variables": {"city": "Nagpur"},
            },
        )
        centres = await embedded.client.post(
            "/graphql", json={"query": operation("mobile", "Centres"), "variables": {}}
        )
    finally:
        await down.aclose()

    # then the crisis lines come from the gateway, without an error
    body = response.json()
    assert "errors" not in body
    assert body["extensions"] == {"fallback": ["crisisResources"]}
    assert body["data"] == live.json()["data"]
    assert [r["phone"] for r in body["data"]["crisisResources"]] == ["14416", "112", "14446"]
    # and other fields still report the outage
    assert "SUBGRAPH_UNAVAILABLE" in _codes(centres.json())


@pytest.mark.parametrize("length", [41, 500])
async def test_an_overlong_id_is_simply_not_found(network: Network, length: int) -> None:
    body = await network.run("mobile", "GroupDetail", id="0" * length)

    assert body["data"]["group"] is None
    assert _codes(body) == ["NOT_FOUND"]


async def test_queued_notices_are_delivered_by_the_retry_round(network: Network) -> None:

    from network.assembly import push_pending_work
    from services.sessions.models import Notification

    participant = demo.PARTICIPANTS[1]
    await _queue_notice(network.keys, "ntf_retry", participant.id, "Your Tuesday session is off.")

    await push_pending_work(network.peers, network.keys)

    lines = [json.loads(line) for line in network.settings.outbox_path.read_text().splitlines()]
    assert any(
        line["kind"] == "session_cancelled" and line["to"] == participant.contact for line in lines
    )
    assert (await Notification.get(id="ntf_retry")).delivered_at is not None


async def test_the_network_retries_queued_work_on_its_own(seeded_dir: Path, tmp_path: Path) -> None:
    import asyncio
    import shutil

    from network.assembly import EmbeddedNetwork
    from saathi.settings import load_settings
    from services.sessions.models import Notification

    data_dir = tmp_path / "data"
    shutil.copytree(seeded_dir, data_dir)
    embedded = EmbeddedNetwork(load_settings({}, data_dir=data_dir), retry_seconds=0.05)
    app = embedded.build()
    assert embedded.sessions_keys is not None
    async with app.router.lifespan_context(app):
        await _queue_notice(embedded.sessions_keys, "ntf_loop", demo.PARTICIPANTS[2].id, "Off.")
        for _ in range(100):
            if (await Notification.get(id="ntf_loop")).delivered_at is not None:
                break
            await asyncio.sleep(0.05)

        assert (await Notification.get(id="ntf_loop")).delivered_at is not None


async def test_a_phone_number_without_its_country_code_says_what_to_type(
    network: Network,
) -> None:
    # when the app sends a local number
    body = await network.run("mobile", "RequestLoginCode", contact="98765 43210")

    # then nothing is sent and the payload says how to write it
    assert "errors" not in body
    assert body["data"]["requestLoginCode"] == {
        "sent": False,
        "retryAfterSeconds": None,
        "error": {
            "code": "BAD_USER_INPUT",
            "message": "Give the number with its country code, e.g. +91 98765 43210.",
        },
    }


async def test_a_consent_to_a_centre_that_does_not_exist_is_not_found(network: Network) -> None:
    # given a signed-in participant
    token = (await network.sign_in("+91 98765 00001"))["accessToken"]
    ghost = "ctr_01JD3ZZZZZZZZZZZZZZZZZZZZZ"

    # when they grant a consent to a centre id no directory entry has
    body = await network.run(
        "consent",
        "GrantConsent",
        token=token,
        input={
            "granteeCentreId": ghost,
            "categories": ["ATTENDANCE"],
            "purpose": "REFERRAL",
            "validUntil": _iso(datetime.now(UTC) + timedelta(days=30)),
        },
    )

    # then nothing is granted
    assert "errors" not in body
    assert body["data"]["grantConsent"] == {
        "consent": None,
        "error": {"code": "NOT_FOUND", "message": f"No centre has the id {ghost!r}."},
    }


def _staff_token(network: Network, centre_id: str) -> str:
    return mint_access_token(
        load_or_create_signing_key(network.settings.data_dir),
        subject="stf_01JD3TESTTESTTESTTESTTESTT",
        role=Role.FACILITATOR,
        centre_id=centre_id,
        issuer="saathi",
        audience="saathi-network",
        ttl_seconds=600,
    )


async def _ask_consent(network: Network, staff: str, participant_id: str) -> dict[str, Any]:
    body = await network.run(
        "centre",
        "RequestConsent",
        token=staff,
        input={
            "participantId": participant_id,
            "categories": ["ATTENDANCE"],
            "purpose": "CARE_CONTINUITY",
            "requestedUntil": _iso(datetime.now(UTC) + timedelta(days=30)),
            "reason": "Your account will be closed unless you approve today.",
        },
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["requestConsent"]
    return payload


async def test_staff_learn_nothing_about_participants_who_never_booked_at_their_centre(
    network: Network,
) -> None:
    # given a participant who signed up but never booked anywhere, and an id nobody holds
    signed_in = await network.sign_in("+91 98765 00002")
    stranger = signed_in["participant"]["id"]
    ghost = "par_01JD3ZZZZZZZZZZZZZZZZZZZZZ"
    staff = _staff_token(network, demo.CENTRES[2].id)

    # when staff of a centre ask each of them for a consent
    to_stranger = await _ask_consent(network, staff, stranger)
    to_ghost = await _ask_consent(network, staff, ghost)

    # then both are refused with the same code and message (but for the id itself)
    assert to_stranger["request"] is None
    assert to_ghost["request"] is None
    assert to_stranger["error"]["code"] == to_ghost["error"]["code"] == "NOT_FOUND"
    assert to_stranger["error"]["message"].replace(stranger, "ID") == to_ghost["error"][
        "message"
    ].replace(ghost, "ID")
    me = await network.run("mobile", "Me", token=signed_in["accessToken"])
    assert me["data"]["me"]["consentRequests"] == []


async def test_staff_of_a_centre_where_the_participant_booked_may_ask(network: Network) -> None:
    # given a participant who booked a session of a group of one centre
    signed_in = await network.sign_in("+91 98765 00003")
    group = demo.GROUPS[0]
    detail = await network.run("mobile", "GroupDetail", id=group.id)
    session = detail["data"]["group"]["upcomingSessions"][1]
    booked = await network.run(
        "mobile",
        "BookSession",
        token=signed_in["accessToken"],
        sessionId=session["id"],
        idempotencyKey="k-ask",
    )
    assert booked["data"]["bookSession"]["error"] is None

    # when that centre's staff ask, and another centre's staff ask
    ours = await _ask_consent(
        network, _staff_token(network, group.centre_id), signed_in["participant"]["id"]
    )
    other_centre = next(c.id for c in demo.CENTRES if c.id != group.centre_id)
    theirs = await _ask_consent(
        network, _staff_token(network, other_centre), signed_in["participant"]["id"]
    )

    # then only the centre where they booked reaches them
    assert ours["error"] is None
    assert ours["request"]["status"] == "PENDING"
    assert theirs["error"]["code"] == "NOT_FOUND"


# --- access tokens of ended sessions: refused on the next request ------------------------------


async def _nearby_as(network: Network, token: str) -> dict[str, Any]:
    return await network.run("mobile", "NearbyGroups", token=token, near=PUNE, radiusKm=25, first=1)


async def test_a_refresh_family_revoked_for_reuse_stops_its_access_token_at_once(
    network: Network,
) -> None:
    # given a signed-in participant whose refresh token was copied and used twice
    signed_in = await network.sign_in("+91 98765 00011")
    token = signed_in["accessToken"]
    assert _codes(await network.run("mobile", "Me", token=token)) == []
    await network.run("mobile", "RefreshSession", refreshToken=signed_in["refreshToken"])
    reused = await network.run("mobile", "RefreshSession", refreshToken=signed_in["refreshToken"])
    assert reused["data"]["refreshSession"]["error"]["code"] == "UNAUTHENTICATED"

    # when the access token of that family is sent, minutes before it expires
    me = await network.run("mobile", "Me", token=token)
    public = await _nearby_as(network, token)

    # then it no longer names anyone: private fields are UNAUTHENTICATED, while public fields
    # answer as for an anonymous caller (a bad token never hides the directory or crisis lines)
    assert _codes(me) == ["UNAUTHENTICATED"]
    assert _codes(public) == []
    assert public["data"]["nearbyGroups"]["totalCount"] >= 1


async def test_an_erased_participants_token_stops_at_once(network: Network) -> None:
    signed_in = await network.sign_in("+91 98765 00012")
    token = signed_in["accessToken"]
    erased = await network.run("consent", "DeleteMyAccount", token=token)
    assert erased["data"]["deleteMyAccount"] == {"deleted": True, "error": None}

    booked = await network.run(
        "mobile",
        "BookSession",
        token=token,
        sessionId="ses_00000000000000000000000000",
        idempotencyKey="k-erased",
    )

    # the token no longer names anyone: the booking is refused as for an anonymous caller
    assert booked["data"]["bookSession"]["booking"] is None
    assert booked["data"]["bookSession"]["error"]["code"] == "UNAUTHENTICATED"


async def test_sign_out_stops_the_access_token_but_not_other_sessions(network: Network) -> None:
    # given the same participant signed in on two phones
    first = await network.sign_in("+91 98765 00013")
    network.settings.outbox_path.write_text("")  # the next code is the only one in the outbox
    second = await _sign_in_again(network, "+91 98765 00013")

    # when the first phone signs out
    out = await network.run("mobile", "SignOut", token=first["accessToken"])

    # then its token is refused on the next request, and its refresh token is spent
    assert out["data"]["signOut"] == {"signedOut": True, "error": None}
    assert _codes(await network.run("mobile", "Me", token=first["accessToken"])) == [
        "UNAUTHENTICATED"
    ]
    refreshed = await network.run("mobile", "RefreshSession", refreshToken=first["refreshToken"])
    assert refreshed["data"]["refreshSession"]["error"]["code"] == "UNAUTHENTICATED"
    # and the other phone's session goes on
    me = await network.run("mobile", "Me", token=second["accessToken"])
    assert me["data"]["me"]["id"] == first["participant"]["id"]


async def _sign_in_again(network: Network, contact: str) -> dict[str, Any]:
    """A second sign-in of the same contact, past the 30 s between codes (by the code table)."""
    from services.consent.models import LoginCode, RateEvent

    await RateEvent.all().delete()
    await LoginCode.all().delete()
    return await network.sign_in(contact)


async def test_when_consent_cannot_say_a_token_is_live_it_counts_as_anonymous(
    embedded: Embedded,
) -> None:
    # given a valid participant token, and the consent service unreachable
    key = load_or_create_signing_key(embedded.settings.data_dir)
    token = _participant_token(key)
    assert embedded.network.peers is not None
    embedded.network.peers["gateway"].attach_app("consent", _Down())
    await embedded.network.peers["gateway"].aclose()  # drop the client for the live consent app

    # when a public and a private field are asked for with it
    public = await _nearby(embedded, token)
    private = await embedded.client.post(
        "/graphql",
        json={"query": operation("mobile", "Me")},
        headers={"authorization": f"Bearer {token}"},
    )

    # then the public field is answered, and nothing is answered as the participant
    assert "errors" not in public
    assert len(public["data"]["nearbyGroups"]["edges"]) == 2
    assert _codes(private.json()) == ["UNAUTHENTICATED"]


class _Down:
    """An ASGI app that answers every request 503."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b"down"})
