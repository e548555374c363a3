from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="BookingEvent",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("booking_id", fields.CharField(db_index=True, max_length=40)),
                ("session_id", fields.CharField(db_index=True, max_length=40)),
                ("status", fields.CharField(max_length=16)),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "sessions_booking_event",
                "app": "sessions",
                "pk_attr": "id",
                "table_description": "Every status a booking took, and when: the feed partners read ``bookingChanges`` from.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                (
                    "participant_ids",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("kind", fields.CharField(max_length=40)),
                ("message_sealed", fields.TextField(null=True, unique=False)),
                (
                    "recipient_keys",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(null=True, unique=False)),
                (
                    "delivered_at",
                    fields.DatetimeField(
                        null=True, db_index=True, auto_now=False, auto_now_add=False
                    ),
                ),
            ],
            options={
                "table": "sessions_notification",
                "app": "sessions",
                "pk_attr": "id",
                "table_description": "A message for participants not yet handed to consent's ``/internal/notify``.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Series",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("group_id", fields.CharField(unique=True, max_length=40)),
                ("centre_id", fields.CharField(db_index=True, max_length=40)),
                ("rrule", fields.CharField(max_length=500)),
                ("timezone", fields.CharField(max_length=64)),
                ("starts_on", fields.DateField()),
                ("duration_minutes", fields.IntField()),
                ("capacity", fields.IntField()),
                (
                    "materialised_until",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("group_name", fields.CharField(default="", max_length=200)),
            ],
            options={
                "table": "sessions_series",
                "app": "sessions",
                "pk_attr": "id",
                "table_description": "A group's timetable: an RFC 5545 RRULE read in the group's IANA time zone.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Session",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("group_id", fields.CharField(max_length=40)),
                ("centre_id", fields.CharField(db_index=True, max_length=40)),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("ends_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("capacity", fields.IntField()),
                ("status", fields.CharField(default="SCHEDULED", max_length=16)),
                ("held", fields.IntField(default=0)),
                ("external_id", fields.CharField(null=True, max_length=200)),
                ("version", fields.IntField(null=True)),
            ],
            options={
                "table": "sessions_session",
                "app": "sessions",
                "unique_together": (("centre_id", "external_id"),),
                "indexes": [
                    Index(fields=["group_id", "starts_at"]),
                    Index(fields=["centre_id", "starts_at"]),
                ],
                "pk_attr": "id",
                "table_description": "One occurrence of a series, materialised so that it can be booked.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Booking",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                (
                    "session",
                    fields.ForeignKeyField(
                        "sessions.Session",
                        source_field="session_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="bookings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("participant_id", fields.CharField(db_index=True, max_length=40)),
                ("status", fields.CharField(max_length=16)),
                ("waitlist_position", fields.IntField(null=True)),
                ("idempotency_key", fields.CharField(max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "sessions_booking",
                "app": "sessions",
                "unique_together": (("participant_id", "idempotency_key"),),
                "indexes": [Index(fields=["session_id", "status"])],
                "pk_attr": "id",
                "table_description": "A participant's seat (or waitlist place) in a session.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Feedback",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("booking_id", fields.CharField(null=True, unique=True, max_length=40)),
                (
                    "session",
                    fields.ForeignKeyField(
                        "sessions.Session",
                        source_field="session_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="feedback",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("participant_id", fields.CharField(null=True, db_index=True, max_length=40)),
                ("once_token", fields.CharField(null=True, unique=True, max_length=64)),
                ("rating", fields.SmallIntField()),
                ("comment", fields.TextField(null=True, unique=False)),
                ("anonymous", fields.BooleanField(default=True)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "sessions_feedback",
                "app": "sessions",
                "pk_attr": "id",
                "table_description": "A participant's rating (1 to 5) of a session they attended.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SyncBatch",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("centre_id", fields.CharField(max_length=40)),
                ("batch_id", fields.CharField(max_length=200)),
                (
                    "answer",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "sessions_sync_batch",
                "app": "sessions",
                "unique_together": (("centre_id", "batch_id"),),
                "pk_attr": "id",
                "table_description": "The answer given to a partner's ``syncAvailability`` batch, replayed for the same id.",
            },
            bases=["Model"],
        ),
    ]
