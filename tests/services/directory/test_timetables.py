"""The timetable outbox: a group write and its push to sessions never disagree for long."""

from __future__ import annotations

from pathlib import Path

import httpx

from saathi.peers import Peers
from saathi.settings import Settings
from saathi.tokens import Role, TokenVerifier
from services.directory import repository
from services.directory.app import create_app
from services.directory.domain import timetables
from services.directory.domain.records import Address, Centre, Point
from tests.conftest import operation
from tests.services.directory.conftest import Bearer, Gql, MakeGroup, SessionsDouble

UPDATE = operation("directory", "UpdateGroup")


async def test_with_sessions_down_the_write_succeeds_and_the_push_waits_in_the_outbox(
    gql: Gql, make_group: MakeGroup, bearer: Bearer, sessions: SessionsDouble
) -> None:
    group = await make_group()
    sessions.fail = True

    body = await gql(
        UPDATE, bearer(Role.CENTRE_ADMIN, group.centre_id), id=group.id, input={"capacity": 9}
    )

    assert body["data"]["updateGroup"]["error"] is None
    assert (await repository.groups_by_ids([group.id]))[group.id].capacity == 9
    [push] = await repository.pending_pushes(10)
    assert (push.group_id, push.body["capacity"], push.attempts) == (group.id, 9, 1)
    assert await repository.count_pending_pushes() == 1
    assert sessions.series == []


async def test_the_next_write_pushes_what_was_pending_too(
    gql: Gql, make_group: MakeGroup, bearer: Bearer, sessions: SessionsDouble
) -> None:
    first = await make_group()
    second = await make_group()
    admin_first = bearer(Role.CENTRE_ADMIN, first.centre_id)
    sessions.fail = True
    await gql(UPDATE, admin_first, id=first.id, input={"capacity": 9})
    await gql(UPDATE, admin_first, id=first.id, input={"capacity": 10})
    sessions.fail = False

    await gql(
        UPDATE,
        bearer(Role.CENTRE_ADMIN, second.centre_id),
        id=second.id,
        input={"name": "New name"},
    )

    assert [(s["groupId"], s["capacity"], s["groupName"]) for s in sessions.series] == [
        (first.id, 10, "Recovery Circle"),
        (second.id, 12, "New name"),
    ]
    assert await repository.count_pending_pushes() == 0


async def test_a_failed_push_is_counted(
    make_group: MakeGroup, peers: Peers, sessions: SessionsDouble
) -> None:
    group = await make_group()
    await timetables.save_group(group)
    sessions.fail = True

    report = await timetables.push_pending(peers)

    assert report == timetables.PushReport(pushed=0, pending=1)
    [push] = await repository.pending_pushes(10)
    assert push.attempts == 1


async def test_the_directory_pushes_pending_timetables_when_it_starts(
    tmp_path: Path, verifier: TokenVerifier, sessions: SessionsDouble, bearer: Bearer
) -> None:
    settings = Settings(data_dir=tmp_path)
    peers = Peers()
    peers.attach_app("sessions", sessions.app())
    sessions.fail = True
    app = create_app(settings, peers=peers, verifier=verifier)
    async with app.router.lifespan_context(app):
        centre = Centre(
            "ctr_a",
            "A",
            "Pune",
            Address("1 Road", "Pune", None),
            Point(18.5, 73.8),
            None,
            None,
            ("en",),
            False,
        )
        await repository.save_centre(centre)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://d") as client:
            response = await client.post(
                "/graphql",
                json={
                    "query": operation("directory", "CreateGroup"),
                    "variables": {
                        "input": {
                            "centreId": "ctr_a",
                            "name": "Evening circle",
                            "kind": "SUPPORT_GROUP",
                            "format": "IN_PERSON",
                            "capacity": 10,
                            "schedule": {
                                "rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=19;BYMINUTE=30",
                                "timezone": "Asia/Kolkata",
                                "startsOn": "2025-03-07",
                                "durationMinutes": 60,
                            },
                            "address": {"line1": "1 Road", "city": "Pune"},
                            "location": {"lat": 18.5, "lng": 73.8},
                        }
                    },
                },
                headers={"authorization": bearer(Role.CENTRE_ADMIN, "ctr_a")},
            )
        group_id = response.json()["data"]["createGroup"]["group"]["id"]
    assert sessions.series == []
    sessions.fail = False

    restarted = create_app(settings, peers=peers, verifier=verifier)
    async with restarted.router.lifespan_context(restarted):
        pending = await repository.count_pending_pushes()

    await peers.aclose()
    assert pending == 0
    assert sessions.series == [
        {
            "groupId": group_id,
            "centreId": "ctr_a",
            "groupName": "Evening circle",
            "rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=19;BYMINUTE=30",
            "timezone": "Asia/Kolkata",
            "startsOn": "2025-03-07",
            "durationMinutes": 60,
            "capacity": 10,
        }
    ]
