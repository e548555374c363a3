from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.sessions.domain.availability import OpenGroupsQuery
from services.sessions.domain.timetable import HORIZON

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


def test_from_json_deduplicates_and_defaults_open_seats_only() -> None:
    query = OpenGroupsQuery.from_json({"groupIds": ["grp_a", "grp_b", "grp_a"], "withinHours": 6})

    assert query == OpenGroupsQuery(("grp_a", "grp_b"), 6, False)


def test_window_is_the_hours_asked_capped_at_the_horizon() -> None:
    assert OpenGroupsQuery((), 6, False).window_end(NOW) == NOW + timedelta(hours=6)
    assert OpenGroupsQuery((), None, False).window_end(NOW) == NOW + HORIZON
    assert OpenGroupsQuery((), 10_000, False).window_end(NOW) == NOW + HORIZON
