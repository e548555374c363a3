"""The sessions service's tables, all prefixed ``sessions_``; every timestamp is aware UTC.

Statuses are stored as their enum values (``CONFIRMED``...); the repository converts them to the
domain enums, so nothing above it sees a model.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Series(Model):
    """A group's timetable: an RFC 5545 RRULE read in the group's IANA time zone."""

    id = fields.CharField(max_length=40, primary_key=True)
    group_id = fields.CharField(max_length=40, unique=True)
    centre_id = fields.CharField(max_length=40, db_index=True)
    rrule = fields.CharField(max_length=500)
    timezone = fields.CharField(max_length=64)
    starts_on = fields.DateField()
    duration_minutes = fields.IntField()
    capacity = fields.IntField()
    materialised_until = fields.DatetimeField(null=True)
    group_name = fields.CharField(max_length=200, default="")

    class Meta:
        table = "sessions_series"


class Session(Model):
    """One occurrence of a series, materialised so that it can be booked."""

    id = fields.CharField(max_length=40, primary_key=True)
    group_id = fields.CharField(max_length=40)
    centre_id = fields.CharField(max_length=40, db_index=True)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    status = fields.CharField(max_length=16, default="SCHEDULED")
    held = fields.IntField(default=0)
    """Seats a partner centre filled outside the network (its ``seatsTaken``)."""
    external_id = fields.CharField(max_length=200, null=True)
    """The partner's own id for a session it pushed with ``syncAvailability``."""
    version = fields.IntField(null=True)
    """The partner's version of that session: the last version wins."""

    bookings: fields.ReverseRelation[Booking]
    feedback: fields.ReverseRelation[Feedback]

    class Meta:
        table = "sessions_session"
        indexes = (("group_id", "starts_at"), ("centre_id", "starts_at"))
        unique_together = (("centre_id", "external_id"),)


class Booking(Model):
    """A participant's seat (or waitlist place) in a session."""

    id = fields.CharField(max_length=40, primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "sessions.Session", related_name="bookings", on_delete=fields.RESTRICT
    )
    participant_id = fields.CharField(max_length=40, db_index=True)
    status = fields.CharField(max_length=16)
    waitlist_position = fields.IntField(null=True)
    idempotency_key = fields.CharField(max_length=200)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    session_id: str

    class Meta:
        table = "sessions_booking"
        unique_together = (("participant_id", "idempotency_key"),)
        indexes = (("session_id", "status"),)


class BookingEvent(Model):
    """Every status a booking took, and when: the feed partners read ``bookingChanges`` from."""

    id = fields.BigIntField(primary_key=True)
    booking_id = fields.CharField(max_length=40, db_index=True)
    session_id = fields.CharField(max_length=40, db_index=True)
    status = fields.CharField(max_length=16)
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "sessions_booking_event"


class Feedback(Model):
    """A participant's rating (1 to 5) of a session they attended.

    ``comment`` is free text, so it is never stored in the clear: it holds the comment sealed
    (AES-GCM, base64) under the participant's data key (in the key store), bound to the
    feedback's id. Anonymous feedback has no ``booking_id`` and no ``participant_id``; its
    ``once_token`` (keyed by the participant's data key) keeps it to one per session.
    """

    id = fields.CharField(max_length=40, primary_key=True)
    booking_id = fields.CharField(max_length=40, unique=True, null=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "sessions.Session", related_name="feedback", on_delete=fields.RESTRICT
    )
    participant_id = fields.CharField(max_length=40, db_index=True, null=True)
    once_token = fields.CharField(max_length=64, unique=True, null=True)
    rating = fields.SmallIntField()
    comment = fields.TextField(null=True)
    anonymous = fields.BooleanField(default=True)
    at = fields.DatetimeField()

    session_id: str

    class Meta:
        table = "sessions_feedback"


class Notification(Model):
    """A message for participants not yet handed to consent's ``/internal/notify``.

    Written in the same transaction as the change it announces, so nothing is lost when consent
    is down; ``delivered_at`` is set once consent accepted it, and then the recipients and the
    message are cleared. The message is sealed under a key of its own, which ``recipient_keys``
    holds sealed under each recipient's data key: an erased recipient's copy goes with theirs.
    """

    id = fields.CharField(max_length=40, primary_key=True)
    participant_ids: fields.Field[list[str]] = fields.JSONField()
    kind = fields.CharField(max_length=40)
    message_sealed = fields.TextField(null=True)
    recipient_keys: fields.Field[dict[str, str]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    delivered_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "sessions_notification"


class SeatPush(Model):
    """A group whose coming sessions or seats changed since the directory was last told.
    Triggers on the session and booking tables raise ``version`` in the transaction that makes
    the change; the outbox sends the group's seats as they are then and records the version
    sent (``sent_version``): the row is pending while ``version > sent_version``."""

    group_id = fields.CharField(max_length=40, primary_key=True)
    version = fields.BigIntField(default=1)
    sent_version = fields.BigIntField(default=0)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "sessions_seat_push"


class SyncBatch(Model):
    """The answer given to a partner's ``syncAvailability`` batch, replayed for the same id."""

    id = fields.BigIntField(primary_key=True)
    centre_id = fields.CharField(max_length=40)
    batch_id = fields.CharField(max_length=200)
    answer: fields.Field[dict[str, object]] = fields.JSONField()
    at = fields.DatetimeField()

    class Meta:
        table = "sessions_sync_batch"
        unique_together = (("centre_id", "batch_id"),)


# --- peer-support practice ----------------------------------------------------------------------
# The concerns table (``sessions_concern``): a participant's report about a session, a group
# or a peer supporter, in its holding centre's queue.
#
# The description is free text about people in care, so it is stored sealed under the reporter's
# data key (``description_sealed``), bound to the concern's id. A named concern keeps the
# reporter's id; an anonymous one keeps only ``reporter_mark``, HMAC(the reporter's data key,
# "concerns"), by which the reporter (and nobody without their key) finds their own reports.
# An erasure clears both links and the description; the concern stays in the centre's queue.


class Concern(Model):
    id = fields.CharField(max_length=40, primary_key=True)
    centre_id = fields.CharField(max_length=40, db_index=True)
    about_kind = fields.CharField(max_length=16)  # SESSION, GROUP or SUPPORTER
    about_id = fields.CharField(max_length=40)
    category = fields.CharField(max_length=16)
    anonymous = fields.BooleanField()
    reporter_id = fields.CharField(max_length=40, null=True, db_index=True)
    reporter_mark = fields.CharField(max_length=64, null=True, db_index=True)
    description_sealed = fields.TextField(null=True)
    status = fields.CharField(max_length=16, default="OPEN")
    reported_at = fields.DatetimeField()
    acknowledged_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    supervisors_told_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "sessions_concern"
        indexes = (("centre_id", "status", "reported_at"),)


class Reflection(Model):
    """A facilitator's reflection after a session: a rating of how it went (1 to 5) and notes
    (how it went, safety concerns, what would help), sealed under a key of the reflection's own
    in the sessions key store (they may mention people in the group). One a session."""

    id = fields.CharField(max_length=40, primary_key=True)
    session_id = fields.CharField(max_length=40, unique=True)
    group_id = fields.CharField(max_length=40)
    centre_id = fields.CharField(max_length=40, db_index=True)
    author_id = fields.CharField(max_length=40)
    rating = fields.IntField()
    safety_concern = fields.BooleanField(default=False)
    notes_sealed = fields.TextField(null=True)
    starts_at = fields.DatetimeField()
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "sessions_reflection"
        indexes = (("centre_id", "starts_at"),)


class ResidentsOnlyGroup(Model):
    """A residential centre's group open to its residents alone (the directory says which)."""

    group_id = fields.CharField(max_length=40, primary_key=True)
    centre_id = fields.CharField(max_length=40)

    class Meta:
        table = "sessions_residents_only_group"


class Resident(Model):
    """A participant living at a residential centre, admitted by its centre_admin: they may book
    its residents-only groups. Deleted when they are discharged or erase their account."""

    id = fields.IntField(primary_key=True)
    centre_id = fields.CharField(max_length=40)
    participant_id = fields.CharField(max_length=40, db_index=True)
    admitted_at = fields.DatetimeField()

    class Meta:
        table = "sessions_resident"
        unique_together = (("centre_id", "participant_id"),)


__all__ = [
    "Booking",
    "BookingEvent",
    "Concern",
    "Feedback",
    "Notification",
    "Reflection",
    "Resident",
    "ResidentsOnlyGroup",
    "SeatPush",
    "Series",
    "Session",
    "SyncBatch",
]
