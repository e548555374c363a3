"""The seats of each group's coming sessions as the sessions service last pushed them
(``directory_session_seats``), which nearby search filters on in its own SQL."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from saathi.database import bulk_insert
from services.directory.domain.records import GroupSeats

CONNECTION = "directory"
_SEATS = "directory_session_seats"
_VERSIONS = "directory_seats_version"
_SEAT_COLUMNS = ("session_id", "group_id", "starts_at", "seats_left")


def _marks(connection: BaseDBAsyncClient, count: int, start: int = 1) -> list[str]:
    if connection.capabilities.dialect == "sqlite":
        return ["?"] * count
    return [f"${n}" for n in range(start, start + count)]


async def apply_seats(groups: Sequence[GroupSeats]) -> int:
    """Replace the rows of each group whose ``version`` is later than the one applied last
    (the others are late arrivals of older states); returns how many were applied. One
    transaction: a search sees each group's old rows or its new ones, never a mix."""
    if not groups:
        return 0
    async with in_transaction(CONNECTION) as connection:
        ids = [g.group_id for g in groups]
        marks = ", ".join(_marks(connection, len(ids)))
        _, rows = await connection.execute_query(
            f"SELECT group_id, version FROM {_VERSIONS} WHERE group_id IN ({marks})", ids
        )
        applied = {str(row["group_id"]): int(row["version"]) for row in rows}
        fresh: dict[str, GroupSeats] = {}
        for group in groups:  # of a group sent twice in one batch, the later version wins
            seen = fresh.get(group.group_id)
            latest = max(applied.get(group.group_id, 0), seen.version if seen else 0)
            if group.version > latest:
                fresh[group.group_id] = group
        if not fresh:
            return 0
        await _replace(connection, list(fresh.values()))
        one, two = _marks(connection, 2)
        await connection.execute_many(
            f"INSERT INTO {_VERSIONS} (group_id, version) VALUES ({one}, {two}) "
            f"ON CONFLICT (group_id) DO UPDATE SET version = excluded.version",
            [[g.group_id, g.version] for g in fresh.values()],
        )
    return len(fresh)


async def insert_seats(groups: Sequence[GroupSeats]) -> None:
    """The seats of groups that have none yet (a synthetic seed, in bulk, with no version:
    the first push from sessions replaces them); rows stored already are kept."""
    rows = [
        [session.session_id, group.group_id, session.starts_at, session.seats_left]
        for group in groups
        for session in group.sessions
    ]
    async with in_transaction(CONNECTION) as connection:
        await bulk_insert(connection, _SEATS, _SEAT_COLUMNS, rows)


async def _replace(connection: BaseDBAsyncClient, groups: Sequence[GroupSeats]) -> None:
    ids = [g.group_id for g in groups]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(_marks(connection, len(chunk)))
        await connection.execute_query(f"DELETE FROM {_SEATS} WHERE group_id IN ({marks})", chunk)
    rows = [
        [session.session_id, group.group_id, session.starts_at, session.seats_left]
        for group in groups
        for session in group.sessions
    ]
    if rows:
        marks = ", ".join(_marks(connection, 4))
        await connection.execute_many(
            f"INSERT INTO {_SEATS} (session_id, group_id, starts_at, seats_left) "
            f"VALUES ({marks}) ON CONFLICT (session_id) DO UPDATE SET "
            f"group_id = excluded.group_id, starts_at = excluded.starts_at, "
            f"seats_left = excluded.seats_left",
            rows,
        )


async def seats_of(group_id: str) -> list[tuple[str, int, int]]:
    """A group's rows as (session id, starts at, seats left), by start (tests, diagnostics)."""
    connection = Tortoise.get_connection(CONNECTION)
    mark = _marks(connection, 1)[0]
    _, rows = await connection.execute_query(
        f"SELECT session_id, starts_at, seats_left FROM {_SEATS} WHERE group_id = {mark} "
        f"ORDER BY starts_at, session_id",
        [group_id],
    )
    return [(str(r["session_id"]), int(r["starts_at"]), int(r["seats_left"])) for r in rows]
