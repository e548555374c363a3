"""Importing a partner's Meeting Guide (TSML) feed into one centre's groups.

Each meeting becomes a group keyed by the source's ``slug`` (else ``id``), stored on the group,
so importing the same feed again updates what changed and creates nothing twice. Entries that
share a slug (one a weekday) are one group meeting on several days. Mapping:

- ``day`` (0 = Sunday, or a list) and ``time``/``end_time`` → ``FREQ=WEEKLY;BYDAY=..;BYHOUR=..;
  BYMINUTE=..`` and the duration (60 minutes without an end time);
- ``types``: ``ONL`` or a ``conference_url`` → ONLINE (HYBRID with an address too); W, M, Y,
  SEN, LGBTQ, BE → audience; X, XB, ASL → accessibility; EN, HI, ... → languages; DD → focus;
- every group is a SUPPORT_GROUP for ADDICTION_RECOVERY (what TSML feeds list), capacity 30.

Each group is checked by the same rules as ``createGroup``; one that breaks them is skipped with
the reason. Each is stored with its timetable queued for sessions in one transaction.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from saathi.errors import BadUserInput, NotFound, SaathiError
from saathi.ids import new_id
from saathi.service.clock import Clock, system_clock
from services.directory import repository
from services.directory.domain import feeds, timetables
from services.directory.domain.records import Address, Centre, Group, Point
from services.directory.domain.validation import GroupFields, ScheduleFields, build_group

DEFAULT_TIMEZONE = "Asia/Kolkata"
DEFAULT_DURATION = 60
DEFAULT_CAPACITY = 30
_RRULE_DAYS = {number: code for code, number in feeds.TSML_DAYS.items()}
_AUDIENCE = {"W": "WOMEN", "M": "MEN", "Y": "YOUTH", "SEN": "SENIORS", "BE": "NEWCOMERS"}
_AUDIENCE |= dict.fromkeys(("LGBTQ", "G", "L", "BI", "T"), "LGBTQIA")
_ACCESSIBILITY = {code: name for name, code in feeds.ACCESSIBILITY_TYPES.items()}
_LANGUAGES = {code: language for language, code in feeds.LANGUAGE_TYPES.items()}


class FeedUnreadable(SaathiError):
    """The feed could not be fetched or is not a JSON list of meetings."""

    code = BadUserInput.code


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    details: list[str] = field(default_factory=list)

    def skip(self, ref: str, reason: str) -> None:
        self.skipped[reason] += 1
        self.details.append(f"skipped {ref}: {reason}")

    def summary(self) -> str:
        """One line: ``created 3, updated 1, skipped 2 (unchanged: 1; no time: 1)``."""
        line = f"created {self.created}, updated {self.updated}, skipped {self.skipped.total()}"
        if self.skipped:
            reasons = "; ".join(f"{why}: {n}" for why, n in sorted(self.skipped.items()))
            line += f" ({reasons})"
        return line


async def read_feed(url: str) -> Any:
    """The decoded JSON at ``url``: ``file://`` paths and http(s) addresses."""
    parts = urlsplit(url)
    try:
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
            return json.loads(await asyncio.to_thread(path.read_text, encoding="utf-8"))
        if parts.scheme in ("http", "https"):
            async with httpx.AsyncClient(timeout=30, follow_redirects=True) as client:
                response = await client.get(url)
                response.raise_for_status()
                return response.json()
    except (OSError, ValueError, httpx.HTTPError) as exc:
        raise FeedUnreadable(f"Could not read the feed at {url}: {exc}") from exc
    raise FeedUnreadable(f"Give a file:// path or an http(s) URL, not {url!r}.")


def _ref(meeting: dict[str, Any]) -> str | None:
    ref = meeting.get("slug") or meeting.get("id")
    return None if ref is None else str(ref)[:200]


def _days(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    days = []
    for item in values:
        try:
            day = int(item)
        except (TypeError, ValueError):
            raise BadUserInput(f"day {item!r} is not 0 (Sunday) to 6") from None
        if not 0 <= day <= 6:
            raise BadUserInput(f"day {item!r} is not 0 (Sunday) to 6")
        days.append(day)
    if not days:
        raise BadUserInput("no day")
    return days


def _minutes(value: Any, name: str) -> int:
    try:
        hours, minutes = (int(part) for part in str(value).split(":")[:2])
    except ValueError:
        raise BadUserInput(f"{name} {value!r} is not HH:MM") from None
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise BadUserInput(f"{name} {value!r} is not HH:MM")
    return hours * 60 + minutes


def _float(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def group_fields(meetings: Sequence[dict[str, Any]], centre: Centre) -> GroupFields:
    """The group that one source meeting (its entries for every day) describes."""
    first = meetings[0]
    if not first.get("time"):
        raise BadUserInput("no time")
    days = sorted({day for m in meetings for day in _days(m.get("day"))})
    start = _minutes(first["time"], "time")
    duration = DEFAULT_DURATION
    if first.get("end_time"):
        duration = (_minutes(first["end_time"], "end_time") - start) % (24 * 60)
    rrule = (
        f"FREQ=WEEKLY;BYDAY={','.join(_RRULE_DAYS[d] for d in days)};"
        f"BYHOUR={start // 60};BYMINUTE={start % 60}"
    )
    types = {str(t).upper() for t in first.get("types") or ()}
    join_url = first.get("conference_url") or None
    if join_url is not None and not isinstance(join_url, str):
        raise BadUserInput("onlineJoinUrl (conference_url) must be a string")
    lat, lng = _float(first.get("latitude")), _float(first.get("longitude"))
    has_place = bool(first.get("address")) and lat is not None and lng is not None
    online = "ONL" in types or join_url is not None or first.get("attendance_option") == "online"
    format_ = ("HYBRID" if has_place else "ONLINE") if online else "IN_PERSON"
    languages = tuple(_LANGUAGES[t] for t in sorted(types) if t in _LANGUAGES)
    return GroupFields(
        centre_id=centre.id,
        name=str(first.get("name") or ""),
        description=str(first.get("notes") or ""),
        kind="SUPPORT_GROUP",
        focus=("ADDICTION_RECOVERY", *(("DUAL_DIAGNOSIS",) if "DD" in types else ())),
        format=format_,
        languages=languages or None,
        audience=tuple(sorted({_AUDIENCE[t] for t in types if t in _AUDIENCE})) or None,
        accessibility=tuple(sorted({_ACCESSIBILITY[t] for t in types if t in _ACCESSIBILITY})),
        capacity=DEFAULT_CAPACITY,
        schedule=ScheduleFields(
            rrule, str(first.get("timezone") or DEFAULT_TIMEZONE), duration, None
        ),
        online_join_url=join_url,
        address=Address(first.get("address"), first.get("city"), first.get("postal_code"))
        if has_place
        else None,
        location=Point(lat, lng) if has_place and lat is not None and lng is not None else None,
    )


def _same(a: Group, b: Group) -> bool:
    """Equal but for the time of writing (and the start date, which an import does not set)."""
    schedule = replace(a.schedule, starts_on=b.schedule.starts_on)
    return replace(a, updated_at=None, schedule=schedule) == replace(b, updated_at=None)


async def import_tsml(document: Any, centre_id: str, clock: Clock = system_clock) -> ImportReport:
    """Import a TSML feed (a JSON list of meetings) into ``centre_id``'s groups."""
    if not isinstance(document, list):
        raise FeedUnreadable("A TSML feed is a JSON list of meetings.")
    centre = (await repository.centres_by_ids([centre_id])).get(centre_id)
    if centre is None:
        raise NotFound(f"No centre has the id {centre_id!r}.")
    report = ImportReport()
    by_ref: dict[str, list[dict[str, Any]]] = {}
    for index, meeting in enumerate(document):
        ref = _ref(meeting) if isinstance(meeting, dict) else None
        if ref is None:
            report.skip(f"entry {index}", "no slug or id")
            continue
        by_ref.setdefault(ref, []).append(meeting)
    stored = await repository.groups_by_source(centre.id, list(by_ref))
    now = clock()
    for ref, meetings in by_ref.items():
        old = stored.get(ref)
        try:
            group = build_group(
                old.id if old else new_id("grp"),
                centre,
                group_fields(meetings, centre),
                None,
                today=old.schedule.starts_on if old else now.date(),
                updated_at=now,
                source_ref=ref,
            )
        except BadUserInput as error:
            report.skip(ref, error.message.rstrip("."))
            continue
        if old is not None and _same(group, old):
            report.skip(ref, "unchanged")
            continue
        await timetables.save_group(group)
        if old is None:
            report.created += 1
        else:
            report.updated += 1
    return report
