"""Per-request DataLoaders: every list field and ``_entities`` batch through these.

One loader a question, each answering a whole batch of keys with one domain call, so a page of
20 groups asking for ``nextSession`` costs the same queries as one group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from strawberry.dataloader import DataLoader

from saathi.service.loaders import by_key
from services.sessions.domain import bookings, staff, timetable
from services.sessions.domain.records import BookingRecord, SessionRecord


@dataclass
class Loaders:
    """The loaders of one request; ``now`` is the request's instant (``Context.now``), so every
    field sees the same one."""

    now: datetime
    session: DataLoader[str, SessionRecord | None] = field(init=False)
    booking: DataLoader[str, BookingRecord | None] = field(init=False)
    upcoming_sessions: DataLoader[str, list[SessionRecord]] = field(init=False)
    next_session: DataLoader[str, SessionRecord | None] = field(init=False)
    bookings_of: DataLoader[tuple[str, bool], list[BookingRecord]] = field(init=False)
    centre_sessions: DataLoader[tuple[str, datetime, datetime], list[SessionRecord]] = field(
        init=False
    )
    session_bookings: DataLoader[str, list[BookingRecord]] = field(init=False)

    def __post_init__(self) -> None:
        self.session = by_key(timetable.sessions)
        self.booking = by_key(bookings.bookings)
        self.upcoming_sessions = DataLoader(load_fn=self._upcoming)
        self.next_session = DataLoader(load_fn=self._next)
        self.bookings_of = DataLoader(load_fn=self._bookings_of)
        self.centre_sessions = DataLoader(load_fn=self._centre_sessions)
        self.session_bookings = DataLoader(load_fn=self._session_bookings)

    async def _upcoming(self, group_ids: Sequence[str]) -> list[list[SessionRecord]]:
        by_group = await timetable.upcoming(group_ids, self.now)
        return [by_group[g] for g in group_ids]

    async def _next(self, group_ids: Sequence[str]) -> list[SessionRecord | None]:
        found = await timetable.next_sessions(group_ids, self.now)
        return [found.get(g) for g in group_ids]

    async def _bookings_of(self, keys: Sequence[tuple[str, bool]]) -> list[list[BookingRecord]]:
        answers: dict[tuple[str, bool], list[BookingRecord]] = {}
        for upcoming in (False, True):
            ids = [pid for pid, flag in keys if flag is upcoming]
            if ids:
                found = await bookings.bookings_of(ids, upcoming=upcoming, now=self.now)
                answers.update({(pid, upcoming): rows for pid, rows in found.items()})
        return [answers[key] for key in keys]

    async def _centre_sessions(
        self, keys: Sequence[tuple[str, datetime, datetime]]
    ) -> list[list[SessionRecord]]:
        # Centres are few a request (one, in the staff tools); one query per distinct key.
        answers = {
            key: await staff.centre_sessions(*key, now=self.now) for key in dict.fromkeys(keys)
        }
        return [answers[key] for key in keys]

    async def _session_bookings(self, session_ids: Sequence[str]) -> list[list[BookingRecord]]:
        by_session = await staff.bookings_of_sessions(session_ids)
        return [by_session[s] for s in session_ids]

    def invalidate(self) -> None:
        """Forget every cached answer: a mutation changed seats, so later fields read afresh."""
        for loader in (
            self.session,
            self.booking,
            self.upcoming_sessions,
            self.next_session,
            self.bookings_of,
            self.centre_sessions,
            self.session_bookings,
        ):
            loader.clear_all()
