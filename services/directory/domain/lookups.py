"""Records by id for the loaders, and ``NotFound`` for an id that names nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from saathi.errors import NotFound
from services.directory import repository
from services.directory.domain.records import Centre, Group, Supporter

R = TypeVar("R")


async def centres_by_ids(ids: Sequence[str]) -> dict[str, Centre]:
    return await repository.centres_by_ids(ids)


async def groups_by_ids(ids: Sequence[str]) -> dict[str, Group]:
    return await repository.groups_by_ids(ids)


async def supporters_by_ids(ids: Sequence[str]) -> dict[str, Supporter]:
    return await repository.supporters_by_ids(ids)


def found(record: R | None, kind: str, id_: str) -> R:
    """``record``, or ``NotFound`` naming what was looked for."""
    if record is None:
        raise NotFound(f"No {kind} has the id {id_!r}.")
    return record
