"""Wellbeing check-ins through the gateway: scored, sealed, the participant's own; a low WHO-5
answered with the crisis lines for their city, and nobody else told."""

from __future__ import annotations

import json
from typing import Any

import pytest

from network.demo import description as demo
from saathi.tokens import Role
from tests.saathi.conftest import Network
from tests.saathi.people import new_person

LOW_WHO5 = [2, 1, 2, 1, 1]  # raw 7, 28 on the 0 to 100 scale
BORDER_WHO5 = [2, 2, 2, 1, 1]  # raw 8, 32: not low
GOOD_WHO5 = [4, 4, 3, 4, 4]


async def _signed_in(network: Network) -> str:
    """A participant of Pune with no check-ins yet."""
    return (await new_person(network, home_city="Pune")).token


async def _checkin(network: Network, token: str | None, **input: Any) -> dict[str, Any]:
    body = await network.run("wellbeing", "RecordWellbeingCheckin", token, input=input)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["recordWellbeingCheckin"]
    return payload


async def test_a_checkin_is_scored_and_shown_back_with_the_trend(network: Network) -> None:
    token = await _signed_in(network)

    first = await _checkin(network, token, who5=[3, 3, 3, 3, 3], note="slept badly")
    second = await _checkin(network, token, who5=GOOD_WHO5, barc10=[5, 5, 4, 6, 5, 5, 4, 5, 6, 5])
    mine = await network.run("wellbeing", "MyWellbeing", token)

    assert first["error"] is None
    assert first["support"] is None
    assert first["checkin"]["who5Total"] == 15
    assert first["checkin"]["who5Percent"] == 60
    assert first["checkin"]["barc10"] is None
    assert second["checkin"]["barc10Total"] == 50
    connection = mine["data"]["myWellbeing"]
    assert connection["totalCount"] == 2
    assert [e["node"]["id"] for e in connection["edges"]] == [
        second["checkin"]["id"],
        first["checkin"]["id"],
    ]
    assert connection["edges"][1]["node"]["note"] == "slept badly"
    assert connection["trend"] == {
        "since": first["checkin"]["at"],
        "checkins": 2,
        "firstWho5Percent": 60,
        "latestWho5Percent": 76,
        "who5Change": 16,
        "averageWho5Percent": 68.0,
        "direction": "IMPROVING",
    }


async def test_my_wellbeing_pages_with_its_cursor(network: Network) -> None:
    token = await _signed_in(network)
    made = [
        (await _checkin(network, token, who5=[i, i, i, i, i]))["checkin"]["id"] for i in range(3)
    ]

    first = (await network.run("wellbeing", "MyWellbeing", token, first=2))["data"]["myWellbeing"]
    rest = await network.run(
        "wellbeing", "MyWellbeing", token, first=2, after=first["pageInfo"]["endCursor"]
    )
    bad = await network.run("wellbeing", "MyWellbeing", token, after="bm90LWEtY3Vyc29y")

    second = rest["data"]["myWellbeing"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["hasNextPage"] is False
    ids = [e["node"]["id"] for e in first["edges"] + second["edges"]]
    assert ids == list(reversed(made))
    assert [e["extensions"]["code"] for e in bad["errors"]] == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "input",
    [
        {"who5": [3, 3, 3, 3]},
        {"who5": [3, 3, 3, 3, 3, 3]},
        {"who5": [3, 3, 3, 3, 6]},
        {"who5": [3, 3, -1, 3, 3]},
        {"who5": [3, 3, 3, 3, 3], "barc10": [1] * 9},
        {"who5": [3, 3, 3, 3, 3], "barc10": [0, 1, 1, 1, 1, 1, 1, 1, 1, 1]},
        {"who5": [3, 3, 3, 3, 3], "barc10": [7, 1, 1, 1, 1, 1, 1, 1, 1, 1]},
        {"who5": [3, 3, 3, 3, 3], "note": "x" * 1001},
    ],
)
async def test_items_out_of_range_are_refused_and_nothing_is_saved(
    network: Network, input: dict[str, Any]
) -> None:
    token = await _signed_in(network)

    refused = await _checkin(network, token, **input)
    mine = await network.run("wellbeing", "MyWellbeing", token)

    assert refused["checkin"] is None
    assert refused["error"]["code"] == "BAD_USER_INPUT"
    assert mine["data"]["myWellbeing"]["totalCount"] == 0


async def test_a_low_who5_comes_back_with_the_crisis_lines_and_a_gentle_word(
    network: Network,
) -> None:
    token = await _signed_in(network)
    outbox = network.settings.outbox_path
    outbox_before = outbox.read_bytes() if outbox.exists() else None
    directory_lines = await network.client.post(
        "/graphql", json={"query": '{ crisisResources(city: "Pune") { phone } }'}
    )

    low = await _checkin(network, token, who5=LOW_WHO5)
    border = await _checkin(network, token, who5=BORDER_WHO5)

    assert low["error"] is None
    assert low["checkin"]["who5Percent"] == 28
    support = low["support"]
    assert "talk" in support["message"]
    phones = [line["phone"] for line in support["crisisLines"]]
    assert phones == [r["phone"] for r in directory_lines.json()["data"]["crisisResources"]]
    assert "14416" in phones
    assert border["support"] is None
    # nobody else is told: no message went out
    assert (outbox.read_bytes() if outbox.exists() else None) == outbox_before


async def test_the_checkin_is_saved_even_when_the_directory_cannot_list_the_lines(
    network: Network,
) -> None:
    token = await _signed_in(network)
    network.peers["consent"].attach_app("directory", _Down())
    await network.peers["consent"].aclose()  # drop the client for the live directory app

    body = await network.run("wellbeing", "RecordWellbeingCheckin", token, input={"who5": LOW_WHO5})
    mine = await network.run("wellbeing", "MyWellbeing", token)

    payload = body["data"]["recordWellbeingCheckin"]
    assert payload["checkin"]["who5Total"] == 7
    assert payload["support"] is None or payload["support"]["crisisLines"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["SUBGRAPH_UNAVAILABLE"]
    assert mine["data"]["myWellbeing"]["totalCount"] == 1


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("facilitator", "FORBIDDEN"),
        ("centre_admin", "FORBIDDEN"),
        ("partner", "FORBIDDEN"),
    ],
)
async def test_only_a_participant_records_and_reads_their_own_checkins(
    network: Network, who: str, code: str
) -> None:
    centre = demo.CENTRES[0].id
    token = None if who == "anonymous" else network.token(f"stf_{who}", Role(who), centre)

    recorded = await network.run(
        "wellbeing", "RecordWellbeingCheckin", token, input={"who5": GOOD_WHO5}
    )
    read = await network.run("wellbeing", "MyWellbeing", token)

    assert recorded["data"]["recordWellbeingCheckin"]["error"]["code"] == code
    assert [e["extensions"]["code"] for e in read["errors"]] == [code]
    assert "Traceback" not in json.dumps(read)


class _Down:
    """An ASGI app that answers every request 503."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b"down"})
