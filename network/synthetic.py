"""The synthetic network for load tests (``saathi seed --synthetic``, ``bench/nearby.py``): the
directory's groups, their timetables and sessions in sessions, and the seats of those sessions
in the directory's availability summary, written in bulk.

The one place that writes to both services' databases in one process: a seed hands each
chunk's timetables to sessions and the sessions' seats to the directory directly (what the
outbox and ``POST /internal/series`` / ``POST /internal/groups/availability`` would carry,
without a hundred thousand calls). Sessions' seat triggers are off meanwhile, so the seed
queues no pushes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.directory.domain import availability
from services.directory.domain.synthetic import SyntheticPlan, seed_synthetic
from services.sessions.domain import seats as sessions_seats
from services.sessions.domain.synthetic import materialise_timetables


@dataclass(frozen=True)
class Seeded:
    centres: int
    supporters: int
    groups: int
    sessions: int


async def seed_network(
    plan: SyntheticPlan, now: datetime, progress: Callable[[int], None] | None = None
) -> Seeded:
    """Seed ``plan`` with both databases open; the same plan adds nothing the second time."""
    made = {"sessions": 0}

    async def timetables(bodies: list[dict[str, object]]) -> None:
        seats = await materialise_timetables(bodies, now)
        made["sessions"] += sum(len(group.sessions) for group in seats)
        await availability.seed_from_sessions(seats)

    async with sessions_seats.bulk_load():
        totals = await seed_synthetic(plan, progress=progress, timetables=timetables)
    return Seeded(totals["centres"], totals["supporters"], totals["groups"], made["sessions"])
