from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("sessions", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Concern",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("centre_id", fields.CharField(db_index=True, max_length=40)),
                ("about_kind", fields.CharField(max_length=16)),
                ("about_id", fields.CharField(max_length=40)),
                ("category", fields.CharField(max_length=16)),
                ("anonymous", fields.BooleanField()),
                ("reporter_id", fields.CharField(null=True, db_index=True, max_length=40)),
                ("reporter_mark", fields.CharField(null=True, db_index=True, max_length=64)),
                ("description_sealed", fields.TextField(null=True, unique=False)),
                ("status", fields.CharField(default="OPEN", max_length=16)),
                ("reported_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "acknowledged_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "resolved_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "supervisors_told_at",
                    fields.DatetimeField(
                        null=True, db_index=True, auto_now=False, auto_now_add=False
                    ),
                ),
            ],
            options={
                "table": "sessions_concern",
                "app": "sessions",
                "indexes": [Index(fields=["centre_id", "status", "reported_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Reflection",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("session_id", fields.CharField(unique=True, max_length=40)),
                ("group_id", fields.CharField(max_length=40)),
                ("centre_id", fields.CharField(db_index=True, max_length=40)),
                ("author_id", fields.CharField(max_length=40)),
                ("rating", fields.IntField()),
                ("safety_concern", fields.BooleanField(default=False)),
                ("notes_sealed", fields.TextField(null=True, unique=False)),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("recorded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "sessions_reflection",
                "app": "sessions",
                "indexes": [Index(fields=["centre_id", "starts_at"])],
                "pk_attr": "id",
                "table_description": "A facilitator's reflection after a session: a rating of how it went (1 to 5) and notes",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Resident",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("centre_id", fields.CharField(max_length=40)),
                ("participant_id", fields.CharField(db_index=True, max_length=40)),
                ("admitted_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "sessions_resident",
                "app": "sessions",
                "unique_together": (("centre_id", "participant_id"),),
                "pk_attr": "id",
                "table_description": "A participant living at a residential centre, admitted by its centre_admin: they may book",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ResidentsOnlyGroup",
            fields=[
                (
                    "group_id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("centre_id", fields.CharField(max_length=40)),
            ],
            options={
                "table": "sessions_residents_only_group",
                "app": "sessions",
                "pk_attr": "group_id",
                "table_description": "A residential centre's group open to its residents alone (the directory says which).",
            },
            bases=["Model"],
        ),
    ]
