"""Times written for people: in the group's own zone, the way people in India read them.

Machines get ISO 8601 instants in UTC; people get a wall-clock time where the group meets. The
format, one for every message, notice and summary the network writes:

- a clock time is 12-hour, hour without a leading zero, minutes always, lower-case ``am``/``pm``:
  ``9:30 am``, ``4:00 pm``; noon is ``12:00 pm``, midnight ``12:00 am``;
- a moment is the clock time, then the short weekday, day and short month: ``4:00 pm, Tue 3 Dec``;
  the year follows only when it is not the reader's current year (or no "now" is given):
  ``4:00 pm, Fri 2 Jan 2026``;
- India's own zone (``Asia/Kolkata``) is not named, as nobody in India writes "IST" after a time;
  any other zone is, by its abbreviation after the clock time: ``4:00 pm GMT, Tue 3 Dec``.

English month and day names are fixed here rather than taken from the process's locale, so a
server's locale never changes what a participant reads.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

INDIA = "Asia/Kolkata"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def clock(moment: time | datetime) -> str:
    """``4:00 pm``: the wall-clock time of ``moment`` as it reads (no zone conversion)."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


def zone_of(name: str | None) -> ZoneInfo:
    """The IANA zone ``name``; India's for none or one this machine does not know."""
    try:
        return ZoneInfo(name or INDIA)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(INDIA)


def moment(instant: datetime, zone: str | None, now: datetime | None = None) -> str:
    """``4:00 pm, Tue 3 Dec``: the aware ``instant`` in ``zone``, read as above.

    ``now`` (aware) decides whether the year is said: only when the two differ in the zone.
    """
    tz = zone_of(zone)
    local = instant.astimezone(tz)
    named = "" if tz.key == INDIA else f" {local.tzname()}"
    text = f"{clock(local)}{named}, {_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}"
    if now is None or now.astimezone(tz).year != local.year:
        text += f" {local.year}"
    return text
