"""The practice rules on their own: who may facilitate on a date, and who needs attention."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from saathi.errors import BadUserInput
from services.directory.domain.practice import check_facilitator, needing_attention
from services.directory.domain.records import (
    AttentionReason,
    Practice,
    Profile,
    Supporter,
    Training,
    TrainingModule,
)

DAY = date(2026, 6, 1)
ASHA = Supporter("sup_a", "ctr_a", "Asha", ())


def _profile(**overrides: object) -> Profile:
    values: dict[str, object] = {
        "supporter_id": "sup_a",
        "centre_id": "ctr_a",
        "certified_on": DAY - timedelta(days=100),
        "certified_until": DAY + timedelta(days=100),
        "training": (
            Training(TrainingModule.CRISIS_MANAGEMENT, DAY - timedelta(days=200)),
            Training(TrainingModule.BOUNDARIES, DAY - timedelta(days=200)),
        ),
        "last_supervised_on": DAY - timedelta(days=5),
    }
    values.update(overrides)
    return Profile(**values)  # type: ignore[arg-type]


def test_a_certified_and_trained_supporter_may_facilitate() -> None:
    check_facilitator(ASHA, _profile(), DAY)


@pytest.mark.parametrize(
    ("profile", "on", "message"),
    [
        (None, DAY, "is not certified on 2026-06-01"),
        (_profile(certified_until=DAY - timedelta(days=1)), DAY, "is not certified on"),
        (_profile(certified_on=DAY + timedelta(days=1)), DAY, "is not certified on"),
        (
            _profile(training=(Training(TrainingModule.CRISIS_MANAGEMENT, DAY),)),
            DAY,
            "has not completed boundaries training",
        ),
        (
            _profile(
                training=(
                    Training(TrainingModule.CRISIS_MANAGEMENT, DAY + timedelta(days=1)),
                    Training(TrainingModule.BOUNDARIES, DAY + timedelta(days=1)),
                )
            ),
            DAY,
            "has not completed crisis management and boundaries training",
        ),
    ],
)
def test_anyone_else_is_refused_saying_why(profile: Profile | None, on: date, message: str) -> None:
    with pytest.raises(BadUserInput, match=message):
        check_facilitator(ASHA, profile, on)


@pytest.mark.parametrize(
    ("profile", "interval", "reasons"),
    [
        (_profile(), 30, None),
        (
            _profile(certified_until=DAY + timedelta(days=30)),
            30,
            (AttentionReason.CERTIFICATION_ENDING,),
        ),
        (_profile(certified_until=DAY + timedelta(days=31)), 30, None),
        (
            _profile(certified_until=DAY - timedelta(days=1)),
            30,
            (AttentionReason.CERTIFICATION_ENDED,),
        ),
        (
            _profile(last_supervised_on=DAY - timedelta(days=31)),
            30,
            (AttentionReason.SUPERVISION_OVERDUE,),
        ),
        (_profile(last_supervised_on=DAY - timedelta(days=30)), 30, None),
        (
            _profile(last_supervised_on=DAY - timedelta(days=8)),
            7,
            (AttentionReason.SUPERVISION_OVERDUE,),
        ),
        (_profile(last_supervised_on=None), 30, (AttentionReason.SUPERVISION_OVERDUE,)),
    ],
)
def test_attention_at_the_edges(
    profile: Profile, interval: int, reasons: tuple[AttentionReason, ...] | None
) -> None:
    found = needing_attention(profile, Practice("ctr_a", supervision_interval_days=interval), DAY)

    assert (found.reasons if found else None) == reasons
