"""A group's upcoming sessions as an iCalendar (RFC 5545) document, written by ``icalendar``.

The feed is public (``/feeds/groups/{id}.ics``), so it says only what the directory shows
anyone: never a join link. An online group's events say where the link is instead. Every text
goes through the library's escaping after line breaks are made plain ``\\n`` and other control
characters are dropped, so no stored text can end a line and start a property or an event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import icalendar

from saathi.service.clock import system_clock

PRODUCT = "-//Saathi//Peer support network//EN"
JOIN_NOTE = "Join link in the app after booking."


def plain(text: str) -> str:
    """``text`` with every line break a ``\\n`` and no other control character (tabs stay)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        char
        for char in text
        if char in "\n\t"
        or not (ord(char) < 32 or 127 <= ord(char) < 160 or char in "\u2028\u2029")
    )


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(UTC)


def group_calendar(group: dict[str, Any], now: datetime | None = None) -> str:
    """The calendar of ``group`` as the gateway answers ``GroupCalendar`` (see ``network.edge``)."""
    # The start of the day: the same sessions give the same bytes all day, so the feed's ETag
    # (a hash of the bytes) lets clients revalidate instead of downloading it again.
    stamp = (
        (now or system_clock()).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    )
    name = " ".join(plain(group["name"]).split())  # a name is one line
    address = group.get("address") or {}
    where = ", ".join(
        plain(v) for v in (address.get("line1"), address.get("city"), address.get("postcode")) if v
    )
    description = plain(group.get("description") or "")
    if group.get("format") in ("ONLINE", "HYBRID"):
        description = f"{description}\n\n{JOIN_NOTE}" if description else JOIN_NOTE
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", icalendar.vText(name))
    for session in group["upcomingSessions"]:
        event = icalendar.Event()
        event.add("uid", f"{plain(session['id'])}@saathi")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(session["startsAt"]))
        event.add("dtend", _utc(session["endsAt"]))
        event.add("summary", name)
        event.add("description", description)
        event.add("status", "CANCELLED" if session["status"] == "CANCELLED" else "CONFIRMED")
        if where:
            event.add("location", where)
        calendar.add_component(event)
    text: str = calendar.to_ical().decode()
    return text
