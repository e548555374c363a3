"""Every query the sessions service makes. Only this module and ``models`` import tortoise.

Functions take and return ``domain.records`` values, never models. Writes that must hold
together (a seat check and the insert it allows) go through ``unit_of_work``: one transaction,
with the session's row locked on PostgreSQL (``SELECT ... FOR UPDATE``); SQLite has one writer
and tortoise holds its connection lock for the whole transaction, which serialises them too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Count, Max
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from saathi.database import bulk_insert
from saathi.ids import storable
from services.sessions.domain.records import (
    AnonymousRating,
    BookingRecord,
    BookingStatus,
    GroupLabel,
    SealedNotice,
    SeriesRecord,
    SessionRecord,
    SessionStatus,
)
from services.sessions.models import (
    Booking,
    BookingEvent,
    Feedback,
    Notification,
    Series,
    Session,
)

CONNECTION = "sessions"

_SESSION_COLUMNS = (
    "id",
    "group_id",
    "centre_id",
    "starts_at",
    "ends_at",
    "capacity",
    "status",
    "held",
    "external_id",
    "version",
)
_BOOKING_COLUMNS = (
    "id",
    "session_id",
    "participant_id",
    "status",
    "waitlist_position",
    "idempotency_key",
)


async def after_generate_schemas() -> None:
    """Called by ``open_databases`` once the tables exist: the triggers that queue a group's
    seats for the directory on every change (``repository.seats``)."""
    from services.sessions.repository.seats import create_triggers

    await create_triggers()


class DuplicateIdempotencyKey(Exception):
    """Another request stored a booking with this participant's idempotency key first."""


def _series(row: Series) -> SeriesRecord:
    return SeriesRecord(
        id=row.id,
        group_id=row.group_id,
        centre_id=row.centre_id,
        rrule=row.rrule,
        timezone=row.timezone,
        starts_on=row.starts_on,
        duration_minutes=row.duration_minutes,
        capacity=row.capacity,
        materialised_until=row.materialised_until,
        group_name=row.group_name,
    )


def _session(row: dict[str, Any]) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        group_id=row["group_id"],
        centre_id=row["centre_id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        capacity=row["capacity"],
        status=SessionStatus(row["status"]),
        confirmed=row.get("confirmed", 0),
        attended=row.get("attended", 0),
        held=row.get("held", 0),
        external_id=row.get("external_id"),
        version=row.get("version"),
    )


def _booking(row: dict[str, Any]) -> BookingRecord:
    return BookingRecord(
        id=row["id"],
        session_id=row["session_id"],
        participant_id=row["participant_id"],
        status=BookingStatus(row["status"]),
        waitlist_position=row["waitlist_position"],
        idempotency_key=row["idempotency_key"],
    )


def _with_counts(queryset: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions annotated with their confirmed and attended bookings, in the same query."""
    return queryset.annotate(
        confirmed=Count("bookings", _filter=Q(bookings__status=BookingStatus.CONFIRMED.value)),
        attended=Count("bookings", _filter=Q(bookings__status=BookingStatus.ATTENDED.value)),
    )


async def _session_rows(queryset: QuerySet[Session]) -> list[SessionRecord]:
    rows = await _with_counts(queryset).values(*_SESSION_COLUMNS, "confirmed", "attended")
    return [_session(row) for row in rows]


# --- timetable -----------------------------------------------------------------------------


async def series_for_groups(group_ids: Sequence[str]) -> list[SeriesRecord]:
    """The groups' series, from plain rows."""
    wanted = storable(group_ids)
    if not wanted:
        return []
    connection = Series._meta.db
    marks = ", ".join(_marks(connection, len(wanted)))
    columns = ", ".join(_SERIES_COLUMNS)
    _, rows = await connection.execute_query(
        f"SELECT {columns} FROM sessions_series WHERE group_id IN ({marks})", wanted
    )
    fields = Series._meta.fields_map
    return [
        SeriesRecord(**{name: fields[name].to_python_value(row[name]) for name in _SERIES_COLUMNS})
        for row in rows
    ]


async def series_short_of(group_ids: Sequence[str], until: datetime) -> list[SeriesRecord]:
    """The groups' series not materialised as far as ``until``, from plain rows (every
    ``nextSession`` asks this first, and almost always hears "none": nothing to convert)."""
    wanted = storable(group_ids)
    if not wanted:
        return []
    connection = Series._meta.db
    marks = _marks(connection, len(wanted) + 1)
    columns = ", ".join(_SERIES_COLUMNS)
    reached = Series._meta.fields_map["materialised_until"].to_db_value(until, Series)
    _, rows = await connection.execute_query(
        f"SELECT {columns} FROM sessions_series WHERE group_id IN ({', '.join(marks[:-1])}) "
        f"AND (materialised_until IS NULL OR materialised_until < {marks[-1]})",
        [*wanted, reached],
    )
    fields = Series._meta.fields_map
    return [
        SeriesRecord(**{name: fields[name].to_python_value(row[name]) for name in _SERIES_COLUMNS})
        for row in rows
    ]


async def series_short_anywhere(until: datetime, limit: int) -> list[SeriesRecord]:
    """Up to ``limit`` series of any group not materialised as far as ``until``."""
    connection = Series._meta.db
    reach, most = _marks(connection, 2)
    columns = ", ".join(_SERIES_COLUMNS)
    reached = Series._meta.fields_map["materialised_until"].to_db_value(until, Series)
    _, rows = await connection.execute_query(
        f"SELECT {columns} FROM sessions_series WHERE materialised_until IS NULL "
        f"OR materialised_until < {reach} ORDER BY group_id LIMIT {most}",
        [reached, limit],
    )
    fields = Series._meta.fields_map
    return [
        SeriesRecord(**{name: fields[name].to_python_value(row[name]) for name in _SERIES_COLUMNS})
        for row in rows
    ]


_SERIES_COLUMNS = (
    "id", "group_id", "centre_id", "rrule", "timezone", "starts_on", "duration_minutes",
    "capacity", "materialised_until", "group_name",
)  # fmt: skip


async def insert_series(series: Iterable[SeriesRecord]) -> None:
    """Insert series that do not exist yet (by group); existing ones are left as they are."""
    rows = [
        Series(
            id=s.id,
            group_id=s.group_id,
            centre_id=s.centre_id,
            rrule=s.rrule,
            timezone=s.timezone,
            starts_on=s.starts_on,
            duration_minutes=s.duration_minutes,
            capacity=s.capacity,
            materialised_until=s.materialised_until,
            group_name=s.group_name,
        )
        for s in series
    ]
    if rows:
        await Series.bulk_create(rows, ignore_conflicts=True)


async def series_for_centre(centre_id: str) -> list[SeriesRecord]:
    return [_series(row) for row in await Series.filter(centre_id=centre_id)]


async def series_of_centre(centre_id: str, group_ids: Sequence[str]) -> set[str]:
    """Which of ``group_ids`` have a timetable held by ``centre_id``."""
    rows = await Series.filter(centre_id=centre_id, group_id__in=list(group_ids)).values_list(
        "group_id", flat=True
    )
    return {str(row) for row in rows}


async def save_series(series: SeriesRecord) -> SeriesRecord:
    """Create the group's series, or replace its timetable (keeping the series id)."""
    async with in_transaction(CONNECTION) as connection:
        row = await Series.filter(group_id=series.group_id).using_db(connection).first()
        values = {
            "centre_id": series.centre_id,
            "rrule": series.rrule,
            "timezone": series.timezone,
            "starts_on": series.starts_on,
            "duration_minutes": series.duration_minutes,
            "capacity": series.capacity,
            "materialised_until": series.materialised_until,
            "group_name": series.group_name,
        }
        if row is None:
            row = await Series.create(
                using_db=connection, id=series.id, group_id=series.group_id, **values
            )
        else:
            await Series.filter(id=row.id).using_db(connection).update(**values)
            row = await Series.filter(id=row.id).using_db(connection).get()
    return _series(row)


async def name_unnamed_series(names: dict[str, str]) -> None:
    """Give a name to the series of these groups that have none yet (older databases)."""
    unnamed = await Series.filter(group_id__in=list(names), group_name="").values_list(
        "group_id", flat=True
    )
    for group_id in unnamed:
        await Series.filter(group_id=group_id).update(group_name=names[str(group_id)])


async def group_labels(group_ids: Sequence[str]) -> dict[str, GroupLabel]:
    rows = await Series.filter(group_id__in=list(group_ids)).values(
        "group_id", "group_name", "timezone"
    )
    return {row["group_id"]: GroupLabel(row["group_name"], row["timezone"]) for row in rows}


async def drop_unbooked_sessions(group_id: str, after: datetime) -> None:
    """Delete the group's sessions starting after ``after`` that never had a booking."""
    booked = Booking.filter(session__group_id=group_id).values("session_id")
    await (
        Session.filter(group_id=group_id, starts_at__gt=after, external_id=None)
        .exclude(id__in=Subquery(booked))
        .delete()
    )


async def set_future_capacity(group_id: str, after: datetime, capacity: int) -> None:
    await Session.filter(group_id=group_id, starts_at__gt=after, external_id=None).update(
        capacity=capacity
    )


async def sessions_of_centre(centre_id: str, start: datetime, end: datetime) -> list[SessionRecord]:
    """Every session (any status) of the centre starting in ``[start, end)``, by start then id."""
    return await _session_rows(
        Session.filter(centre_id=centre_id, starts_at__gte=start, starts_at__lt=end).order_by(
            "starts_at", "id"
        )
    )


async def bookings_of_sessions(session_ids: Sequence[str]) -> list[BookingRecord]:
    """The sessions' bookings (any status) in the order they were made."""
    rows = (
        await Booking.filter(session_id__in=list(session_ids))
        .order_by("created_at", "id")
        .values(*_BOOKING_COLUMNS)
    )
    return [_booking(row) for row in rows]


async def insert_sessions(sessions: Iterable[SessionRecord]) -> None:
    """One bulk insert; sessions that already exist (same stable id) are kept unchanged."""
    rows = [
        Session(
            id=s.id,
            group_id=s.group_id,
            centre_id=s.centre_id,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            capacity=s.capacity,
            status=s.status.value,
            held=s.held,
            external_id=s.external_id,
            version=s.version,
        )
        for s in sessions
    ]
    if rows:
        await Session.bulk_create(rows, ignore_conflicts=True)


async def mark_materialised(series_ids: Sequence[str], until: datetime) -> None:
    await Series.filter(id__in=list(series_ids)).update(materialised_until=until)


async def insert_timetables(
    series: Sequence[SeriesRecord], sessions: Sequence[SessionRecord]
) -> None:
    """Insert the series and sessions not stored yet (same unique key: left as they are), in one
    transaction, from plain rows: a synthetic directory writes half a million sessions, which
    ORM objects would take minutes to build."""
    series_rows = [
        [
            s.id, s.group_id, s.centre_id, s.rrule, s.timezone, s.starts_on, s.duration_minutes,
            s.capacity, s.materialised_until, s.group_name,
        ]
        for s in series
    ]  # fmt: skip
    session_rows = [
        [
            s.id, s.group_id, s.centre_id, s.starts_at, s.ends_at, s.capacity, s.status.value,
            s.held, s.external_id, s.version,
        ]
        for s in sessions
    ]  # fmt: skip
    async with in_transaction(CONNECTION) as connection:
        if connection.capabilities.dialect == "sqlite":
            # Half a million sessions go into three indexes keyed by random-looking ids: with
            # SQLite's default 2 MB page cache most inserts read and write pages through the OS.
            await connection.execute_query("PRAGMA cache_size = -262144")
        await bulk_insert(connection, Series._meta.db_table, _SERIES_INSERT, series_rows)
        await bulk_insert(connection, Session._meta.db_table, _SESSION_INSERT, session_rows)


_SERIES_INSERT = (
    "id", "group_id", "centre_id", "rrule", "timezone", "starts_on", "duration_minutes",
    "capacity", "materialised_until", "group_name",
)  # fmt: skip
_SESSION_INSERT = (
    "id", "group_id", "centre_id", "starts_at", "ends_at", "capacity", "status", "held",
    "external_id", "version",
)  # fmt: skip


async def sessions_by_ids(session_ids: Sequence[str]) -> dict[str, SessionRecord]:
    rows = await _session_rows(Session.filter(id__in=storable(session_ids)))
    return {row.id: row for row in rows}


async def upcoming_sessions(group_ids: Sequence[str], after: datetime) -> list[SessionRecord]:
    """Scheduled sessions of the groups starting after ``after``, by start then id."""
    return await _session_rows(
        Session.filter(
            group_id__in=list(group_ids),
            status=SessionStatus.SCHEDULED.value,
            starts_at__gt=after,
        ).order_by("starts_at", "id")
    )


def _marks(connection: BaseDBAsyncClient, count: int) -> list[str]:
    sqlite = connection.capabilities.dialect == "sqlite"
    return ["?" if sqlite else f"${n}" for n in range(1, count + 1)]


async def next_sessions(group_ids: Sequence[str], after: datetime) -> dict[str, SessionRecord]:
    """Each group's first scheduled session starting after ``after`` (by start, then id), for
    the groups that have one: one statement from plain rows, whatever the number of groups. A
    page of 20 groups asking for ``nextSession`` reads 20 sessions, not every upcoming one."""
    wanted = storable(group_ids)
    if not wanted:
        return {}
    connection = Session._meta.db
    starts_at = Session._meta.fields_map["starts_at"]
    marks = _marks(connection, len(wanted) + 2)
    # In order of appearance: SQLite's ``?`` are positional.
    groups = ", ".join(f"({mark})" for mark in marks[:-2])
    status, at = marks[-2], marks[-1]
    columns = ", ".join(f"s.{column}" for column in _SESSION_COLUMNS)
    sql = (
        f"WITH wanted(group_id) AS (VALUES {groups}) "
        f"SELECT {columns}, "
        f"(SELECT count(*) FROM sessions_booking AS b WHERE b.session_id = s.id "
        f"AND b.status = '{BookingStatus.CONFIRMED.value}') AS confirmed, "
        f"(SELECT count(*) FROM sessions_booking AS b WHERE b.session_id = s.id "
        f"AND b.status = '{BookingStatus.ATTENDED.value}') AS attended "
        f"FROM wanted JOIN sessions_session AS s ON s.id = ("
        f"SELECT x.id FROM sessions_session AS x WHERE x.group_id = wanted.group_id "
        f"AND x.status = {status} AND x.starts_at > {at} ORDER BY x.starts_at, x.id LIMIT 1)"
    )
    values = [*wanted, SessionStatus.SCHEDULED.value, starts_at.to_db_value(after, Session)]
    _, rows = await connection.execute_query(sql, values)
    found = {}
    for row in rows:
        record = dict(row)
        for name in ("starts_at", "ends_at"):
            record[name] = _moment(record[name])
        found[record["group_id"]] = _session(record)
    return found


def _moment(value: Any) -> datetime:
    """A stored instant as an aware UTC datetime: SQLite hands back the text it stores, which
    ``fromisoformat`` reads at a fraction of the ORM's general parser's cost."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def scheduled_between(
    group_ids: Sequence[str], start: datetime, end: datetime
) -> list[SessionRecord]:
    """Scheduled sessions of the groups starting in ``[start, end]``."""
    return await _session_rows(
        Session.filter(
            group_id__in=list(group_ids),
            status=SessionStatus.SCHEDULED.value,
            starts_at__gte=start,
            starts_at__lte=end,
        )
    )


# --- bookings ------------------------------------------------------------------------------


async def bookings_by_ids(booking_ids: Sequence[str]) -> dict[str, BookingRecord]:
    rows = await Booking.filter(id__in=storable(booking_ids)).values(*_BOOKING_COLUMNS)
    return {row["id"]: _booking(row) for row in rows}


async def booking_by_key(participant_id: str, idempotency_key: str) -> BookingRecord | None:
    rows = await Booking.filter(
        participant_id=participant_id, idempotency_key=idempotency_key
    ).values(*_BOOKING_COLUMNS)
    return _booking(rows[0]) if rows else None


async def bookings_of_participants(
    participant_ids: Sequence[str],
    *,
    statuses: Sequence[BookingStatus] | None = None,
    ending_after: datetime | None = None,
) -> list[BookingRecord]:
    """The participants' bookings in session start order, optionally filtered."""
    queryset = Booking.filter(participant_id__in=list(participant_ids))
    if statuses is not None:
        queryset = queryset.filter(status__in=[s.value for s in statuses])
    if ending_after is not None:
        queryset = queryset.filter(session__ends_at__gt=ending_after)
    rows = await queryset.order_by("session__starts_at", "id").values(*_BOOKING_COLUMNS)
    return [_booking(row) for row in rows]


class Unit:
    """The queries of one transaction (see ``unit_of_work``)."""

    def __init__(self, connection: BaseDBAsyncClient) -> None:
        self._db = connection

    async def lock_session(self, session_id: str) -> SessionRecord | None:
        """The session, its row locked until the end of the transaction (PostgreSQL)."""
        # A model query, not ``.values()``: tortoise adds FOR UPDATE to model queries only.
        row = await Session.filter(id=session_id).select_for_update().using_db(self._db).first()
        if row is None:
            return None
        counts = await self._counts(session_id)
        return _session({**{name: getattr(row, name) for name in _SESSION_COLUMNS}, **counts})

    async def _counts(self, session_id: str) -> dict[str, int]:
        rows = (
            await Booking.filter(session_id=session_id)
            .using_db(self._db)
            .annotate(count=Count("id"))
            .group_by("status")
            .values("status", "count")
        )
        by_status = {row["status"]: row["count"] for row in rows}
        return {
            "confirmed": by_status.get(BookingStatus.CONFIRMED.value, 0),
            "attended": by_status.get(BookingStatus.ATTENDED.value, 0),
        }

    async def booking(self, booking_id: str) -> BookingRecord | None:
        rows = await Booking.filter(id=booking_id).using_db(self._db).values(*_BOOKING_COLUMNS)
        return _booking(rows[0]) if rows else None

    async def booking_by_key(self, participant_id: str, key: str) -> BookingRecord | None:
        rows = (
            await Booking.filter(participant_id=participant_id, idempotency_key=key)
            .using_db(self._db)
            .values(*_BOOKING_COLUMNS)
        )
        return _booking(rows[0]) if rows else None

    async def live_booking(self, session_id: str, participant_id: str) -> BookingRecord | None:
        rows = (
            await Booking.filter(
                session_id=session_id,
                participant_id=participant_id,
                status__in=[BookingStatus.CONFIRMED.value, BookingStatus.WAITLISTED.value],
            )
            .using_db(self._db)
            .values(*_BOOKING_COLUMNS)
        )
        return _booking(rows[0]) if rows else None

    async def last_waitlist_position(self, session_id: str) -> int:
        rows = (
            await Booking.filter(session_id=session_id, status=BookingStatus.WAITLISTED.value)
            .using_db(self._db)
            .annotate(last=Max("waitlist_position"))
            .values("last")
        )
        return int(rows[0]["last"] or 0) if rows else 0

    async def waitlist(self, session_id: str, first: int) -> list[BookingRecord]:
        rows = (
            await Booking.filter(session_id=session_id, status=BookingStatus.WAITLISTED.value)
            .using_db(self._db)
            .order_by("waitlist_position")
            .limit(first)
            .values(*_BOOKING_COLUMNS)
        )
        return [_booking(row) for row in rows]

    async def add_booking(self, booking: BookingRecord, at: datetime) -> None:
        """Insert ``booking`` and its first event; ``DuplicateIdempotencyKey`` on a lost race."""
        try:
            await Booking.create(
                using_db=self._db,
                id=booking.id,
                session_id=booking.session_id,
                participant_id=booking.participant_id,
                status=booking.status.value,
                waitlist_position=booking.waitlist_position,
                idempotency_key=booking.idempotency_key,
                created_at=at,
                updated_at=at,
            )
        except IntegrityError:
            raise DuplicateIdempotencyKey(booking.idempotency_key) from None
        await self._event(booking, at)

    async def set_status(
        self, bookings: Sequence[BookingRecord], status: BookingStatus, at: datetime
    ) -> None:
        """Move ``bookings`` to ``status`` (clearing waitlist positions), one event each."""
        if not bookings:
            return
        await (
            Booking.filter(id__in=[b.id for b in bookings])
            .using_db(self._db)
            .update(status=status.value, waitlist_position=None, updated_at=at)
        )
        await BookingEvent.bulk_create(
            [
                BookingEvent(booking_id=b.id, session_id=b.session_id, status=status.value, at=at)
                for b in bookings
            ],
            using_db=self._db,
        )

    async def close_waitlist_gap(self, session_id: str, after: int, by: int) -> None:
        """Move everyone waitlisted behind position ``after`` forward by ``by`` places."""
        await (
            Booking.filter(
                session_id=session_id,
                status=BookingStatus.WAITLISTED.value,
                waitlist_position__gt=after,
            )
            .using_db(self._db)
            .update(waitlist_position=F("waitlist_position") - by)
        )

    async def bookings_in(
        self, session_id: str, statuses: Sequence[BookingStatus] | None = None
    ) -> list[BookingRecord]:
        """The session's bookings (with one of ``statuses`` when given), oldest first."""
        queryset = Booking.filter(session_id=session_id).using_db(self._db)
        if statuses is not None:
            queryset = queryset.filter(status__in=[s.value for s in statuses])
        rows = await queryset.order_by("created_at", "id").values(*_BOOKING_COLUMNS)
        return [_booking(row) for row in rows]

    async def set_session_status(self, session_id: str, status: SessionStatus) -> None:
        await Session.filter(id=session_id).using_db(self._db).update(status=status.value)

    async def add_notification(
        self,
        notification_id: str,
        participant_ids: Sequence[str],
        kind: str,
        sealed: SealedNotice,
        at: datetime,
    ) -> None:
        """Queue a (sealed) message for consent's ``/internal/notify`` in this transaction."""
        await Notification.create(
            using_db=self._db,
            id=notification_id,
            participant_ids=list(participant_ids),
            kind=kind,
            message_sealed=sealed.message_sealed,
            recipient_keys=sealed.recipient_keys,
            created_at=at,
        )

    @property
    def connection(self) -> BaseDBAsyncClient:
        """This transaction's connection, for the repository's other modules."""
        return self._db

    async def _event(self, booking: BookingRecord, at: datetime) -> None:
        await BookingEvent.create(
            using_db=self._db,
            booking_id=booking.id,
            session_id=booking.session_id,
            status=booking.status.value,
            at=at,
        )


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[Unit]:
    """One transaction; committed when the block ends, rolled back if it raises."""
    async with in_transaction(CONNECTION) as connection:
        yield Unit(connection)


# --- demo data -------------------------------------------------------------------------------


async def existing_session_ids(session_ids: Sequence[str]) -> set[str]:
    rows = await Session.filter(id__in=list(session_ids)).values_list("id", flat=True)
    return {str(row) for row in rows}


async def insert_history(
    bookings: Sequence[tuple[BookingRecord, datetime]],
    events: Sequence[tuple[BookingRecord, BookingStatus, datetime]],
    feedback: Sequence[AnonymousRating],
) -> None:
    """Bookings (with the time each was made), their status events and feedback, in bulk."""
    await Booking.bulk_create(
        [
            Booking(
                id=b.id,
                session_id=b.session_id,
                participant_id=b.participant_id,
                status=b.status.value,
                waitlist_position=b.waitlist_position,
                idempotency_key=b.idempotency_key,
                created_at=at,
                updated_at=at,
            )
            for b, at in bookings
        ],
        ignore_conflicts=True,
    )
    await BookingEvent.bulk_create(
        [
            BookingEvent(booking_id=b.id, session_id=b.session_id, status=status.value, at=at)
            for b, status, at in events
        ]
    )
    await Feedback.bulk_create(
        [
            Feedback(
                id=given.id,
                booking_id=None,
                session_id=given.session_id,
                participant_id=None,
                once_token=given.once_token,
                rating=given.rating,
                anonymous=True,
                at=given.day,
            )
            for given in feedback
        ],
        ignore_conflicts=True,
    )
