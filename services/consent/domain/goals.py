"""Recovery goals: set by the participant for themselves, sealed under their own data key.

A goal's text, target date, progress (0 to 100) and latest progress note are one sealed blob,
bound to the participant and the goal's id; only the owner, the id and the times are plain.
Nobody but the participant reads them, except staff of a centre under a live consent that
covers ``GOALS`` (``sharedRecord``), and then without the progress note. Another participant's
goal is answered exactly as a missing one (``NOT_FOUND``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from saathi.crypto import seal, unseal
from saathi.errors import BadUserInput, NotFound
from saathi.ids import is_id, new_id
from saathi.keystore import KeyStore
from saathi.service.connections import Page
from saathi.tokens import Principal
from services.consent import repository
from services.consent.domain import keyset
from services.consent.domain.deps import Deps
from services.consent.domain.participants import signed_in
from services.consent.domain.personal import data_key_of
from services.consent.domain.records import GoalRecord
from services.consent.repository import wellbeing as store

MAX_TITLE = 200
MAX_NOTE = 1000
MAX_GOALS = 50  # a person's own list, not a store for anything else
CURSOR_KIND = "goals"
NO_SUCH_GOAL = "You have no goal with the id {id!r}."


@dataclass(frozen=True)
class Goal:
    """A goal opened with its owner's key."""

    id: str
    participant_id: str
    title: str
    target_date: date | None
    progress: int
    note: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def achieved(self) -> bool:
        return self.progress == 100


def _associated(participant_id: str, goal_id: str) -> bytes:
    return f"{participant_id}:{goal_id}".encode()


def seal_goal(key: bytes, goal: Goal) -> bytes:
    content = {
        "title": goal.title,
        "targetDate": None if goal.target_date is None else goal.target_date.isoformat(),
        "progress": goal.progress,
        "note": goal.note,
    }
    plain = json.dumps(content, separators=(",", ":")).encode()
    return seal(key, plain, _associated(goal.participant_id, goal.id))


def _open(key: bytes, record: GoalRecord) -> Goal:
    raw = json.loads(unseal(key, record.sealed, _associated(record.participant_id, record.id)))
    target = raw.get("targetDate")
    return Goal(
        id=record.id,
        participant_id=record.participant_id,
        title=str(raw["title"]),
        target_date=None if target is None else date.fromisoformat(target),
        progress=int(raw["progress"]),
        note=raw.get("note"),
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def open_goals(keys: KeyStore, records: Sequence[GoalRecord]) -> list[Goal]:
    """The goals whose owner's key still exists, opened."""
    found = keys.get_many({record.participant_id for record in records})
    return [
        _open(found[record.participant_id], record)
        for record in records
        if record.participant_id in found
    ]


def _title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        raise BadUserInput(f"title must be 1 to {MAX_TITLE} characters.")
    return title


def _note(note: str | None) -> str | None:
    note = None if note is None else note.strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise BadUserInput(f"note may be at most {MAX_NOTE} characters.")
    return note


async def _own(deps: Deps, viewer: Principal, goal_id: str) -> tuple[bytes, Goal]:
    """The participant's goal and their key; another's goal is answered as a missing one."""
    record = await store.goal_by_id(goal_id) if is_id(goal_id, "gol") else None
    key = None if record is None else deps.keys.get(record.participant_id)
    if record is None or record.participant_id != viewer.subject or key is None:
        raise NotFound(NO_SUCH_GOAL.format(id=goal_id))
    return key, _open(key, record)


async def set_goal(
    deps: Deps,
    viewer: Principal,
    *,
    goal_id: str | None,
    title: str,
    target_date: date | None,
) -> Goal:
    """A new goal (no ``goal_id``), or one of the participant's goals with a new title and
    target date (its progress kept)."""
    clean = _title(title)
    now = deps.clock()
    if goal_id is not None:
        key, goal = await _own(deps, viewer, goal_id)
        changed = replace(goal, title=clean, target_date=target_date, updated_at=now)
        if not await store.replace_goal(goal.id, viewer.subject, seal_goal(key, changed), now):
            raise NotFound(NO_SUCH_GOAL.format(id=goal_id))
        return changed
    participant = signed_in(await repository.participant_by_id(viewer.subject))
    if await store.count_goals(participant.id) >= MAX_GOALS:
        raise BadUserInput(f"You have {MAX_GOALS} goals; update or finish one first.")
    goal = Goal(
        id=new_id("gol"),
        participant_id=participant.id,
        title=clean,
        target_date=target_date,
        progress=0,
        note=None,
        created_at=now,
        updated_at=now,
    )
    key = data_key_of(deps.keys, participant.id)
    await store.add_goal(
        GoalRecord(
            id=goal.id,
            participant_id=goal.participant_id,
            created_at=now,
            updated_at=now,
            sealed=seal_goal(key, goal),
        )
    )
    return goal


async def update_progress(
    deps: Deps, viewer: Principal, goal_id: str, progress: int, note: str | None
) -> Goal:
    """Record how far the participant has come with one of their goals (0 to 100)."""
    if not 0 <= progress <= 100:
        raise BadUserInput("progress is a percentage, 0 to 100.")
    clean = _note(note)
    key, goal = await _own(deps, viewer, goal_id)
    now = deps.clock()
    changed = replace(goal, progress=progress, note=clean, updated_at=now)
    if not await store.replace_goal(goal.id, viewer.subject, seal_goal(key, changed), now):
        raise NotFound(NO_SUCH_GOAL.format(id=goal_id))
    return changed


def cursor_of(goal: Goal | GoalRecord) -> str:
    return keyset.encode(CURSOR_KIND, goal.created_at, goal.id)


async def goal_page(
    deps: Deps, participant_id: str, first: int | None, after: str | None
) -> Page[Goal]:
    size = keyset.page_size(first)
    position = keyset.decode(CURSOR_KIND, "gol", after)
    records = await store.goals_page(participant_id, position, size + 1)
    return keyset.page(records, size, cursor_of, lambda shown: open_goals(deps.keys, shown))


async def count(participant_id: str) -> int:
    return await store.count_goals(participant_id)


async def all_goals(deps: Deps, participant_id: str) -> list[Goal]:
    """Every goal of the participant, newest first (for a centre reading under consent)."""
    return open_goals(deps.keys, await store.all_goals(participant_id))
