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
            name="Centre",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("name", fields.CharField(max_length=200)),
                ("city", fields.CharField(db_index=True, max_length=100)),
                ("line1", fields.CharField(null=True, max_length=200)),
                ("postcode", fields.CharField(null=True, max_length=20)),
                ("lat", fields.FloatField(null=True, db_index=True)),
                ("lng", fields.FloatField(null=True, db_index=True)),
                ("phone", fields.CharField(null=True, max_length=40)),
                ("website", fields.CharField(null=True, max_length=300)),
                (
                    "languages",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("is_partner", fields.BooleanField(default=False)),
            ],
            options={
                "table": "directory_centre",
                "app": "directory",
                "pk_attr": "id",
                "table_description": "A peer-support centre of the network (or of a partner).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PeerSupporter",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                (
                    "centre",
                    fields.ForeignKeyField(
                        "directory.Centre",
                        source_field="centre_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="supporters",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("display_name", fields.CharField(max_length=100)),
                (
                    "trained_in",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
            ],
            options={
                "table": "directory_peer_supporter",
                "app": "directory",
                "pk_attr": "id",
                "table_description": "A trained peer supporter: the directory holds no contact details for them.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PeerGroup",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                (
                    "centre",
                    fields.ForeignKeyField(
                        "directory.Centre",
                        source_field="centre_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="groups",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "facilitator",
                    fields.ForeignKeyField(
                        "directory.PeerSupporter",
                        source_field="facilitator_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="groups",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("name", fields.CharField(max_length=200)),
                ("description", fields.TextField(default="", unique=False)),
                ("kind", fields.CharField(db_index=True, max_length=30)),
                ("format", fields.CharField(db_index=True, max_length=20)),
                (
                    "focus",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "languages",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "audience",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "accessibility",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("capacity", fields.IntField()),
                ("rrule", fields.CharField(max_length=300)),
                ("timezone", fields.CharField(max_length=64)),
                ("duration_minutes", fields.IntField()),
                ("starts_on", fields.DateField()),
                ("online_join_url", fields.CharField(null=True, max_length=300)),
                ("line1", fields.CharField(null=True, max_length=200)),
                ("city", fields.CharField(null=True, max_length=100)),
                ("postcode", fields.CharField(null=True, max_length=20)),
                ("lat", fields.FloatField(null=True, db_index=True)),
                ("lng", fields.FloatField(null=True, db_index=True)),
                ("anchor_lat", fields.FloatField()),
                ("anchor_lng", fields.FloatField()),
                ("source_ref", fields.CharField(null=True, max_length=200)),
                ("updated_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "directory_peer_group",
                "app": "directory",
                "unique_together": (("centre", "source_ref"),),
                "indexes": [Index(fields=["anchor_lat", "anchor_lng"])],
                "pk_attr": "id",
                "table_description": "A recurring group (support group, mentoring, community programme) of one centre.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SeriesPush",
            fields=[
                (
                    "group_id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                (
                    "body",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("version", fields.IntField(default=1)),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(null=True, unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "directory_series_push",
                "app": "directory",
                "pk_attr": "group_id",
                "table_description": "A group's timetable still to be told to the sessions service (the transactional outbox).",
            },
            bases=["Model"],
        ),
    ]
