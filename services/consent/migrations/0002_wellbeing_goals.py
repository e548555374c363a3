from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Goal",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("participant_id", fields.CharField(max_length=40)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("sealed", fields.BinaryField()),
            ],
            options={
                "table": "consent_goal",
                "app": "consent",
                "indexes": [Index(fields=["participant_id", "created_at"])],
                "pk_attr": "id",
                "table_description": "A participant's own recovery goal: text, target and progress sealed under their key.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WellbeingCheckin",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("participant_id", fields.CharField(max_length=40)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("sealed", fields.BinaryField()),
            ],
            options={
                "table": "consent_wellbeing_checkin",
                "app": "consent",
                "indexes": [Index(fields=["participant_id", "at"])],
                "pk_attr": "id",
                "table_description": "A participant's WHO-5 (and BARC-10) check-in: scores and note sealed under their key.",
            },
            bases=["Model"],
        ),
    ]
