"""The demo participants' own outcomes: eight weeks of weekly WHO-5 check-ins (BARC-10 too for
every other person, as in addiction recovery), two recovery goals each, and consents that let
one centre evaluate its programme from them.

Most people's WHO-5 rises gently over the weeks; one person's falls to a low latest check-in, so
``myWellbeing`` shows every trend. Everyone but the first three (whose consents are the demo's
originals) consents to programme evaluation covering WELLBEING at ``EVALUATION_CENTRE``, so its
``programmeReport`` shows the average WHO-5 change where 11 or more of them attended; two of them
also share goals and check-ins with it for care continuity (``sharedRecord``).

Ids are ``stable_id``s and a person who has check-ins already is left alone: seeding twice
changes nothing. Choices are seeded by the participant's id.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from network.demo import description as demo
from saathi.ids import stable_id
from services.consent.domain import goals as goal_rules
from services.consent.domain.deps import Deps
from services.consent.domain.personal import data_key_of
from services.consent.domain.records import GoalRecord, ParticipantRecord, WellbeingCheckinRecord
from services.consent.domain.wellbeing import Scores, seal_scores
from services.consent.repository import wellbeing as store

EVALUATION_CENTRE = demo.CENTRES[0]  # its online group gathers people from every city
WEEKS = 8
DECLINING = 4  # the index of the person whose WHO-5 falls to a low latest check-in
GOALS = (
    ("Go to a group every week", 80),
    ("Walk for 30 minutes each morning", 50),
    ("Call my sister on Sundays", 100),
    ("Sleep before 11 on weeknights", 30),
    ("Stay sober through the festival season", 60),
    ("Cook at home four days a week", 20),
    ("Go back to work part-time", 10),
    ("Write three lines in my journal each night", 70),
)


def _items(total: int, count: int, low: int, high: int, rng: random.Random) -> tuple[int, ...]:
    """``count`` items in ``[low, high]`` that add up to ``total`` (clamped to what fits)."""
    total = max(count * low, min(count * high, total))
    items = [low] * count
    for _ in range(total - count * low):
        open_items = [i for i, value in enumerate(items) if value < high]
        items[rng.choice(open_items)] += 1
    return tuple(items)


def weekly_scores(index: int, participant_id: str) -> list[Scores]:
    """The person's check-ins, oldest first: WHO-5 raw totals drifting up (down for one)."""
    rng = random.Random(participant_id)
    who5 = rng.randint(8, 14) if index != DECLINING else 16
    barc10 = rng.randint(28, 38)
    scores = []
    for _ in range(WEEKS):
        scores.append(
            Scores(
                who5=_items(who5, 5, 0, 5, rng),
                barc10=_items(barc10, 10, 1, 6, rng) if index % 2 == 0 else None,
                note=None,
            )
        )
        if index == DECLINING:
            who5 -= rng.choice((1, 2))
        else:
            who5 += rng.choice((0, 1, 1, 2))
        barc10 += rng.choice((0, 1, 2))
    return scores


async def seed_outcomes(deps: Deps, participants: Sequence[ParticipantRecord]) -> None:
    """Write each demo participant's check-ins and goals (inside the caller's transaction)."""
    now = deps.clock().replace(microsecond=0)
    for index, participant in enumerate(participants):
        if await store.count_checkins(participant.id):
            continue
        key = data_key_of(deps.keys, participant.id)
        for week, scores in enumerate(weekly_scores(index, participant.id)):
            checkin_id = stable_id("wbc", f"{participant.id}:{week}")
            await store.add_checkin(
                WellbeingCheckinRecord(
                    id=checkin_id,
                    participant_id=participant.id,
                    at=now - timedelta(weeks=WEEKS - week, hours=index % 12),
                    sealed=seal_scores(key, participant.id, checkin_id, scores),
                )
            )
        for number in range(2):
            title, progress = GOALS[(index + 3 * number) % len(GOALS)]
            created = now - timedelta(weeks=WEEKS - number * 3)
            goal = goal_rules.Goal(
                id=stable_id("gol", f"{participant.id}:{number}"),
                participant_id=participant.id,
                title=title,
                target_date=_target(now, number),
                progress=progress,
                note=None,
                created_at=created,
                updated_at=now - timedelta(days=index % 7),
            )
            await store.add_goal(
                GoalRecord(
                    id=goal.id,
                    participant_id=participant.id,
                    created_at=goal.created_at,
                    updated_at=goal.updated_at,
                    sealed=goal_rules.seal_goal(key, goal),
                )
            )


def _target(now: datetime, number: int) -> date | None:
    return None if number else (now + timedelta(weeks=12)).date()
