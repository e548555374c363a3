from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Consent",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("participant_id", fields.CharField(db_index=True, max_length=40)),
                ("grantee_centre_id", fields.CharField(db_index=True, max_length=40)),
                (
                    "categories",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("purpose", fields.CharField(max_length=40)),
                ("valid_from", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("valid_until", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("receipt", fields.TextField(unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "consent_consent", "app": "consent", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ConsentRequest",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("participant_id", fields.CharField(db_index=True, max_length=40)),
                ("requester_centre_id", fields.CharField(db_index=True, max_length=40)),
                (
                    "categories",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("purpose", fields.CharField(max_length=40)),
                ("requested_until", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("reason_sealed", fields.BinaryField()),
                ("status", fields.CharField(max_length=20)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "consent_consent_request", "app": "consent", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DataAccess",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("participant_id", fields.CharField(max_length=40)),
                ("seq", fields.IntField()),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("accessor_centre_id", fields.CharField(max_length=40)),
                (
                    "categories",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("purpose", fields.CharField(max_length=40)),
                ("consent_id", fields.CharField(max_length=40)),
                ("prev_hash", fields.CharField(max_length=64)),
                ("hash", fields.CharField(max_length=64)),
            ],
            options={
                "table": "consent_data_access",
                "app": "consent",
                "unique_together": (("participant_id", "seq"),),
                "pk_attr": "id",
                "table_description": "One read of a participant's records by a centre: an entry of their hash-chained log.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DataAccessHead",
            fields=[
                (
                    "participant_id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("seq", fields.IntField()),
                ("hash", fields.CharField(max_length=64)),
            ],
            options={
                "table": "consent_data_access_head",
                "app": "consent",
                "pk_attr": "participant_id",
                "table_description": "The newest entry of each participant's log. Whoever holds the database can move it back",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Erasure",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("bookings", fields.IntField()),
                ("feedback", fields.IntField()),
                ("consents", fields.IntField()),
                ("log_entries", fields.IntField()),
            ],
            options={
                "table": "consent_erasure",
                "app": "consent",
                "pk_attr": "id",
                "table_description": "A tombstone: an account was erased at ``at``. Counts only, nothing about the person.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LoginCode",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("contact_index", fields.CharField(db_index=True, max_length=64)),
                ("code_digest", fields.CharField(max_length=64)),
                ("attempts", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("spent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "consent_login_code", "app": "consent", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LoginLock",
            fields=[
                (
                    "bucket",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80),
                ),
                ("failures", fields.IntField(default=0)),
                ("lockouts", fields.IntField(default=0)),
                (
                    "locked_until",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "consent_login_lock",
                "app": "consent",
                "pk_attr": "bucket",
                "table_description": "Wrong sign-in codes of one contact (its rate-limit bucket, a blind index) and the lockout",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Participant",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("display_name_sealed", fields.BinaryField()),
                ("home_city_sealed", fields.BinaryField(null=True)),
                ("preferred_language", fields.CharField(null=True, max_length=8)),
                ("contact_index", fields.CharField(null=True, unique=True, max_length=64)),
                ("contact_sealed", fields.BinaryField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "consent_participant", "app": "consent", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Partner",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("centre_id", fields.CharField(db_index=True, max_length=40)),
                ("public_key_pem", fields.TextField(unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "consent_partner",
                "app": "consent",
                "pk_attr": "id",
                "table_description": "A partner centre's own system: signs client assertions with its Ed25519 key.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RateEvent",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("bucket", fields.CharField(db_index=True, max_length=80)),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "consent_rate_event",
                "app": "consent",
                "pk_attr": "id",
                "table_description": "One login code sent, counted against a bucket (a contact's or an address's blind index).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RefreshToken",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("family_id", fields.CharField(db_index=True, max_length=40)),
                ("participant_id", fields.CharField(db_index=True, max_length=40)),
                ("digest", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("spent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "consent_refresh_token", "app": "consent", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SeenAssertion",
            fields=[
                (
                    "key",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=300),
                ),
                (
                    "expires_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "consent_seen_assertion",
                "app": "consent",
                "pk_attr": "key",
                "table_description": "A client assertion's ``jti``, kept until the assertion expires so it is used once.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Staff",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40),
                ),
                ("display_name", fields.CharField(max_length=100)),
                ("centre_id", fields.CharField(db_index=True, max_length=40)),
                ("role", fields.CharField(max_length=20)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "consent_staff", "app": "consent", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
