"""Partner centres' systems: pushing their own availability, pulling the network's bookings.

``sync`` is idempotent per batch: the first answer to a ``batchId`` is stored with the batch's
changes, in the same transaction, and a replay gets it back unchanged. Per session the last
version wins: a version not newer than the stored one is rejected with ``VERSION_CONFLICT``. A
partner acts for its own centre alone, and only on groups whose timetable that centre holds.

``seatsTaken`` is what the partner's own system filled; the network adds its own confirmed
bookings on top, so ``seatsLeft`` = capacity - seatsTaken - confirmed network bookings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from saathi.errors import BadUserInput, ErrorCode, NotFound, SaathiError, VersionConflict
from saathi.ids import new_id, stable_id
from saathi.keystore import KeyStore
from saathi.service.permissions import same_centre
from services.sessions import repository
from services.sessions.domain.notifications import seal_notice
from services.sessions.domain.records import (
    BookingChangeRecord,
    BookingStatus,
    GroupLabel,
    SessionRecord,
    SessionStatus,
)
from services.sessions.domain.staff import CANCELLED_KIND, cancellation_message
from services.sessions.repository import partners

MAX_BATCH = 500
MAX_ID = 200
MAX_CHANGES = 5000
MAX_LENGTH = timedelta(days=1)


@dataclass(frozen=True)
class PartnerSession:
    """One session as the partner's system describes it."""

    external_id: str
    group_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_taken: int
    status: SessionStatus
    version: int

    def check(self) -> None:
        if not 1 <= len(self.external_id) <= MAX_ID:
            raise BadUserInput(f"externalId must be 1 to {MAX_ID} characters long.")
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise BadUserInput("startsAt and endsAt must carry a UTC offset.")
        if not self.starts_at < self.ends_at <= self.starts_at + MAX_LENGTH:
            raise BadUserInput("endsAt must be after startsAt, within a day.")
        if not 0 <= self.seats_taken <= self.capacity:
            raise BadUserInput("capacity >= seatsTaken >= 0 must hold.")
        if self.version < 0:
            raise BadUserInput("version must not be negative.")


@dataclass(frozen=True)
class Rejection:
    external_id: str
    code: ErrorCode
    message: str


@dataclass(frozen=True)
class SyncAnswer:
    """How many sessions were stored, and why the others were not."""

    accepted: int
    rejected: list[Rejection]

    def to_json(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "rejected": [{**asdict(r), "code": r.code.value} for r in self.rejected],
        }

    @classmethod
    def from_json(cls, raw: Any) -> SyncAnswer:
        return cls(
            accepted=int(raw["accepted"]),
            rejected=[
                Rejection(r["external_id"], ErrorCode(r["code"]), r["message"])
                for r in raw["rejected"]
            ],
        )


def _check_batch(batch_id: str, sessions: Sequence[PartnerSession]) -> None:
    if not 1 <= len(batch_id) <= MAX_ID:
        raise BadUserInput(f"batchId must be 1 to {MAX_ID} characters long.")
    if len(sessions) > MAX_BATCH:
        raise BadUserInput(f"Send at most {MAX_BATCH} sessions a batch.")


def _stored(centre_id: str, given: PartnerSession, earlier: SessionRecord | None) -> SessionRecord:
    if earlier is not None and earlier.version is not None and given.version <= earlier.version:
        raise VersionConflict(
            f"Version {given.version} is not newer than the stored version {earlier.version}."
        )
    return SessionRecord(
        id=earlier.id if earlier else stable_id("ses", f"{centre_id}:ext:{given.external_id}"),
        group_id=given.group_id,
        centre_id=centre_id,
        starts_at=given.starts_at.astimezone(UTC),
        ends_at=given.ends_at.astimezone(UTC),
        capacity=given.capacity,
        status=given.status,
        held=given.seats_taken,
        external_id=given.external_id,
        version=given.version,
    )


async def sync(
    token_centre_id: str | None,
    centre_id: str,
    batch_id: str,
    sessions: Sequence[PartnerSession],
    now: datetime,
    keys: KeyStore,
) -> SyncAnswer:
    """Store the partner's sessions; the same ``batch_id`` always gets the same answer."""
    same_centre(token_centre_id, centre_id)
    _check_batch(batch_id, sessions)
    replayed = await partners.batch_answer(centre_id, batch_id)
    if replayed is not None:
        return SyncAnswer.from_json(replayed)
    own_groups = await repository.series_of_centre(centre_id, [s.group_id for s in sessions])
    labels = await repository.group_labels(list(own_groups))
    accepted = 0
    rejected: list[Rejection] = []
    async with repository.unit_of_work() as unit:
        for given in sessions:
            try:
                given.check()
                if given.group_id not in own_groups:
                    raise NotFound(f"Your centre holds no group with the id {given.group_id!r}.")
                earlier = await partners.external_session(unit, centre_id, given.external_id)
                session = _stored(centre_id, given, earlier)
            except SaathiError as error:
                rejected.append(Rejection(given.external_id, error.code, error.message))
                continue
            await partners.save_external(unit, session, new=earlier is None)
            if session.status is SessionStatus.CANCELLED and (
                earlier is None or earlier.status is not SessionStatus.CANCELLED
            ):
                await _cancel_bookings(unit, session, labels.get(session.group_id), now, keys)
            accepted += 1
        answer = SyncAnswer(accepted, rejected)
        if not await partners.save_batch_answer(unit, centre_id, batch_id, answer.to_json(), now):
            raise _Replay()
    return answer


class _Replay(Exception):
    """Another request stored this batch first: roll back ours and answer theirs."""


async def sync_once(
    token_centre_id: str | None,
    centre_id: str,
    batch_id: str,
    sessions: Sequence[PartnerSession],
    now: datetime,
    keys: KeyStore,
) -> SyncAnswer:
    """``sync``, answering a concurrent duplicate of the batch with the stored answer."""
    try:
        return await sync(token_centre_id, centre_id, batch_id, sessions, now, keys)
    except _Replay:
        stored = await partners.batch_answer(centre_id, batch_id)
        return SyncAnswer.from_json(stored)


async def _cancel_bookings(
    unit: repository.Unit,
    session: SessionRecord,
    group: GroupLabel | None,
    now: datetime,
    keys: KeyStore,
) -> None:
    """The partner called the session off: its network bookings go, and their holders are told."""
    live = await unit.bookings_in(session.id, (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED))
    await unit.set_status(live, BookingStatus.CANCELLED, now)
    participants = sorted({b.participant_id for b in live})
    if participants:
        message = cancellation_message(group, session, "the centre called it off.", now)
        notification_id = new_id("ntf")
        sealed = seal_notice(keys, notification_id, participants, message)
        await unit.add_notification(notification_id, participants, CANCELLED_KIND, sealed, now)


async def booking_changes(centre_id: str, since: datetime) -> list[BookingChangeRecord]:
    """Status changes of bookings at the centre's sessions from ``since`` (inclusive, so that
    nothing written at that instant is missed), oldest first, at most ``MAX_CHANGES``."""
    if since.tzinfo is None:
        raise BadUserInput("since must carry a UTC offset.")
    return await partners.booking_changes(centre_id, since.astimezone(UTC), MAX_CHANGES)
