"""Tortoise models of the consent service; every table is prefixed ``consent_``.

No column holds a contact detail, a name, a city or free text in the clear: contacts are found
through a keyed blind index, and every such field is sealed under the participant's own data
key, which lives in the service's key store (``saathi.keystore``), never in this database; so
destroying that key erases the person in every copy of these tables.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Participant(Model):
    id = fields.CharField(max_length=40, primary_key=True)
    display_name_sealed = fields.BinaryField()
    home_city_sealed = fields.BinaryField(null=True)
    preferred_language = fields.CharField(max_length=8, null=True)
    contact_index = fields.CharField(max_length=64, unique=True, null=True)
    contact_sealed = fields.BinaryField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "consent_participant"


class Staff(Model):
    id = fields.CharField(max_length=40, primary_key=True)
    display_name = fields.CharField(max_length=100)
    centre_id = fields.CharField(max_length=40, db_index=True)
    role = fields.CharField(max_length=20)
    created_at = fields.DatetimeField()
    supporter_id = fields.CharField(max_length=40, null=True, unique=True)
    """The directory's peer-supporter record of a staff member who is one (their tokens say so)."""

    class Meta:
        table = "consent_staff"


class LoginCode(Model):
    id = fields.IntField(primary_key=True)
    contact_index = fields.CharField(max_length=64, db_index=True)
    code_digest = fields.CharField(max_length=64)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    spent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "consent_login_code"


class RefreshToken(Model):
    id = fields.IntField(primary_key=True)
    family_id = fields.CharField(max_length=40, db_index=True)
    participant_id = fields.CharField(max_length=40, db_index=True)
    digest = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    spent_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "consent_refresh_token"


class RateEvent(Model):
    """One login code sent, counted against a bucket (a contact's or an address's blind index)."""

    id = fields.IntField(primary_key=True)
    bucket = fields.CharField(max_length=80, db_index=True)
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "consent_rate_event"


class LoginLock(Model):
    """Wrong sign-in codes of one contact (its rate-limit bucket, a blind index) and the lockout
    they earned; kept in the database so every replica and every restart sees the same count."""

    bucket = fields.CharField(max_length=80, primary_key=True)
    failures = fields.IntField(default=0)
    lockouts = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "consent_login_lock"


class Consent(Model):
    id = fields.CharField(max_length=40, primary_key=True)
    participant_id = fields.CharField(max_length=40, db_index=True)
    grantee_centre_id = fields.CharField(max_length=40, db_index=True)
    categories: fields.JSONField[list[str]] = fields.JSONField()
    purpose = fields.CharField(max_length=40)
    valid_from = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    receipt = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "consent_consent"


class ConsentRequest(Model):
    id = fields.CharField(max_length=40, primary_key=True)
    participant_id = fields.CharField(max_length=40, db_index=True)
    requester_centre_id = fields.CharField(max_length=40, db_index=True)
    categories: fields.JSONField[list[str]] = fields.JSONField()
    purpose = fields.CharField(max_length=40)
    requested_until = fields.DatetimeField()
    reason_sealed = fields.BinaryField()
    status = fields.CharField(max_length=20)
    created_at = fields.DatetimeField()

    class Meta:
        table = "consent_consent_request"


class DataAccess(Model):
    """One read of a participant's records by a centre: an entry of their hash-chained log.

    ``hash`` = HMAC-SHA256(entry key, ``prev_hash`` ‖ canonical JSON of the entry), the key
    outside the database (the data dir's audit key); ``seq`` counts from 0 per participant, so an
    edited, removed or reordered entry breaks the chain. Each new head is also signed into the
    anchor file in the data dir (docs/access-log.md).
    """

    id = fields.IntField(primary_key=True)
    participant_id = fields.CharField(max_length=40)
    seq = fields.IntField()
    at = fields.DatetimeField()
    accessor_centre_id = fields.CharField(max_length=40)
    categories: fields.JSONField[list[str]] = fields.JSONField()
    purpose = fields.CharField(max_length=40)
    consent_id = fields.CharField(max_length=40)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "consent_data_access"
        unique_together = (("participant_id", "seq"),)


class DataAccessHead(Model):
    """The newest entry of each participant's log. Whoever holds the database can move it back
    with the entries; the anchor file outside the database is what shows that."""

    participant_id = fields.CharField(max_length=40, primary_key=True)
    seq = fields.IntField()
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "consent_data_access_head"


class WellbeingCheckin(Model):
    """A participant's WHO-5 (and BARC-10) check-in: scores and note sealed under their key."""

    id = fields.CharField(max_length=40, primary_key=True)
    participant_id = fields.CharField(max_length=40)
    at = fields.DatetimeField()
    sealed = fields.BinaryField()

    class Meta:
        table = "consent_wellbeing_checkin"
        indexes = (("participant_id", "at"),)


class Goal(Model):
    """A participant's own recovery goal: text, target and progress sealed under their key."""

    id = fields.CharField(max_length=40, primary_key=True)
    participant_id = fields.CharField(max_length=40)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    sealed = fields.BinaryField()

    class Meta:
        table = "consent_goal"
        indexes = (("participant_id", "created_at"),)


class Erasure(Model):
    """A tombstone: an account was erased at ``at``. Counts only, nothing about the person."""

    id = fields.CharField(max_length=40, primary_key=True)
    at = fields.DatetimeField()
    bookings = fields.IntField()
    feedback = fields.IntField()
    consents = fields.IntField()
    log_entries = fields.IntField()

    class Meta:
        table = "consent_erasure"


class Partner(Model):
    """A partner centre's own system: signs client assertions with its Ed25519 key."""

    id = fields.CharField(max_length=40, primary_key=True)
    centre_id = fields.CharField(max_length=40, db_index=True)
    public_key_pem = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "consent_partner"


class SeenAssertion(Model):
    """A client assertion's ``jti``, kept until the assertion expires so it is used once."""

    key = fields.CharField(max_length=300, primary_key=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "consent_seen_assertion"
