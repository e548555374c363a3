"""The demo network's practice records: every demo facilitator trained and certified, so the
demo's groups may be edited, with a supervision history (idempotent: seeding twice changes
nothing)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from network.demo.description import SUPPORTERS
from services.directory.practice import models
from services.directory.practice.records import TrainingModule

_BY_LABEL = {module.label: module for module in TrainingModule}
# The demo's older names for two modules.
_BY_LABEL.update(
    {
        "recovery planning": TrainingModule.RECOVERY_ORIENTED_PRACTICE,
        "trauma-informed practice": TrainingModule.TRAUMA_INFORMED_CARE,
    }
)


async def seed_demo(today: date | None = None) -> None:
    """Training (as each supporter's ``trainedIn`` lists), a year's certification and monthly
    supervision for every demo supporter, dated from ``today``."""
    today = today or datetime.now(UTC).date()
    for index, supporter in enumerate(SUPPORTERS):
        for offset, label in enumerate(supporter.trained_in):
            module = _BY_LABEL.get(label)
            if module is not None:
                await models.TrainingCompletion.get_or_create(
                    supporter_id=supporter.id,
                    module=module.value,
                    defaults={"completed_on": today - timedelta(days=400 - 10 * offset)},
                )
        await models.SupporterProfile.get_or_create(
            supporter_id=supporter.id,
            defaults={
                "centre_id": supporter.centre_id,
                "languages": ["en", "hi"],
                "certified_on": today - timedelta(days=300),
                "certified_until": today + timedelta(days=65 + 20 * index),
            },
        )
