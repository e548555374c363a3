"""The directory as feeds other software reads: a Meeting Guide (TSML) feed.

The Meeting Guide format (https://github.com/code4recovery/spec) lists one meeting a weekday and
time, so a group that meets on several days is several entries (slug ``<group id>-<day>``). A
rule TSML cannot say (monthly, every other week) keeps its weekday and time and says the rest in
``notes`` (the schedule's summary). Groups that meet in person carry their address and position.
The feed is public, so an online group carries no ``conference_url``: a join link is only for
people booked into the group (see ``visibility``); its notes say where to find it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from services.directory import repository
from services.directory.domain import recurrence
from services.directory.domain.records import Centre, Group
from services.directory.repository.practice import residents_only_ids

# RRULE weekday → TSML day (0 = Sunday).
TSML_DAYS = {"SU": 0, "MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6}
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # date.weekday() order

AUDIENCE_TYPES = {
    "EVERYONE": "O",
    "WOMEN": "W",
    "MEN": "M",
    "YOUTH": "Y",
    "SENIORS": "SEN",
    "LGBTQIA": "LGBTQ",
    "NEWCOMERS": "BE",
}
ACCESSIBILITY_TYPES = {"WHEELCHAIR": "X", "ACCESSIBLE_TOILET": "XB", "SIGN_LANGUAGE": "ASL"}
FOCUS_TYPES = {"DUAL_DIAGNOSIS": "DD"}
LANGUAGE_TYPES = {
    "en": "EN",
    "hi": "HI",
    "fr": "FR",
    "es": "S",
    "pa": "PUN",
    "pl": "POL",
    "pt": "POR",
    "ru": "RUS",
}
ONLINE_TYPE = "ONL"
JOIN_NOTE = "Join link in the Saathi app after booking."
ATTENDANCE = {"IN_PERSON": "in_person", "ONLINE": "online", "HYBRID": "hybrid"}


def meeting_times(group: Group) -> tuple[list[int], str, str]:
    """The TSML days, start and end ("HH:MM") of ``group``'s rule, in its own wall time."""
    schedule = group.schedule
    rule = recurrence.parse_rrule(schedule.rrule)
    hour = int(rule.get("BYHOUR", "0").split(",")[0])
    minute = int(rule.get("BYMINUTE", "0").split(",")[0])
    if "BYDAY" in rule:
        codes = [day[-2:] for day in rule["BYDAY"].split(",")]
    elif rule["FREQ"] == "DAILY":
        codes = list(TSML_DAYS)
    else:
        codes = [_WEEKDAY_CODES[schedule.starts_on.weekday()]]
    days = sorted({TSML_DAYS[code] for code in codes})
    start = datetime.combine(date(2000, 1, 1), datetime.min.time()).replace(
        hour=hour, minute=minute
    )
    end = start + timedelta(minutes=schedule.duration_minutes)
    return days, f"{start:%H:%M}", f"{end:%H:%M}"


def meeting_types(group: Group) -> list[str]:
    types = [AUDIENCE_TYPES[a] for a in group.audience if a in AUDIENCE_TYPES]
    types += [FOCUS_TYPES[f] for f in group.focus if f in FOCUS_TYPES]
    types += [ACCESSIBILITY_TYPES[a] for a in group.accessibility if a in ACCESSIBILITY_TYPES]
    types += [LANGUAGE_TYPES[code] for code in group.languages if code in LANGUAGE_TYPES]
    if group.format != "IN_PERSON":
        types.append(ONLINE_TYPE)
    return sorted(set(types))


def group_meetings(group: Group, centre: Centre) -> list[dict[str, Any]]:
    """The TSML entries of one group: one a day it meets on."""
    days, start, end = meeting_times(group)
    updated = group.updated_at or datetime.combine(group.schedule.starts_on, datetime.min.time())
    base: dict[str, Any] = {
        "name": group.name,
        "time": start,
        "end_time": end,
        "timezone": group.schedule.timezone,
        "types": meeting_types(group),
        "notes": recurrence.schedule_summary(group.schedule),
        "attendance_option": ATTENDANCE[group.format],
        "region": centre.city,
        "location": centre.name,
        "group": centre.name,
        "updated": f"{updated:%Y-%m-%d %H:%M:%S}",
        "url": centre.website,
    }
    if group.format != "IN_PERSON":
        base["notes"] = f"{base['notes']}. {JOIN_NOTE}"
    if group.format != "ONLINE" and group.address is not None and group.location is not None:
        base["address"] = group.address.line1
        base["city"] = group.address.city
        base["postal_code"] = group.address.postcode
        base["country"] = "India"
        base["latitude"] = group.location.lat
        base["longitude"] = group.location.lng
    several = len(days) > 1
    return [
        {**base, "slug": f"{group.id}-{day}" if several else group.id, "day": day} for day in days
    ]


def tsml_meetings(groups: Iterable[Group], centres: dict[str, Centre]) -> list[dict[str, Any]]:
    meetings = [m for g in groups for m in group_meetings(g, centres[g.centre_id])]
    meetings.sort(key=lambda m: (m["day"], m["time"], m["name"], m["slug"]))
    return meetings


async def meeting_guide_feed() -> list[dict[str, Any]]:
    """Every public group of the directory as Meeting Guide entries: a residential centre's
    groups kept for its residents are in no public listing, this feed included."""
    centres = {centre.id: centre for centre in await repository.all_centres()}
    hidden = await residents_only_ids()
    groups = [group for group in await repository.all_groups() if group.id not in hidden]
    return tsml_meetings(groups, centres)


def encode(document: Any) -> tuple[bytes, str]:
    """The feed's bytes and their strong ETag (a hash of exactly these bytes)."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, ``*`` included)."""
    if not if_none_match:
        return False
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return any(tag == "*" or tag.removeprefix("W/") == etag for tag in tags)
