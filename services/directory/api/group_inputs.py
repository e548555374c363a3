"""The inputs of ``createGroup`` and ``updateGroup``, and their conversion to ``GroupFields``.

``UpdateGroupInput`` has the same fields, each optional: a field left out keeps its value.
"""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from typing import Any

import graphene

from services.directory.api.enums import AccessibilityFeature, Audience, Focus, Format, GroupKind
from services.directory.api.inputs import GeoPointInput, names, point
from services.directory.domain.records import Address
from services.directory.domain.validation import GroupFields, ScheduleFields


class ScheduleInput(graphene.InputObjectType):
    """When a group meets: an RFC 5545 RRULE (no more often than daily) in ``timezone``'s wall
    time, from ``startsOn`` (today when left out)."""

    rrule = graphene.String(required=True, description="e.g. FREQ=WEEKLY;BYDAY=TU;BYHOUR=18")
    timezone = graphene.String(required=True, description="An IANA time zone: Asia/Kolkata.")
    starts_on = graphene.Date()
    duration_minutes = graphene.Int(required=True, description="15 to 480.")


class AddressInput(graphene.InputObjectType):
    line1 = graphene.String()
    city = graphene.String()
    postcode = graphene.String()


def _group_fields(required: bool) -> dict[str, Any]:
    def needed(field: Any) -> Any:
        return graphene.NonNull(field) if required else field

    return {
        "centre_id": graphene.InputField(needed(graphene.ID)),
        "name": graphene.InputField(needed(graphene.String), description="3 to 120 characters."),
        "description": graphene.String(),
        "kind": graphene.InputField(needed(GroupKind)),
        "focus": graphene.List(graphene.NonNull(Focus)),
        "format": graphene.InputField(needed(Format)),
        "languages": graphene.List(
            graphene.NonNull(graphene.String),
            description="ISO 639-1 codes; the centre's languages when left out.",
        ),
        "audience": graphene.List(graphene.NonNull(Audience)),
        "accessibility": graphene.List(graphene.NonNull(AccessibilityFeature)),
        "capacity": graphene.Int(description="1 to 500; exactly 1 for MENTORING."),
        "schedule": graphene.InputField(needed(ScheduleInput)),
        "facilitator_id": graphene.ID(description="A peer supporter of the same centre."),
        "online_join_url": graphene.String(description="https only; ONLINE and HYBRID need it."),
        "address": AddressInput(description="IN_PERSON and HYBRID need it."),
        "location": GeoPointInput(description="IN_PERSON and HYBRID need it."),
    }


CreateGroupInput = type("CreateGroupInput", (graphene.InputObjectType,), _group_fields(True))
UpdateGroupInput = type("UpdateGroupInput", (graphene.InputObjectType,), _group_fields(False))


def _tuple(values: Any | None, *, enum: bool = False) -> tuple[str, ...] | None:
    if values is None:
        return None
    return names(values) if enum else tuple(str(v) for v in values)


def _name(value: Any | None) -> str | None:
    return None if value is None else str(getattr(value, "name", value))


def group_fields(value: Any) -> GroupFields:
    """What the caller sent, ``None`` for every field left out."""
    schedule = value.get("schedule")
    address = value.get("address")
    location = value.get("location")
    return GroupFields(
        centre_id=value.get("centre_id"),
        name=value.get("name"),
        description=value.get("description"),
        kind=_name(value.get("kind")),
        focus=_tuple(value.get("focus"), enum=True),
        format=_name(value.get("format")),
        languages=_tuple(value.get("languages")),
        audience=_tuple(value.get("audience"), enum=True),
        accessibility=_tuple(value.get("accessibility"), enum=True),
        capacity=value.get("capacity"),
        schedule=None
        if schedule is None
        else ScheduleFields(
            rrule=schedule.rrule,
            timezone=schedule.timezone,
            duration_minutes=schedule.duration_minutes,
            starts_on=schedule.get("starts_on"),
        ),
        facilitator_id=value.get("facilitator_id"),
        online_join_url=value.get("online_join_url"),
        address=None
        if address is None
        else Address(address.get("line1"), address.get("city"), address.get("postcode")),
        location=None if location is None else point(location),
    )
