"""WHO-5 and BARC-10 scoring and the trend, as plain rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from saathi.errors import BadUserInput
from services.consent.domain.wellbeing import Checkin, Direction, scores_of, trend_of

START = datetime(2026, 9, 1, tzinfo=UTC)


def _checkins(*raw_totals: int) -> list[Checkin]:
    made = []
    for week, total in enumerate(raw_totals):
        items = [total // 5 + (1 if i < total % 5 else 0) for i in range(5)]
        made.append(
            Checkin(f"wbc_{week}", START + timedelta(weeks=week), scores_of(items, None, None))
        )
    return made


@pytest.mark.parametrize(
    ("totals", "direction", "change"),
    [
        ((10, 12), Direction.STEADY, 8),
        ((10, 13), Direction.IMPROVING, 12),
        ((13, 11, 10), Direction.WORSENING, -12),
        ((12, 20, 10), Direction.STEADY, -8),
    ],
)
def test_a_change_of_ten_points_or_more_is_a_direction(
    totals: tuple[int, ...], direction: Direction, change: int
) -> None:
    found = trend_of(_checkins(*totals))

    assert found is not None
    assert (found.direction, found.change, found.checkins) == (direction, change, len(totals))


def test_one_checkin_has_no_trend() -> None:
    assert trend_of(_checkins(10)) is None


def test_the_low_mark_is_seven_or_below() -> None:
    assert scores_of([2, 1, 2, 1, 1], None, None).low
    assert not scores_of([2, 2, 2, 1, 1], None, None).low
    assert scores_of([0] * 5, [1] * 10, " ").note is None


def test_an_item_out_of_range_names_the_instrument() -> None:
    with pytest.raises(BadUserInput, match="barc10 takes 10 items, each scored 1 to 6"):
        scores_of([1] * 5, [1] * 10 + [1], None)
