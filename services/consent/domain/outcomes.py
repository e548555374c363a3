"""What a consented read releases of the participant's own outcomes (``sharedRecord``).

Consent holds the check-ins and goals, so it answers them in the very call that checks the
consent and logs the read (``POST /internal/consents/authorise-read``): only for categories the
live consent grants, only the scores (never the check-in's note, never a goal's progress note,
which the participant wrote for themselves), and only the newest ``MAX_RELEASED`` of each.
"""

from __future__ import annotations

from collections.abc import Sequence

from saathi.consent_terms import DataCategory
from saathi.service.internal import contracts as api
from services.consent.domain import goals, wellbeing
from services.consent.domain.deps import Deps

MAX_RELEASED = 200


async def released(
    deps: Deps, participant_id: str, granted: Sequence[DataCategory]
) -> tuple[list[api.SharedCheckin] | None, list[api.SharedGoal] | None]:
    """The check-ins and goals for the granted outcome categories (``None`` for the others)."""
    checkins = None
    if DataCategory.WELLBEING in granted:
        checkins = [
            api.SharedCheckin(
                at=checkin.at,
                who5_total=checkin.scores.who5_raw,
                who5_percent=checkin.scores.who5_percent,
                barc10_total=checkin.scores.barc10_total,
            )
            for checkin in (await wellbeing.all_checkins(deps, participant_id))[:MAX_RELEASED]
        ]
    shared_goals = None
    if DataCategory.GOALS in granted:
        shared_goals = [
            api.SharedGoal(
                id=goal.id,
                title=goal.title,
                target_date=goal.target_date,
                progress=goal.progress,
                achieved=goal.achieved,
            )
            for goal in (await goals.all_goals(deps, participant_id))[:MAX_RELEASED]
        ]
    return checkins, shared_goals
