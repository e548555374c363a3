"""Internal endpoints other services call (see ``docs/internal-api.md``), each from named callers.

- ``POST /internal/groups/open``: ``{groupIds, withinHours, openSeatsOnly}`` → ``{groupIds}``
- ``POST /internal/series``: ``{groupId, centreId, groupName, rrule, timezone, startsOn,
  durationMinutes, capacity}`` → ``{groupId, materialisedUntil}``
- ``POST /internal/participants/relations``: ``{centreId, participantIds}`` →
  ``{participantIds}``
- ``POST /internal/participants/booked-groups``: ``{participantId, groupIds}`` → ``{groupIds}``
- ``POST /internal/participants/erase``: ``{participantId}`` →
  ``{erased: {bookings, feedback}}``

Every endpoint is wrapped by ``saathi.internal.internal_endpoint``: 401 without a valid service
token, 403 from a component the endpoint does not name (the directory may not erase anyone).
Bad input is a 400 whose body says what is wrong:
``{"error": {"code": "BAD_USER_INPUT", "message": ...}}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from saathi.errors import BadUserInput
from saathi.ids import stable_id
from saathi.internal import Body, internal_endpoint
from saathi.keystore import KeyStore
from saathi.service_trust import ServiceTrust
from services.sessions.domain import free_slots, participants, timetable
from services.sessions.domain.availability import OpenGroupsQuery, open_groups
from services.sessions.domain.records import SeriesRecord
from services.sessions.repository import residents as residents_repository

Endpoint = Callable[[Request], Awaitable[JSONResponse]]


def _text(body: Body, name: str, longest: int = 200) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not 1 <= len(value) <= longest:
        raise BadUserInput(f"{name} must be a string of 1 to {longest} characters.")
    return value


def _whole(body: Body, name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadUserInput(f"{name} must be a whole number.")
    return value


def _ids(body: Body, name: str) -> list[str]:
    value = body.get(name)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadUserInput(f"{name} must be a list of ids.")
    if len(value) > participants.MAX_PARTICIPANT_IDS:
        raise BadUserInput(f"Send at most {participants.MAX_PARTICIPANT_IDS} {name} at a time.")
    return value


async def groups_open(body: Body) -> dict[str, Any]:
    query = OpenGroupsQuery.from_json(body)
    return {"groupIds": await open_groups(query, datetime.now(UTC))}


async def series(body: Body) -> dict[str, Any]:
    group_id = _text(body, "groupId")
    try:
        starts_on = date.fromisoformat(_text(body, "startsOn", 10))
    except ValueError:
        raise BadUserInput("startsOn must be a date, YYYY-MM-DD.") from None
    name = body.get("groupName", "")
    if not isinstance(name, str) or len(name) > 200:
        raise BadUserInput("groupName must be a string of at most 200 characters.")
    stored = await timetable.replace_series(
        SeriesRecord(
            id=stable_id("srs", group_id),
            group_id=group_id,
            centre_id=_text(body, "centreId"),
            rrule=_text(body, "rrule", 500),
            timezone=_text(body, "timezone", 64),
            starts_on=starts_on,
            duration_minutes=_whole(body, "durationMinutes"),
            capacity=_whole(body, "capacity"),
            group_name=name,
        ),
        datetime.now(UTC),
    )
    until = stored.materialised_until
    return {"groupId": stored.group_id, "materialisedUntil": until.isoformat() if until else None}


async def relations(body: Body) -> dict[str, Any]:
    centre_id = _text(body, "centreId")
    found = await participants.related(centre_id, _ids(body, "participantIds"))
    return {"participantIds": found}


async def booked_groups(body: Body) -> dict[str, Any]:
    participant_id = _text(body, "participantId")
    group_ids = body.get("groupIds")
    if not isinstance(group_ids, list) or not all(
        isinstance(g, str) and 1 <= len(g) <= 200 for g in group_ids
    ):
        raise BadUserInput("groupIds must be a list of ids.")
    if len(group_ids) > participants.MAX_GROUP_IDS:
        raise BadUserInput(f"Send at most {participants.MAX_GROUP_IDS} groupIds at a time.")
    found = await participants.groups_booked(participant_id, group_ids, datetime.now(UTC))
    return {"groupIds": found}


DIRECTORY, CONSENT = ("directory",), ("consent",)


def routes(trust: ServiceTrust, keys: KeyStore) -> list[tuple[str, Endpoint]]:
    """``(path, endpoint)`` of every internal endpoint, each behind the guard of its callers."""

    async def erase(body: Body) -> dict[str, Any]:
        erased = await participants.erase(_text(body, "participantId"), datetime.now(UTC), keys)
        return {"erased": {"bookings": erased.bookings, "feedback": erased.feedback}}

    return [
        ("/internal/groups/open", internal_endpoint(trust, DIRECTORY, groups_open)),
        ("/internal/series", internal_endpoint(trust, DIRECTORY, series)),
        ("/internal/participants/relations", internal_endpoint(trust, CONSENT, relations)),
        (
            "/internal/participants/booked-groups",
            internal_endpoint(trust, DIRECTORY, booked_groups),
        ),
        ("/internal/participants/erase", internal_endpoint(trust, CONSENT, erase)),
        ("/internal/groups/free-sessions", internal_endpoint(trust, DIRECTORY, free_sessions)),
        ("/internal/groups/residents-only", internal_endpoint(trust, DIRECTORY, residents_only)),
    ]


async def residents_only(body: Any) -> dict[str, Any]:
    """``{groupId, centreId, residentsOnly}``: the directory says a group is (or is no longer)
    for its centre's residents alone."""
    flag = body.get("residentsOnly")
    if not isinstance(flag, bool):
        raise BadUserInput("residentsOnly must be true or false.")
    group_id, centre_id = _text(body, "groupId", 40), _text(body, "centreId", 40)
    await residents_repository.set_residents_only(group_id, centre_id, flag)
    return {"groupId": group_id, "residentsOnly": flag}


async def free_sessions(body: Any) -> dict[str, Any]:
    return await free_slots.free_sessions(body, datetime.now(UTC))
