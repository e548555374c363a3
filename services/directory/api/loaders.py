"""Per-request batching: every id asked for in one pass of the executor is fetched in one query.

A ``BatchLoader`` is made per request (its cache must not outlive the request); the first
``load`` in a pass schedules one fetch for every key asked for before the event loop turns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from saathi.peers import Peers
from services.directory.domain import lookups, visibility
from services.directory.domain.records import Centre, Group, Supporter
from services.directory.practice import repository as practice_repository
from services.directory.practice.records import Practice

V = TypeVar("V")

Fetch = Callable[[list[str]], Awaitable[Mapping[str, V]]]


class BatchLoader(Generic[V]):
    """Loads values by id in batches; a missing id loads as ``None``."""

    def __init__(self, fetch: Fetch[V]) -> None:
        self._fetch = fetch
        self._futures: dict[str, asyncio.Future[V | None]] = {}
        self._queue: list[str] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def load(self, key: str) -> asyncio.Future[V | None]:
        if key in self._futures:
            return self._futures[key]
        loop = asyncio.get_running_loop()
        future: asyncio.Future[V | None] = loop.create_future()
        self._futures[key] = future
        if not self._queue:
            # The task runs once the executor yields, by when the whole pass has queued its keys.
            task = loop.create_task(self._dispatch())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._queue.append(key)
        return future

    def load_optional(self, key: str | None) -> Awaitable[V | None] | None:
        return None if key is None else self.load(key)

    async def _dispatch(self) -> None:
        keys, self._queue = self._queue, []
        try:
            values = await self._fetch(keys)
        except Exception as exc:  # every waiting field gets the failure, formatted by the caller
            for key in keys:
                self._futures.pop(key).set_exception(exc)
            return
        for key in keys:
            self._futures[key].set_result(values.get(key))


class BookedGroups:
    """Which groups the request's participant is booked into: one call to sessions a pass."""

    def __init__(self) -> None:
        self._loader: BatchLoader[bool] | None = None

    def load(self, peers: Peers, participant_id: str, group_id: str) -> asyncio.Future[bool | None]:
        if self._loader is None:
            # A request has one caller, so the participant is fixed at the first load.

            async def fetch(group_ids: list[str]) -> dict[str, bool]:
                booked = await visibility.booked_group_ids(peers, participant_id, group_ids)
                return dict.fromkeys(booked, True)

            self._loader = BatchLoader(fetch)
        return self._loader.load(group_id)


@dataclass(frozen=True)
class Loaders:
    """The loaders of one request."""

    centres: BatchLoader[Centre]
    groups: BatchLoader[Group]
    supporters: BatchLoader[Supporter]
    booked: BookedGroups
    practices: BatchLoader[Practice]

    @classmethod
    def new(cls) -> Loaders:
        return cls(
            centres=BatchLoader(lookups.centres_by_ids),
            groups=BatchLoader(lookups.groups_by_ids),
            supporters=BatchLoader(lookups.supporters_by_ids),
            booked=BookedGroups(),
            practices=BatchLoader(practice_repository.practices),
        )
