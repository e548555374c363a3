"""The demo directory's dates are relative to the day it is seeded, in every feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from network.demo.directory import seed_demo


async def test_the_meeting_feed_of_the_demo_says_recent_dates(
    database: None, client: httpx.AsyncClient
) -> None:
    now = datetime.now(UTC)
    await seed_demo(now)

    meetings = (await client.get("/feeds/meetings.json")).json()

    updated = {datetime.strptime(m["updated"], "%Y-%m-%d %H:%M:%S").date() for m in meetings}
    assert meetings
    assert all(timedelta(weeks=10) <= now.date() - day < timedelta(weeks=12) for day in updated)
