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


class SessionSeats(Model):
    """A coming session of a group as the sessions service last told the directory: when it
    starts (UTC seconds since the epoch) and how many seats are left. Sessions replaces a
    group's rows on every change of its seats (``POST /internal/groups/availability``), so that
    nearby search filters on time and seats in its own SQL (docs/nearby-search.md)."""

    session_id = fields.CharField(max_length=40, primary_key=True)
    group_id = fields.CharField(max_length=40)
    starts_at = fields.BigIntField()
    seats_left = fields.IntField()

    class Meta:
        table = "directory_session_seats"
        indexes = (("group_id", "starts_at", "seats_left"),)


class SeatsVersion(Model):
    """The last version of a group's seats the directory applied: an older push that arrives
    late is ignored."""

    group_id = fields.CharField(max_length=40, primary_key=True)
    version = fields.BigIntField()

    class Meta:
        table = "directory_seats_version"


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


# --- peer-support practice ----------------------------------------------------------------------
# Tables of the practice records, prefixed ``directory_``; new tables beside the listing's own,
# so that a data dir made before them only gains tables.
#
# A supporter's lived-experience statement and supervision notes are free text about a person:
# they are stored sealed (``*_sealed``, AES-GCM under the supporter's data key in the directory's
# key store), never in the clear.


class SupporterProfile(Model):
    """What the directory knows of a supporter beyond their listing: languages, statement,
    certification and supervisor. One row a supporter, made on first write."""

    supporter_id = fields.CharField(max_length=40, primary_key=True)
    centre_id = fields.CharField(max_length=40, db_index=True)
    languages: fields.JSONField[list[str]] = fields.JSONField(default=list)
    statement_sealed = fields.BinaryField(null=True)
    certified_on = fields.DateField(null=True)
    certified_until = fields.DateField(null=True)
    supervisor_id = fields.CharField(max_length=40, null=True)

    class Meta:
        table = "directory_supporter_profile"


class TrainingCompletion(Model):
    """One training module a supporter completed, and when (the latest completion counts)."""

    id = fields.IntField(primary_key=True)
    supporter_id = fields.CharField(max_length=40, db_index=True)
    module = fields.CharField(max_length=40)
    completed_on = fields.DateField()

    class Meta:
        table = "directory_training"
        unique_together = (("supporter_id", "module"),)


class Supervision(Model):
    """One supervision session of a supporter by a supervisor of their centre."""

    id = fields.CharField(max_length=40, primary_key=True)
    supporter_id = fields.CharField(max_length=40, db_index=True)
    centre_id = fields.CharField(max_length=40, db_index=True)
    supervisor_id = fields.CharField(max_length=40)
    held_on = fields.DateField()
    minutes = fields.IntField()
    notes_sealed = fields.BinaryField(null=True)
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "directory_supervision"


class CentrePractice(Model):
    """A centre's kind, code of conduct and supervision interval (a centre without a row has
    the defaults, ``rules.DEFAULT_*``)."""

    centre_id = fields.CharField(max_length=40, primary_key=True)
    kind = fields.CharField(max_length=20, default="COMMUNITY")
    code_of_conduct = fields.TextField(null=True)
    supervision_interval_days = fields.IntField(default=30)

    class Meta:
        table = "directory_centre_practice"


class AttentionNotice(Model):
    """The weekly notice to a centre's admins about supporters needing attention, as an outbox
    row: one a centre a week (the unique pair), queued by whichever replica comes first, sent
    by whichever claims it (``claimed_until``, a lease that a crashed sender's row outlives),
    kept once sent as the mark that this week's notice went."""

    centre_id = fields.CharField(max_length=40)
    week = fields.CharField(max_length=10)  # ISO year and week: "2026-W48"
    sent_at = fields.DatetimeField(null=True)
    id = fields.IntField(primary_key=True)
    message = fields.CharField(max_length=1000, default="")
    queued_at = fields.DatetimeField(null=True)
    claimed_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "directory_attention_notice"
        unique_together = (("centre_id", "week"),)


class Programme(Model):
    """A community programme a centre runs with a partner organisation (a school, a workplace,
    a community group), made of the centre's COMMUNITY_PROGRAMME groups."""

    id = fields.CharField(max_length=40, primary_key=True)
    centre_id = fields.CharField(max_length=40, db_index=True)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    partner_name = fields.CharField(max_length=200)
    partner_kind = fields.CharField(max_length=20)
    audience: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField()

    class Meta:
        table = "directory_programme"


class ProgrammeGroup(Model):
    """A group of a programme (a group belongs to one programme at most)."""

    group_id = fields.CharField(max_length=40, primary_key=True)
    programme_id = fields.CharField(max_length=40, db_index=True)

    class Meta:
        table = "directory_programme_group"


class NavigationResource(Model):
    """A resource a centre lists for finding one's way: legal aid, rights under the Mental
    Healthcare Act 2017, de-addiction helplines, government schemes."""

    id = fields.CharField(max_length=40, primary_key=True)
    centre_id = fields.CharField(max_length=40, db_index=True)
    city = fields.CharField(max_length=100, db_index=True)
    category = fields.CharField(max_length=30)
    name = fields.CharField(max_length=200)
    description = fields.TextField()
    phone = fields.CharField(max_length=40, null=True)
    website = fields.CharField(max_length=300, null=True)
    languages: fields.JSONField[list[str]] = fields.JSONField(default=list)

    class Meta:
        table = "directory_navigation_resource"


class ResidentsOnly(Model):
    """A residential centre's group for its residents alone: left out of public search, and
    not bookable by the public (sessions is told)."""

    group_id = fields.CharField(max_length=40, primary_key=True)
    centre_id = fields.CharField(max_length=40)

    class Meta:
        table = "directory_residents_only"


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
    "SeatsVersion",
    "SeriesPush",
    "SessionSeats",
    "Supervision",
    "SupporterProfile",
    "TrainingCompletion",
]
