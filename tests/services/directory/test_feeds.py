"""GET /feeds/meetings.json: the directory as a Meeting Guide (TSML) feed, with ETag and 304."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import httpx

from services.directory.domain.records import Schedule
from tests.services.directory.conftest import MakeCentre, MakeGroup


async def test_the_feed_lists_one_meeting_a_day_a_group_meets(
    client: httpx.AsyncClient, make_centre: MakeCentre, make_group: MakeGroup
) -> None:
    centre = await make_centre(name="Saathi Kothrud", website="https://saathi.example.org/k")
    twice = Schedule(
        "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=7;BYMINUTE=30", "Asia/Kolkata", 60, date(2025, 1, 6)
    )
    at = datetime(2025, 2, 1, 10, 0, tzinfo=UTC)
    circle = await make_group(centre, id="grp_a", audience=("WOMEN",), updated_at=at)
    online = await make_group(
        centre,
        id="grp_b",
        name="Online Hope",
        format="ONLINE",
        location=None,
        online_join_url="https://meet.example.org/hope",
        languages=("hi", "en"),
        accessibility=(),
        schedule=twice,
        updated_at=at,
    )

    response = await client.get("/feeds/meetings.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["etag"] == f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    common = {
        "timezone": "Asia/Kolkata",
        "region": "Pune",
        "location": "Saathi Kothrud",
        "group": "Saathi Kothrud",
        "updated": "2025-02-01 10:00:00",
        "url": "https://saathi.example.org/k",
    }
    online_entry = {
        **common,
        "name": "Online Hope",
        "time": "07:30",
        "end_time": "08:30",
        "types": ["EN", "HI", "O", "ONL"],
        # The feed is public: no join link, only where to find it.
        "notes": "Every Monday and Thursday, 7:30 am to 8:30 am. "
        "Join link in the Saathi app after booking.",
        "attendance_option": "online",
    }
    assert b"meet.example.org" not in response.content
    assert response.json() == [
        {**online_entry, "slug": "grp_b-1", "day": 1},
        {
            **common,
            "name": "Recovery Circle",
            "slug": "grp_a",
            "day": 2,
            "time": "18:00",
            "end_time": "19:30",
            "types": ["EN", "W", "X"],
            "notes": "Every Tuesday, 6:00 pm to 7:30 pm",
            "attendance_option": "in_person",
            "address": "1 Test Road",
            "city": "Pune",
            "postal_code": "411001",
            "country": "India",
            "latitude": 18.52,
            "longitude": 73.85,
        },
        {**online_entry, "slug": "grp_b-4", "day": 4},
    ]
    assert (circle.id, online.id) == ("grp_a", "grp_b")


async def test_an_unchanged_feed_is_a_304_and_a_changed_one_a_new_etag(
    client: httpx.AsyncClient, make_group: MakeGroup
) -> None:
    group = await make_group()
    first = await client.get("/feeds/meetings.json")
    etag = first.headers["etag"]

    again = await client.get("/feeds/meetings.json", headers={"if-none-match": f'"x", W/{etag}'})
    await make_group(name="Another circle")
    changed = await client.get("/feeds/meetings.json", headers={"if-none-match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert [m["name"] for m in changed.json()] == sorted([group.name, "Another circle"])


async def test_an_empty_directory_is_an_empty_feed(
    client: httpx.AsyncClient, database: None
) -> None:
    response = await client.get("/feeds/meetings.json")

    assert response.status_code == 200
    assert response.json() == []
