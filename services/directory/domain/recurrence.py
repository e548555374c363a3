"""Schedules for people: an RFC 5545 RRULE read and said as a sentence."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from saathi.errors import BadUserInput
from saathi.times import clock
from services.directory.domain.records import Schedule

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def parse_rrule(rrule: str) -> dict[str, str]:
    """The parts of an RFC 5545 RRULE (``FREQ=WEEKLY;BYDAY=TU``), keys upper-cased."""
    text = rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts: dict[str, str] = {}
    for item in filter(None, text.split(";")):
        name, sep, value = item.partition("=")
        if not sep or not value:
            raise BadUserInput(f"The schedule rule {rrule!r} is not an RFC 5545 RRULE.")
        parts[name.strip().upper()] = value.strip().upper()
    if parts.get("FREQ") not in _FREQUENCIES:
        raise BadUserInput(f"The schedule rule {rrule!r} needs FREQ of {', '.join(_FREQUENCIES)}.")
    return parts


def schedule_summary(schedule: Schedule) -> str:
    """A sentence for people: "Every Tuesday, 6:00 pm to 7:30 pm".

    The rule's hours are wall-clock hours in the group's time zone, so the times read as the
    rule gives them (written as ``saathi.times.clock`` writes every time); the end is the start
    plus the duration.
    """
    rule = parse_rrule(schedule.rrule)
    start = time(_first_int(rule.get("BYHOUR"), 0), _first_int(rule.get("BYMINUTE"), 0))
    end = (datetime.combine(date.min, start) + timedelta(minutes=schedule.duration_minutes)).time()
    sentence = f"{_pattern(rule, schedule.starts_on)}, {clock(start)} to {clock(end)}"
    if "UNTIL" in rule:
        until = _until(rule["UNTIL"])
        sentence += f", until {until.day} {until:%B %Y}"
    return sentence


def _pattern(rule: dict[str, str], starts_on: date) -> str:
    freq, interval = rule["FREQ"], _first_int(rule.get("INTERVAL"), 1)
    days = [d[-2:] for d in rule["BYDAY"].split(",")] if "BYDAY" in rule else []
    if freq == "DAILY" and not days:
        return _every(interval, "day").capitalize()
    if freq in ("DAILY", "WEEKLY"):
        return _weekly(days or [_DAYS[starts_on.weekday()]], interval)
    if freq == "MONTHLY":
        return f"The {_day_of_month(rule, starts_on)} of {_every(interval, 'month')}"
    return f"{_every(interval, 'year').capitalize()} on {starts_on.day} {starts_on:%B}"


def _weekly(days: list[str], interval: int) -> str:
    ordered = sorted(set(days), key=_DAYS.index)
    if len(ordered) == 7:
        named = "day"
    elif ordered == list(_DAYS[:5]):
        named = "weekday"
    else:
        named = _and([_DAY_NAMES[d] for d in ordered])
    if interval == 1:
        return f"Every {named}"
    if interval == 2:
        return f"Every other {named}"
    return f"Every {interval} weeks on {named}"


def _day_of_month(rule: dict[str, str], starts_on: date) -> str:
    if "BYDAY" in rule:
        days = rule["BYDAY"].split(",")
        ordinal = int(days[0][:-2] or "1")
        return f"{_ORDINALS.get(ordinal, _nth(ordinal))} {_and([_DAY_NAMES[d[-2:]] for d in days])}"
    day = _first_int(rule.get("BYMONTHDAY"), starts_on.day)
    return "last day" if day == -1 else _nth(day)


def _every(interval: int, unit: str) -> str:
    if interval == 1:
        return f"every {unit}"
    if interval == 2:
        return f"every other {unit}"
    return f"every {interval} {unit}s"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _first_int(value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value.split(",")[0])
    except ValueError:
        raise BadUserInput(f"{value!r} is not a number in the schedule rule.") from None


def _until(value: str) -> date:
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        raise BadUserInput(f"UNTIL={value} is not a date in the schedule rule.") from None
