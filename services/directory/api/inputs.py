"""Input types, and their conversion into the domain's values."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import graphene

from services.directory.api.enums import Audience, Focus, Format, GroupKind
from services.directory.domain import nearby
from services.directory.domain.records import Point


class GeoPointInput(graphene.InputObjectType):
    """A WGS84 position in decimal degrees."""

    lat = graphene.Float(required=True)
    lng = graphene.Float(required=True)


class GroupFilter(graphene.InputObjectType):
    """Every field is optional; every field given must hold. A list matches any of its values
    (an empty list is no constraint)."""

    kinds = graphene.List(graphene.NonNull(GroupKind))
    focus = graphene.List(graphene.NonNull(Focus))
    formats = graphene.List(graphene.NonNull(Format))
    languages = graphene.List(graphene.NonNull(graphene.String), description="ISO 639-1 codes.")
    audience = graphene.List(graphene.NonNull(Audience))
    starts_within_hours = graphene.Int(
        description="Only groups with a session starting within this many hours."
    )
    open_seats_only = graphene.Boolean(
        description="Only groups with a session in the next four weeks that has seats left."
    )
    text = graphene.String(description="In the name or description, in any case.")


def point(value: Any) -> Point:
    return Point(float(value.lat), float(value.lng))


def names(values: Iterable[Any] | None) -> tuple[str, ...]:
    # graphene hands enum inputs over as Python enum members.
    return tuple(getattr(v, "name", v) for v in values or ())


def group_filter(value: Any | None) -> nearby.GroupFilter:
    if value is None:
        return nearby.GroupFilter()
    return nearby.GroupFilter(
        kinds=names(value.kinds),
        focus=names(value.focus),
        formats=names(value.formats),
        languages=tuple(value.languages or ()),
        audience=names(value.audience),
        starts_within_hours=value.starts_within_hours,
        open_seats_only=bool(value.open_seats_only),
        text=value.text,
    )
