from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="AttentionNotice",
            fields=[
                ("centre_id", fields.CharField(max_length=40)),
                ("week", fields.CharField(max_length=10)),
                ("sent_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
            ],
            options={
                "table": "directory_attention_notice",
                "app": "directory",
                "unique_together": (("centre_id", "week"),),
                "pk_attr": "id",
                "table_description": "That a centre's admins were told about supporters needing attention in a given week, so",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CentrePractice",
            fields=[
                (
                    "centre_id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("kind", fields.CharField(default="COMMUNITY", max_length=20)),
                ("code_of_conduct", fields.TextField(null=True, unique=False)),
                ("supervision_interval_days", fields.IntField(default=30)),
            ],
            options={
                "table": "directory_centre_practice",
                "app": "directory",
                "pk_attr": "centre_id",
                "table_description": "A centre's kind, code of conduct and supervision interval (a centre without a row has",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="NavigationResource",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("centre_id", fields.CharField(db_index=True, max_length=40)),
                ("city", fields.CharField(db_index=True, max_length=100)),
                ("category", fields.CharField(max_length=30)),
                ("name", fields.CharField(max_length=200)),
                ("description", fields.TextField(unique=False)),
                ("phone", fields.CharField(null=True, max_length=40)),
                ("website", fields.CharField(null=True, max_length=300)),
                ("languages", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "directory_navigation_resource",
                "app": "directory",
                "pk_attr": "id",
                "table_description": "A resource a centre lists for finding one's way: legal aid, rights under the Mental",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Programme",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("centre_id", fields.CharField(db_index=True, max_length=40)),
                ("name", fields.CharField(max_length=200)),
                ("description", fields.TextField(default="", unique=False)),
                ("partner_name", fields.CharField(max_length=200)),
                ("partner_kind", fields.CharField(max_length=20)),
                ("audience", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "directory_programme",
                "app": "directory",
                "pk_attr": "id",
                "table_description": "A community programme a centre runs with a partner organisation (a school, a workplace,",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ProgrammeGroup",
            fields=[
                (
                    "group_id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("programme_id", fields.CharField(db_index=True, max_length=40)),
            ],
            options={
                "table": "directory_programme_group",
                "app": "directory",
                "pk_attr": "group_id",
                "table_description": "A group of a programme (a group belongs to one programme at most).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ResidentsOnly",
            fields=[
                (
                    "group_id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("centre_id", fields.CharField(max_length=40)),
            ],
            options={
                "table": "directory_residents_only",
                "app": "directory",
                "pk_attr": "group_id",
                "table_description": "A residential centre's group for its residents alone: left out of public search, and",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Supervision",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("supporter_id", fields.CharField(db_index=True, max_length=40)),
                ("centre_id", fields.CharField(db_index=True, max_length=40)),
                ("supervisor_id", fields.CharField(max_length=40)),
                ("held_on", fields.DateField()),
                ("minutes", fields.IntField()),
                ("notes_sealed", fields.BinaryField(null=True)),
                ("recorded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "directory_supervision",
                "app": "directory",
                "pk_attr": "id",
                "table_description": "One supervision session of a supporter by a supervisor of their centre.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SupporterProfile",
            fields=[
                (
                    "supporter_id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("centre_id", fields.CharField(db_index=True, max_length=40)),
                ("languages", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("statement_sealed", fields.BinaryField(null=True)),
                ("certified_on", fields.DateField(null=True)),
                ("certified_until", fields.DateField(null=True)),
                ("supervisor_id", fields.CharField(null=True, max_length=40)),
            ],
            options={
                "table": "directory_supporter_profile",
                "app": "directory",
                "pk_attr": "supporter_id",
                "table_description": "What the directory knows of a supporter beyond their listing: languages, statement,",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TrainingCompletion",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("supporter_id", fields.CharField(db_index=True, max_length=40)),
                ("module", fields.CharField(max_length=40)),
                ("completed_on", fields.DateField()),
            ],
            options={
                "table": "directory_training",
                "app": "directory",
                "unique_together": (("supporter_id", "module"),),
                "pk_attr": "id",
                "table_description": "One training module a supporter completed, and when (the latest completion counts).",
            },
            bases=["Model"],
        ),
    ]
