"""Wellbeing check-ins: WHO-5 (and, in addiction recovery, BARC-10) recorded by the participant
for themselves, sealed under their own data key.

WHO-5 has five items scored 0 to 5: the raw total (0 to 25) times 4 is the 0 to 100 scale. A
raw total of 7 or below (28 or below on the 0 to 100 scale) is the instrument's own mark of
poor wellbeing worth talking to someone about: the saved check-in then comes back with the
crisis lines for the participant's home city and a gentle suggestion, and nobody else is told.
BARC-10 (Brief Assessment of Recovery Capital) has ten items scored 1 to 6 (total 10 to 60).

The scores and the participant's note are one sealed blob, bound to the participant and the
check-in's id; only the owner, the id and the time are plain, so a copy of the database says
that someone checked in, never how they were. Erasing the account deletes the rows and destroys
the key (docs/erasure.md).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from saathi.crypto import seal, unseal
from saathi.errors import BadUserInput
from saathi.ids import new_id
from saathi.keystore import KeyStore
from saathi.service.connections import Page
from saathi.tokens import Principal
from services.consent import repository
from services.consent.domain import keyset
from services.consent.domain.deps import Deps
from services.consent.domain.participants import signed_in
from services.consent.domain.personal import HOME_CITY_FIELD, data_key_of, open_field
from services.consent.domain.records import WellbeingCheckinRecord
from services.consent.repository import wellbeing as store

WHO5_ITEMS, WHO5_MIN, WHO5_MAX = 5, 0, 5
BARC10_ITEMS, BARC10_MIN, BARC10_MAX = 10, 1, 6
LOW_WHO5_RAW = 7  # 28 or below on the 0 to 100 scale
MAX_NOTE = 1000
# A change of 10 points on the 0 to 100 scale is the smallest the WHO-5 treats as meaningful.
MEANINGFUL_CHANGE = 10
TREND_WINDOW = timedelta(weeks=12)
CURSOR_KIND = "wellbeing"
SUPPORT_MESSAGE = (
    "Thank you for checking in. It sounds like things are hard right now. You do not have to "
    "carry this alone: talking to someone can help, whether a person you trust, your peer "
    "supporter, or one of these free helplines, any time of day. If you are in danger, call 112."
)


@dataclass(frozen=True)
class Scores:
    """One check-in's answers, as the participant gave them."""

    who5: tuple[int, ...]
    barc10: tuple[int, ...] | None
    note: str | None

    @property
    def who5_raw(self) -> int:
        return sum(self.who5)

    @property
    def who5_percent(self) -> int:
        return self.who5_raw * 4

    @property
    def barc10_total(self) -> int | None:
        return None if self.barc10 is None else sum(self.barc10)

    @property
    def low(self) -> bool:
        return self.who5_raw <= LOW_WHO5_RAW


@dataclass(frozen=True)
class Checkin:
    """A check-in opened with its owner's key."""

    id: str
    at: datetime
    scores: Scores


def _items(name: str, values: Sequence[int], count: int, low: int, high: int) -> tuple[int, ...]:
    if len(values) != count or any(not low <= value <= high for value in values):
        raise BadUserInput(f"{name} takes {count} items, each scored {low} to {high}.")
    return tuple(values)


def scores_of(who5: Sequence[int], barc10: Sequence[int] | None, note: str | None) -> Scores:
    """The answers, checked: any item out of range is ``BAD_USER_INPUT``."""
    if note is not None:
        note = note.strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise BadUserInput(f"note may be at most {MAX_NOTE} characters.")
    return Scores(
        who5=_items("who5", who5, WHO5_ITEMS, WHO5_MIN, WHO5_MAX),
        barc10=None
        if barc10 is None
        else _items("barc10", barc10, BARC10_ITEMS, BARC10_MIN, BARC10_MAX),
        note=note,
    )


def _associated(participant_id: str, checkin_id: str) -> bytes:
    return f"{participant_id}:{checkin_id}".encode()


def seal_scores(key: bytes, participant_id: str, checkin_id: str, scores: Scores) -> bytes:
    content = {"who5": list(scores.who5), "barc10": scores.barc10, "note": scores.note}
    plain = json.dumps(content, separators=(",", ":")).encode()
    return seal(key, plain, _associated(participant_id, checkin_id))


def open_checkins(keys: KeyStore, records: Sequence[WellbeingCheckinRecord]) -> list[Checkin]:
    """The check-ins whose owner's key still exists, opened (others cannot be read by anyone)."""
    found = keys.get_many({record.participant_id for record in records})
    opened = []
    for record in records:
        key = found.get(record.participant_id)
        if key is None:
            continue
        raw = json.loads(unseal(key, record.sealed, _associated(record.participant_id, record.id)))
        barc10 = raw.get("barc10")
        scores = Scores(
            who5=tuple(raw["who5"]),
            barc10=None if barc10 is None else tuple(barc10),
            note=raw.get("note"),
        )
        opened.append(Checkin(id=record.id, at=record.at, scores=scores))
    return opened


@dataclass(frozen=True)
class Support:
    """What a low WHO-5 brings back: a gentle word, and the city whose crisis lines to list
    (``None``: the national lines only)."""

    message: str
    city: str | None


@dataclass(frozen=True)
class Recorded:
    checkin: Checkin
    support: Support | None


async def record_checkin(
    deps: Deps,
    viewer: Principal,
    who5: Sequence[int],
    barc10: Sequence[int] | None,
    note: str | None,
) -> Recorded:
    """Save the participant's check-in, sealed; with support when their WHO-5 is low."""
    scores = scores_of(who5, barc10, note)
    participant = signed_in(await repository.participant_by_id(viewer.subject))
    checkin_id = new_id("wbc")
    now = deps.clock()
    key = data_key_of(deps.keys, participant.id)
    await store.add_checkin(
        WellbeingCheckinRecord(
            id=checkin_id,
            participant_id=participant.id,
            at=now,
            sealed=seal_scores(key, participant.id, checkin_id, scores),
        )
    )
    support = None
    if scores.low:
        city = open_field(deps.keys, participant.id, HOME_CITY_FIELD, participant.home_city_sealed)
        support = Support(message=SUPPORT_MESSAGE, city=city)
    return Recorded(checkin=Checkin(id=checkin_id, at=now, scores=scores), support=support)


class Direction(enum.Enum):
    """How the WHO-5 moved over the trend window: by 10 points or more, or less."""

    IMPROVING = "IMPROVING"
    STEADY = "STEADY"
    WORSENING = "WORSENING"


@dataclass(frozen=True)
class Trend:
    """The WHO-5 over the last 12 weeks: first and latest (0 to 100), the change, the mean."""

    since: datetime
    checkins: int
    first_percent: int
    latest_percent: int
    change: int
    average_percent: float
    direction: Direction


def trend_of(checkins: Sequence[Checkin]) -> Trend | None:
    """The trend of check-ins given oldest first; ``None`` with fewer than two."""
    if len(checkins) < 2:
        return None
    first, latest = checkins[0].scores.who5_percent, checkins[-1].scores.who5_percent
    change = latest - first
    direction = Direction.STEADY
    if change >= MEANINGFUL_CHANGE:
        direction = Direction.IMPROVING
    elif change <= -MEANINGFUL_CHANGE:
        direction = Direction.WORSENING
    average = sum(c.scores.who5_percent for c in checkins) / len(checkins)
    return Trend(
        since=checkins[0].at,
        checkins=len(checkins),
        first_percent=first,
        latest_percent=latest,
        change=change,
        average_percent=round(average, 1),
        direction=direction,
    )


async def trend(deps: Deps, participant_id: str) -> Trend | None:
    since = deps.clock() - TREND_WINDOW
    records = await store.checkins_since(participant_id, since)
    return trend_of(open_checkins(deps.keys, records))


def cursor_of(checkin: Checkin | WellbeingCheckinRecord) -> str:
    return keyset.encode(CURSOR_KIND, checkin.at, checkin.id)


async def checkin_page(
    deps: Deps, participant_id: str, first: int | None, after: str | None
) -> Page[Checkin]:
    """Up to ``first`` of the participant's check-ins, newest first, after ``after``."""
    size = keyset.page_size(first)
    position = keyset.decode(CURSOR_KIND, "wbc", after)
    records = await store.checkins_page(participant_id, position, size + 1)
    return keyset.page(records, size, cursor_of, lambda shown: open_checkins(deps.keys, shown))


async def count(participant_id: str) -> int:
    return await store.count_checkins(participant_id)


async def all_checkins(deps: Deps, participant_id: str) -> list[Checkin]:
    """Every check-in of the participant, newest first (for a centre reading under consent)."""
    records = await store.checkins_of(participant_id)
    return list(reversed(open_checkins(deps.keys, records)))
