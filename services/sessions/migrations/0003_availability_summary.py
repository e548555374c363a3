from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("sessions", "0002_concerns_reflections_residents")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SeatPush",
            fields=[
                (
                    "group_id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("version", fields.BigIntField(default=1)),
                ("sent_version", fields.BigIntField(default=0)),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "sessions_seat_push",
                "app": "sessions",
                "pk_attr": "group_id",
                "table_description": "A group whose coming sessions or seats changed since the directory was last told.",
            },
            bases=["Model"],
        ),
    ]
