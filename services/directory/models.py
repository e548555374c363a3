"""Tortoise models of the directory; tables are prefixed ``directory_``.

List-valued attributes (languages, focus, ...) are JSON arrays. A group keeps its own location
(``lat``/``lng``, empty for an online group) and an *anchor*: the point its distance is measured
from, which is its own location or, for an online group without one, its centre's. The anchor is
denormalised onto the group so that nearby search is one indexed range query on one table.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Centre(Model):
    """A peer-support centre of the network (or of a partner)."""

    id = fields.CharField(max_length=40, primary_key=True)
    name = fields.CharField(max_length=200)
    city = fields.CharField(max_length=100, db_index=True)
    line1 = fields.CharField(max_length=200, null=True)
    postcode = fields.CharField(max_length=20, null=True)
    lat = fields.FloatField(null=True, db_index=True)
    lng = fields.FloatField(null=True, db_index=True)
    phone = fields.CharField(max_length=40, null=True)
    website = fields.CharField(max_length=300, null=True)
    languages: fields.JSONField[list[str]] = fields.JSONField(default=list)
    is_partner = fields.BooleanField(default=False)

    class Meta:
        table = "directory_centre"


class PeerSupporter(Model):
    """A trained peer supporter: the directory holds no contact details for them."""

    id = fields.CharField(max_length=40, primary_key=True)
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "directory.Centre", related_name="supporters", on_delete=fields.CASCADE
    )
    display_name = fields.CharField(max_length=100)
    trained_in: fields.JSONField[list[str]] = fields.JSONField(default=list)

    class Meta:
        table = "directory_peer_supporter"


class PeerGroup(Model):
    """A recurring group (support group, mentoring, community programme) of one centre."""

    id = fields.CharField(max_length=40, primary_key=True)
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "directory.Centre", related_name="groups", on_delete=fields.CASCADE
    )
    facilitator: fields.ForeignKeyNullableRelation[PeerSupporter] = fields.ForeignKeyField(
        "directory.PeerSupporter", related_name="groups", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    kind = fields.CharField(max_length=30, db_index=True)
    format = fields.CharField(max_length=20, db_index=True)
    focus: fields.JSONField[list[str]] = fields.JSONField(default=list)
    languages: fields.JSONField[list[str]] = fields.JSONField(default=list)
    audience: fields.JSONField[list[str]] = fields.JSONField(default=list)
    accessibility: fields.JSONField[list[str]] = fields.JSONField(default=list)
    capacity = fields.IntField()
    rrule = fields.CharField(max_length=300)
    timezone = fields.CharField(max_length=64)
    duration_minutes = fields.IntField()
    starts_on = fields.DateField()
    online_join_url = fields.CharField(max_length=300, null=True)
    line1 = fields.CharField(max_length=200, null=True)
    city = fields.CharField(max_length=100, null=True)
    postcode = fields.CharField(max_length=20, null=True)
    lat = fields.FloatField(null=True, db_index=True)
    lng = fields.FloatField(null=True, db_index=True)
    anchor_lat = fields.FloatField()
    anchor_lng = fields.FloatField()
    # Where an imported group came from (a partner feed's slug or id), so a re-import updates it.
    source_ref = fields.CharField(max_length=200, null=True)
    # Set by the writes that change a group (not by re-seeding unchanged demo data).
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "directory_peer_group"
        indexes = (("anchor_lat", "anchor_lng"),)
        unique_together = (("centre", "source_ref"),)


class SeriesPush(Model):
    """A group's timetable still to be told to the sessions service (the transactional outbox).

    Written in the same transaction as the group, deleted once sessions has accepted it. One row
    a group: the latest timetable replaces an older one still pending, and ``version`` makes
    sure a push of an older body never deletes a newer one.
    """

    group_id = fields.CharField(max_length=40, primary_key=True)
    body: fields.JSONField[dict[str, object]] = fields.JSONField()
    version = fields.IntField(default=1)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "directory_series_push"


# The practice records' tables live in a module of their own; importing them here is how tortoise
# (which reads this module) finds them.
from services.directory.practice.models import (  # noqa: E402
    AttentionNotice,
    CentrePractice,
    NavigationResource,
    Programme,
    ProgrammeGroup,
    ResidentsOnly,
    Supervision,
    SupporterProfile,
    TrainingCompletion,
)

__all__ = [
    "AttentionNotice",
    "Centre",
    "CentrePractice",
    "NavigationResource",
    "PeerGroup",
    "PeerSupporter",
    "Programme",
    "ProgrammeGroup",
    "ResidentsOnly",
    "SeriesPush",
    "Supervision",
    "SupporterProfile",
    "TrainingCompletion",
]
