"""The concerns table (``sessions_concern``): a participant's report about a session, a group
or a peer supporter, in its holding centre's queue.

The description is free text about people in care, so it is stored sealed under the reporter's
data key (``description_sealed``), bound to the concern's id. A named concern keeps the
reporter's id; an anonymous one keeps only ``reporter_mark``, HMAC(the reporter's data key,
"concerns"), by which the reporter (and nobody without their key) finds their own reports.
An erasure clears both links and the description; the concern stays in the centre's queue.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


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
