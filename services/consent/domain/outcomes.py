"""What a consented read releases of the participant's own outcomes (``sharedRecord``).

Consent holds the check-ins and goals, so it answers them in the very call that checks the
consent and logs the read (``POST /internal/consents/authorise-read``): only for categories the
live consent grants, only the scores (never the check-in's note, never a goal's progress note,
which the participant wrote for themselves), and only the newest ``MAX_RELEASED`` of each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.consent.domain import goals, wellbeing
from services.consent.domain.deps import Deps
from services.consent.domain.records import DataCategory

MAX_RELEASED = 200


async def released(
    deps: Deps, participant_id: str, granted: Sequence[DataCategory]
) -> dict[str, Any]:
    """The JSON members for the granted outcome categories (none for the others)."""
    answer: dict[str, Any] = {}
    if DataCategory.WELLBEING in granted:
        checkins = await wellbeing.all_checkins(deps, participant_id)
        answer["wellbeing"] = [
            {
                "at": checkin.at.isoformat(),
                "who5Total": checkin.scores.who5_raw,
                "who5Percent": checkin.scores.who5_percent,
                "barc10Total": checkin.scores.barc10_total,
            }
            for checkin in checkins[:MAX_RELEASED]
        ]
    if DataCategory.GOALS in granted:
        found = await goals.all_goals(deps, participant_id)
        answer["goals"] = [
            {
                "id": goal.id,
                "title": goal.title,
                "targetDate": None if goal.target_date is None else goal.target_date.isoformat(),
                "progress": goal.progress,
                "achieved": goal.achieved,
            }
            for goal in found[:MAX_RELEASED]
        ]
    return answer
