from __future__ import annotations

from datetime import UTC, datetime, timedelta

from saathi.service.internal.contracts import OpenGroupsRequest
from saathi.service.internal.wire import decode
from services.sessions.domain.availability import OpenGroupsQuery
from services.sessions.domain.timetable import HORIZON

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


def test_the_request_is_deduplicated_and_open_seats_only_defaults_to_false() -> None:
    query = OpenGroupsQuery.of(
        decode(b'{"groupIds": ["grp_a", "grp_b", "grp_a"], "withinHours": 6}', OpenGroupsRequest)
    )

    assert query == OpenGroupsQuery(("grp_a", "grp_b"), 6, False)


def test_window_is_the_hours_asked_capped_at_the_horizon() -> None:
    assert OpenGroupsQuery((), 6, False).window_end(NOW) == NOW + timedelta(hours=6)
    assert OpenGroupsQuery((), None, False).window_end(NOW) == NOW + HORIZON
    assert OpenGroupsQuery((), 10_000, False).window_end(NOW) == NOW + HORIZON
