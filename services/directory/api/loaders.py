"""Per-request batching: every id asked for in one pass of the executor is fetched in one query
(``saathi.service.loaders.by_key``, on strawberry's DataLoader, which graphene resolvers await
as well). Made per request: a cache must not outlive the request.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from saathi.peers import Peers
from saathi.service.loaders import by_key
from services.directory.domain import community, lookups, practice_editing, visibility
from services.directory.domain.records import Centre, Group, Practice, ProgrammeRecord, Supporter


class BookedGroups:
    """Which groups the request's participant is booked into: one call to sessions a pass."""

    def __init__(self) -> None:
        self._loader: DataLoader[str, bool | None] | None = None

    def load(self, peers: Peers, participant_id: str, group_id: str) -> Awaitable[bool | None]:
        if self._loader is None:
            # A request has one caller, so the participant is fixed at the first load.

            async def fetch(group_ids: list[str]) -> dict[str, bool]:
                booked = await visibility.booked_group_ids(peers, participant_id, group_ids)
                return dict.fromkeys(booked, True)

            self._loader = by_key(fetch)
        return self._loader.load(group_id)


@dataclass(frozen=True)
class Loaders:
    """The loaders of one request."""

    centres: DataLoader[str, Centre | None]
    groups: DataLoader[str, Group | None]
    supporters: DataLoader[str, Supporter | None]
    booked: BookedGroups
    practices: DataLoader[str, Practice | None]
    programmes_of_groups: DataLoader[str, ProgrammeRecord | None]

    @classmethod
    def new(cls) -> Loaders:
        return cls(
            centres=by_key(lookups.centres_by_ids),
            groups=by_key(lookups.groups_by_ids),
            supporters=by_key(lookups.supporters_by_ids),
            booked=BookedGroups(),
            practices=by_key(practice_editing.practices),
            programmes_of_groups=by_key(community.programmes_of_groups),
        )
