"""The rules a group must keep, whoever writes it (``createGroup``, ``updateGroup``, an import).

``GroupFields`` is what a caller sent (``None``: not given); ``build_group`` checks a complete
set of fields and returns the group to store, or raises ``BadUserInput`` with a message that
names the field in the API's own words. No I/O: the centre and facilitator are looked up first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr

from saathi.errors import BadUserInput
from saathi.languages import is_language
from services.directory.domain import geometry, recurrence
from services.directory.domain.records import Address, Centre, Group, Point, Schedule, Supporter

KINDS = ("SUPPORT_GROUP", "MENTORING", "COMMUNITY_PROGRAMME")
FORMATS = ("IN_PERSON", "ONLINE", "HYBRID")
FOCUS = (
    "ADDICTION_RECOVERY",
    "ALCOHOL_USE",
    "DEPRESSION",
    "ANXIETY",
    "BIPOLAR",
    "PSYCHOSIS",
    "DUAL_DIAGNOSIS",
    "FAMILY_AND_CARERS",
    "GENERAL_WELLBEING",
)
AUDIENCE = ("EVERYONE", "WOMEN", "MEN", "YOUTH", "SENIORS", "LGBTQIA", "FAMILIES", "NEWCOMERS")
ACCESSIBILITY = ("WHEELCHAIR", "ACCESSIBLE_TOILET", "SIGN_LANGUAGE", "HEARING_LOOP", "QUIET_SPACE")

NAME_LENGTH = (3, 120)
DESCRIPTION_MAX = 4000
DURATION_MINUTES = (15, 480)
CAPACITY = (1, 500)
URL_MAX = 300
# RRULE parts that would make a group meet more than once a day.
_SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")


@dataclass(frozen=True)
class ScheduleFields:
    rrule: str
    timezone: str
    duration_minutes: int
    starts_on: date | None = None


@dataclass(frozen=True)
class GroupFields:
    """A group as a caller describes it; ``None`` means "not given" (keep, or the default)."""

    centre_id: str | None = None
    name: str | None = None
    description: str | None = None
    kind: str | None = None
    focus: tuple[str, ...] | None = None
    format: str | None = None
    languages: tuple[str, ...] | None = None
    audience: tuple[str, ...] | None = None
    accessibility: tuple[str, ...] | None = None
    capacity: int | None = None
    schedule: ScheduleFields | None = None
    facilitator_id: str | None = None
    online_join_url: str | None = None
    address: Address | None = None
    location: Point | None = None

    def over(self, base: GroupFields) -> GroupFields:
        """These fields where given, ``base``'s elsewhere (an update over the stored group)."""
        given = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(base, **{name: value for name, value in given.items() if value is not None})


def fields_of(group: Group) -> GroupFields:
    """A stored group as fields, so that an update can be laid over it and checked whole."""
    s = group.schedule
    return GroupFields(
        centre_id=group.centre_id,
        name=group.name,
        description=group.description,
        kind=group.kind,
        focus=group.focus,
        format=group.format,
        languages=group.languages,
        audience=group.audience,
        accessibility=group.accessibility,
        capacity=group.capacity,
        schedule=ScheduleFields(s.rrule, s.timezone, s.duration_minutes, s.starts_on),
        facilitator_id=group.facilitator_id,
        online_join_url=group.online_join_url,
        address=group.address,
        location=group.location,
    )


def build_group(
    group_id: str,
    centre: Centre,
    given: GroupFields,
    facilitator: Supporter | None,
    *,
    today: date,
    updated_at: datetime | None = None,
    source_ref: str | None = None,
) -> Group:
    """The group ``given`` describes, checked against every rule; ``BadUserInput`` otherwise."""
    kind = _one_of("kind", given.kind, KINDS)
    format_ = _one_of("format", given.format, FORMATS)
    name = _name(given.name)
    description = (given.description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise BadUserInput(f"description must be at most {DESCRIPTION_MAX} characters.")
    schedule = _schedule(given.schedule, today)
    capacity = _capacity(given.capacity, kind)
    languages = _languages(given.languages or centre.languages)
    if facilitator is None and given.facilitator_id is not None:
        raise BadUserInput(f"facilitatorId {given.facilitator_id!r} names no peer supporter.")
    if facilitator is not None and facilitator.centre_id != centre.id:
        raise BadUserInput(
            f"facilitatorId {facilitator.id!r} is not a peer supporter of this centre."
        )
    join_url = _join_url(given.online_join_url) if format_ != "IN_PERSON" else None
    if format_ != "IN_PERSON" and join_url is None:
        raise BadUserInput(f"A {format_} group needs onlineJoinUrl (an https:// address).")
    address, location = given.address, given.location
    if format_ == "ONLINE":
        address, location = None, None  # an online group is found at its centre
    else:
        address, location = _place(format_, address, location)
    return Group(
        id=group_id,
        centre_id=centre.id,
        facilitator_id=facilitator.id if facilitator else None,
        name=name,
        description=description,
        kind=kind,
        format=format_,
        focus=_many_of("focus", given.focus, FOCUS),
        languages=languages,
        audience=_many_of("audience", given.audience, AUDIENCE) or ("EVERYONE",),
        accessibility=_many_of("accessibility", given.accessibility, ACCESSIBILITY),
        capacity=capacity,
        schedule=schedule,
        online_join_url=join_url,
        address=address,
        location=location,
        anchor=geometry.anchor(location, centre),
        source_ref=source_ref,
        updated_at=updated_at,
    )


def _one_of(field: str, value: str | None, allowed: tuple[str, ...]) -> str:
    if value is None:
        raise BadUserInput(f"{field} is required.")
    if value not in allowed:
        raise BadUserInput(f"{field} must be one of {', '.join(allowed)}, got {value!r}.")
    return value


def _many_of(
    field: str, values: tuple[str, ...] | None, allowed: tuple[str, ...]
) -> tuple[str, ...]:
    for value in values or ():
        if value not in allowed:
            raise BadUserInput(f"{field} must hold only {', '.join(allowed)}, got {value!r}.")
    return tuple(dict.fromkeys(values or ()))


def _name(value: str | None) -> str:
    name = " ".join((value or "").split())
    low, high = NAME_LENGTH
    if not low <= len(name) <= high:
        raise BadUserInput(f"name must be {low} to {high} characters, got {len(name)}.")
    return name


def _capacity(value: int | None, kind: str) -> int:
    if kind == "MENTORING":
        if value is not None and value != 1:
            raise BadUserInput(f"A MENTORING group is one-on-one: capacity must be 1, got {value}.")
        return 1
    if value is None:
        raise BadUserInput(f"capacity is required for a {kind} group.")
    low, high = CAPACITY
    if not low <= value <= high:
        raise BadUserInput(f"capacity must be between {low} and {high}, got {value}.")
    return value


def _languages(values: tuple[str, ...]) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(v.strip().lower() for v in values))
    if not codes:
        raise BadUserInput("languages needs at least one ISO 639-1 code (en, hi, mr, ...).")
    for code in codes:
        if not is_language(code):
            raise BadUserInput(
                f"languages: {code!r} is not an ISO 639-1 code (two letters: en, hi, mr, ...)."
            )
    return codes


def _join_url(value: str | None) -> str | None:
    """A plain https address: it is handed to people's apps and calendars as a link, so it may
    hold no control character or space (a CR LF would start a new line in any line-based format)
    and no user name or password."""
    url = (value or "").strip()
    if not url:
        return None
    if len(url) > URL_MAX:
        raise BadUserInput(f"onlineJoinUrl must be at most {URL_MAX} characters.")
    if any(ord(char) <= 32 or 127 <= ord(char) < 160 for char in url):
        raise BadUserInput("onlineJoinUrl must not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it: a malformed port raises ValueError
    except ValueError:
        raise BadUserInput(f"onlineJoinUrl must be an https:// address, got {url!r}.") from None
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise BadUserInput(f"onlineJoinUrl must be an https:// address, got {url!r}.")
    if parts.username is not None or parts.password is not None:
        raise BadUserInput("onlineJoinUrl must not carry a user name or password.")
    return url


def _place(format_: str, address: Address | None, location: Point | None) -> tuple[Address, Point]:
    if address is None or location is None:
        raise BadUserInput(f"A {format_} group needs address and location.")
    line1, city = (address.line1 or "").strip(), (address.city or "").strip()
    if not line1 or not city:
        raise BadUserInput("address needs line1 and city.")
    postcode = (address.postcode or "").strip() or None
    return Address(line1, city, postcode), geometry.check_point(location, "location")


def _schedule(given: ScheduleFields | None, today: date) -> Schedule:
    if given is None:
        raise BadUserInput("schedule is required.")
    low, high = DURATION_MINUTES
    if not low <= given.duration_minutes <= high:
        raise BadUserInput(
            f"schedule.durationMinutes must be between {low} and {high}, "
            f"got {given.duration_minutes}."
        )
    timezone = given.timezone.strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadUserInput(
            f"schedule.timezone {timezone!r} is not an IANA time zone (e.g. Asia/Kolkata)."
        ) from None
    starts_on = given.starts_on or today
    text = check_rrule(given.rrule, starts_on)
    schedule = Schedule(text, timezone, given.duration_minutes, starts_on)
    recurrence.schedule_summary(schedule)  # raises BadUserInput for a rule people cannot be told
    return schedule


def check_rrule(value: str, starts_on: date) -> str:
    """``value`` as a stored RRULE (no ``RRULE:`` prefix), if it parses, repeats no more often
    than daily and has an occurrence on or after ``starts_on``."""
    text = value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text or "\n" in text or "DTSTART" in text.upper():
        raise BadUserInput(f"schedule.rrule {value!r} must be one RFC 5545 RRULE, without DTSTART.")
    # dateutil wants DTSTART aware exactly when UNTIL is given in UTC (``...Z``).
    utc_until = re.search(r"UNTIL=[0-9T]+Z", text.upper()) is not None
    start = datetime.combine(starts_on, time(), tzinfo=UTC if utc_until else None)
    try:
        rule = rrulestr(text, dtstart=start)
    except (ValueError, TypeError, KeyError):
        raise BadUserInput(
            f"schedule.rrule {value!r} is not an RFC 5545 RRULE "
            "(e.g. FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0)."
        ) from None
    raw = dict(item.partition("=")[::2] for item in text.upper().split(";") if item)
    if raw.get("FREQ") in _SUB_DAILY:
        raise BadUserInput(
            f"schedule.rrule {value!r} must repeat no more often than daily, "
            f"not FREQ={raw['FREQ']}."
        )
    parts = recurrence.parse_rrule(text)  # FREQ is one of DAILY, WEEKLY, MONTHLY, YEARLY
    if any(len(parts.get(name, "0").split(",")) > 1 for name in ("BYHOUR", "BYMINUTE")) or (
        "BYSECOND" in parts
    ):
        raise BadUserInput(
            f"schedule.rrule {value!r} must repeat no more often than daily "
            "(one BYHOUR and one BYMINUTE)."
        )
    if rule.after(start, inc=True) is None:
        raise BadUserInput(f"schedule.rrule {value!r} has no occurrence on or after startsOn.")
    return text.upper()
