from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_attention_outbox")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SeatsVersion",
            fields=[
                (
                    "group_id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("version", fields.BigIntField()),
            ],
            options={
                "table": "directory_seats_version",
                "app": "directory",
                "pk_attr": "group_id",
                "table_description": "The last version of a group's seats the directory applied: an older push that arrives",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SessionSeats",
            fields=[
                (
                    "session_id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("group_id", fields.CharField(max_length=40)),
                ("starts_at", fields.BigIntField()),
                ("seats_left", fields.IntField()),
            ],
            options={
                "table": "directory_session_seats",
                "app": "directory",
                "indexes": [Index(fields=["group_id", "starts_at", "seats_left"])],
                "pk_attr": "session_id",
                "table_description": "A coming session of a group as the sessions service last told the directory: when it",
            },
            bases=["Model"],
        ),
    ]
