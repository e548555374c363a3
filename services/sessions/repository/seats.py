"""Which groups' seats the directory has not been told yet, and those seats.

Triggers on ``sessions_session`` and ``sessions_booking`` raise a group's ``version`` in
``sessions_seat_push`` in the very transaction that changes its sessions or bookings (a booking,
a cancellation, a promotion from the waitlist, an erasure, a partner's sync, a session created,
moved, re-capacitied or cancelled, a timetable materialised further). No code path can forget to
queue a push, because none has to: the database does it. ``seat_push_outbox`` in the domain
sends the pending groups' seats as they are when sent.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from services.sessions.domain.records import BookingStatus, SessionStatus
from services.sessions.models import Session

CONNECTION = "sessions"
_PUSH = "sessions_seat_push"
_SESSIONS = "sessions_session"
_BOOKINGS = "sessions_booking"
_MARK = (
    f"INSERT INTO {_PUSH} (group_id, version, sent_version, attempts) VALUES ({{group}}, 1, 0, 0) "
    f"ON CONFLICT (group_id) DO UPDATE SET version = {_PUSH}.version + 1"
)
_OF_BOOKING = f"(SELECT group_id FROM {_SESSIONS} WHERE id = {{row}}.session_id)"
# (table, event, the group's id as the trigger sees it)
_TRIGGERS = (
    (_SESSIONS, "INSERT", "new.group_id"),
    (_SESSIONS, "UPDATE", "new.group_id"),
    (_SESSIONS, "DELETE", "old.group_id"),
    (_BOOKINGS, "INSERT", _OF_BOOKING.format(row="new")),
    (_BOOKINGS, "UPDATE", _OF_BOOKING.format(row="new")),
    (_BOOKINGS, "DELETE", _OF_BOOKING.format(row="old")),
)
# A session moved to another group (never done, but cheap to cover) changes the old one too.
_MOVED = "old.group_id"


def _name(table: str, event: str) -> str:
    return f"{table}_seats_{event.lower()}"


async def create_triggers() -> None:
    """Create the triggers if missing (at every start, after the tables exist)."""
    connection = Tortoise.get_connection(CONNECTION)
    if connection.capabilities.dialect == "sqlite":
        statements = []
        for table, event, group in _TRIGGERS:
            mark = _MARK.format(group=group)
            extra = ""
            if table == _SESSIONS and event == "UPDATE":
                extra = (
                    f" INSERT INTO {_PUSH} (group_id, version, sent_version, attempts) "
                    f"SELECT old.group_id, 1, 0, 0 WHERE old.group_id <> new.group_id "
                    f"ON CONFLICT (group_id) DO UPDATE SET version = {_PUSH}.version + 1;"
                )
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {_name(table, event)} AFTER {event} ON {table} "
                f"FOR EACH ROW WHEN {group} IS NOT NULL BEGIN {mark};{extra} END;"
            )
        await connection.execute_script("\n".join(statements))
        return
    script = []
    for table, event, group in _TRIGGERS:
        function = f"{_name(table, event)}_fn"
        moved = ""
        if table == _SESSIONS and event == "UPDATE":
            moved = f"IF old.group_id <> new.group_id THEN {_MARK.format(group=_MOVED)}; END IF; "
        script.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
            f"IF {group} IS NOT NULL THEN {_MARK.format(group=group)}; END IF; {moved}"
            f"RETURN NULL; END $$ LANGUAGE plpgsql;"
            f"CREATE OR REPLACE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}();"
        )
    await connection.execute_script("\n".join(script))


async def drop_triggers() -> None:
    connection = Tortoise.get_connection(CONNECTION)
    await connection.execute_script(
        "\n".join(
            f"DROP TRIGGER IF EXISTS {_name(table, event)}"
            + ("" if connection.capabilities.dialect == "sqlite" else f" ON {table}")
            + ";"
            for table, event, _ in _TRIGGERS
        )
    )


@contextlib.asynccontextmanager
async def bulk_load() -> AsyncIterator[None]:
    """Around a bulk write whose seats are handed to the directory another way (a synthetic
    seed): no push is queued for its rows, and SQLite does not wait for the disk at every
    commit (``synchronous = OFF``: a seed cut short by a power cut is seeded again)."""
    connection = Tortoise.get_connection(CONNECTION)
    sqlite = connection.capabilities.dialect == "sqlite"
    await drop_triggers()
    if sqlite:
        await connection.execute_script("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        if sqlite:
            await connection.execute_script("PRAGMA synchronous = FULL")
        else:  # fresh statistics for the planner after half a million rows
            await connection.execute_script("ANALYZE sessions_session; ANALYZE sessions_series;")
        await create_triggers()


def _marks(connection: BaseDBAsyncClient, count: int) -> list[str]:
    sigil = "?" if connection.capabilities.dialect == "sqlite" else "$"
    return [f"{sigil}{n}" for n in range(1, count + 1)]


async def pending(limit: int) -> list[tuple[str, int]]:
    """(group id, version) of groups changed since last sent, the oldest change first."""
    connection = Tortoise.get_connection(CONNECTION)
    (mark,) = _marks(connection, 1)
    _, rows = await connection.execute_query(
        f"SELECT group_id, version FROM {_PUSH} WHERE version > sent_version "
        f"ORDER BY group_id LIMIT {mark}",
        [limit],
    )
    return [(str(row["group_id"]), int(row["version"])) for row in rows]


async def count_pending() -> int:
    connection = Tortoise.get_connection(CONNECTION)
    _, rows = await connection.execute_query(
        f"SELECT count(*) AS n FROM {_PUSH} WHERE version > sent_version"
    )
    return int(rows[0]["n"])


async def coming_seats(
    group_ids: Sequence[str], now: datetime
) -> dict[str, list[tuple[str, datetime, int]]]:
    """Each group's scheduled sessions starting at ``now`` or later as (id, start, seats left):
    capacity less confirmed bookings and held seats, never below zero. One statement."""
    if not group_ids:
        return {}
    connection = Tortoise.get_connection(CONNECTION)
    starts_at = Session._meta.fields_map["starts_at"]
    marks = _marks(connection, len(group_ids) + 2)
    ids = ", ".join(marks[:-2])
    status, at = marks[-2], marks[-1]
    _, rows = await connection.execute_query(
        f"SELECT s.id, s.group_id, s.starts_at, s.capacity - s.held - "
        f"(SELECT count(*) FROM {_BOOKINGS} AS b WHERE b.session_id = s.id "
        f"AND b.status = '{BookingStatus.CONFIRMED.value}') AS seats_left "
        f"FROM {_SESSIONS} AS s WHERE s.group_id IN ({ids}) AND s.status = {status} "
        f"AND s.starts_at >= {at} ORDER BY s.group_id, s.starts_at, s.id",
        [*group_ids, SessionStatus.SCHEDULED.value, starts_at.to_db_value(now, Session)],
    )
    found: dict[str, list[tuple[str, datetime, int]]] = {group_id: [] for group_id in group_ids}
    for row in rows:
        start = starts_at.to_python_value(row["starts_at"])
        found[str(row["group_id"])].append((str(row["id"]), start, max(int(row["seats_left"]), 0)))
    return found


async def sent(pushed: Sequence[tuple[str, int]]) -> None:
    """The directory accepted these (group, version): pending again only if changed since."""
    connection = Tortoise.get_connection(CONNECTION)
    one, two = _marks(connection, 2)
    await connection.execute_many(
        f"UPDATE {_PUSH} SET sent_version = {two}, attempts = 0, last_error = NULL "
        f"WHERE group_id = {one} AND sent_version < {two}",
        [[group_id, version] for group_id, version in pushed],
    )


async def failed(group_ids: Sequence[str], error: str) -> None:
    connection = Tortoise.get_connection(CONNECTION)
    one, two = _marks(connection, 2)
    await connection.execute_many(
        f"UPDATE {_PUSH} SET attempts = attempts + 1, last_error = {two} WHERE group_id = {one}",
        [[group_id, error[:2000]] for group_id in group_ids],
    )
