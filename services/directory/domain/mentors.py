"""Mentor matching: certified peer supporters with a free ``MENTORING`` session in the coming
two weeks, ranked for one participant.

Ranking, in order: more languages shared, more focus shared, nearer (an online mentoring
group first when the participant prefers online, else by distance from where they are; no
point given, no distance), earlier free session, then id. One suggestion a supporter (their
best group). Each says why it matched. What is shown of a supporter is only their display
name, languages, training and lived-experience statement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from saathi.errors import BadUserInput, ErrorCode, SaathiError
from saathi.peers import Peers, PeerUnavailable
from saathi.service.connections import Page, decode_cursor, encode_cursor, page_of, page_size
from saathi.service.internal import contracts as api
from saathi.service.internal.client import call
from services.directory import repository as listing
from services.directory.domain import geometry
from services.directory.domain import practice as rules
from services.directory.domain.records import Group, Point, Profile, Supporter
from services.directory.repository import practice as repository

WINDOW = timedelta(days=14)
MAX_SUGGESTIONS = 20
DEFAULT_SUGGESTIONS = 5
CURSOR = "mentor"
ONLINE_FORMATS = ("ONLINE", "HYBRID")


class SessionsUnavailable(SaathiError):
    code = ErrorCode.SUBGRAPH_UNAVAILABLE


@dataclass(frozen=True)
class Preferences:
    languages: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    near: Point | None = None
    online: bool = False


@dataclass(frozen=True)
class Suggestion:
    supporter: Supporter
    profile: Profile
    group: Group
    session_id: str
    starts_at: datetime
    distance_km: float | None
    reasons: tuple[str, ...]


async def _free_slots(peers: Peers, group_ids: list[str]) -> dict[str, tuple[str, datetime]]:
    request = api.FreeSessionsRequest(
        group_ids=group_ids, within_hours=int(WINDOW.total_seconds() // 3600)
    )
    try:
        answer = await call(peers, api.FREE_SESSIONS, request)
    except PeerUnavailable as error:
        raise SessionsUnavailable("Free mentoring sessions are unavailable right now.") from error
    return {item.group_id: (item.session_id, item.starts_at) for item in answer.sessions}


@dataclass(frozen=True)
class SuggestionEdge:
    cursor: str
    suggestion: Suggestion


def _check(preferences: Preferences, first: int | None, after: str | None) -> tuple[int, int]:
    """The page size, and the place in the ranking the page starts at."""
    size = page_size(first, default=DEFAULT_SUGGESTIONS, maximum=MAX_SUGGESTIONS)
    start = 0
    if after is not None:
        start = int(decode_cursor(after, CURSOR, (int, str))[0]) + 1
    if preferences.near is not None:
        geometry.check_point(preferences.near, "preferences.near")
    return size, start


async def suggest(
    preferences: Preferences, peers: Peers, now: datetime, first: int | None, after: str | None
) -> Page[SuggestionEdge]:
    """One page of the ranking; a cursor is a place in it (with the supporter there), so a
    later page continues the ranking as it stands when asked."""
    size, start = _check(preferences, first, after)
    ranked = await _ranking(preferences, peers)
    rows = list(enumerate(ranked))[start : start + size + 1]
    return page_of(
        rows,
        size,
        lambda row: SuggestionEdge(encode_cursor(CURSOR, row[0], row[1].supporter.id), row[1]),
        lambda edge: edge.cursor,
        len(ranked),
    )


async def _ranking(preferences: Preferences, peers: Peers) -> list[Suggestion]:
    groups = list((await listing.groups_by_ids(await repository.mentoring_group_ids())).values())
    supporter_ids = sorted({g.facilitator_id for g in groups if g.facilitator_id})
    supporters = await listing.supporters_by_ids(supporter_ids)
    profiles = await repository.profiles(supporter_ids)
    candidates = [g for g in groups if g.facilitator_id in supporters]
    slots = await _free_slots(peers, [g.id for g in candidates]) if candidates else {}
    best: dict[str, tuple[tuple[float, ...], Suggestion]] = {}
    for group in candidates:
        slot = slots.get(group.id)
        supporter = supporters[group.facilitator_id or ""]
        profile = profiles.get(supporter.id)
        if slot is None or profile is None:
            continue
        try:
            rules.check_facilitator(supporter, profile, slot[1].date())
        except BadUserInput:
            continue  # not certified on that date, or without the training: not a mentor
        rank, suggestion = _ranked(preferences, supporter, profile, group, slot)
        kept = best.get(supporter.id)
        if kept is None or rank < kept[0]:
            best[supporter.id] = (rank, suggestion)
    ordered = sorted(best.values(), key=lambda pair: pair[0])
    return [suggestion for _, suggestion in ordered]


def _ranked(
    preferences: Preferences,
    supporter: Supporter,
    profile: Profile,
    group: Group,
    slot: tuple[str, datetime],
) -> tuple[tuple[float, ...], Suggestion]:
    reasons: list[str] = []
    spoken = set(profile.languages) | set(group.languages)
    languages = [code for code in preferences.languages if code in spoken]
    if languages:
        reasons.append(f"speaks {', '.join(languages)}")
    focus = [f for f in preferences.focus if f in group.focus]
    if focus:
        reasons.append(f"mentors on {', '.join(f.lower().replace('_', ' ') for f in focus)}")
    online = group.format in ONLINE_FORMATS
    distance: float | None = None
    if preferences.online and online:
        reasons.append("meets online")
        place = 0.0
    elif preferences.near is not None and not online:
        distance = geometry.shown_distance(geometry.haversine_km(preferences.near, group.anchor))
        reasons.append(f"{distance:.1f} km away")
        place = distance
    else:
        place = math.inf
    local = slot[1].astimezone(ZoneInfo(group.schedule.timezone))
    reasons.append(f"free on {local:%a %d %b, %H:%M}")
    rank = (
        -float(len(languages)),
        -float(len(focus)),
        place,
        slot[1].timestamp(),
    )
    suggestion = Suggestion(
        supporter=supporter,
        profile=profile,
        group=group,
        session_id=slot[0],
        starts_at=slot[1],
        distance_km=distance,
        reasons=tuple(reasons),
    )
    return rank, suggestion


async def mentoring_groups_of(supporter_id: str, centre_id: str) -> list[str]:
    """The MENTORING groups of ``centre_id`` the supporter facilitates (none when the supporter
    is not of that centre): whose participants' goals this mentor may ask for."""
    return await repository.mentoring_group_ids_of(supporter_id, centre_id)
