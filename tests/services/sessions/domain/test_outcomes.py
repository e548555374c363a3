"""What sessions passes on of consent's answers about outcomes: exactly what it released, and
nothing it did not ask for."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from saathi.peers import PeerUnavailable
from saathi.service.internal.contracts import (
    GroupChange,
    ProgrammeChanges,
    ReadAuthorised,
    SharedCheckin,
    SharedGoal,
)
from services.sessions.domain import outcomes
from services.sessions.domain.wellbeing_change import WITHHELD, Who5Change, released_changes

AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def test_released_checkins_and_goals_are_passed_on_as_given() -> None:
    answer = ReadAuthorised(
        consent_id="cns_1",
        categories=["WELLBEING", "GOALS"],
        wellbeing=[SharedCheckin(at=AT, who5_total=7, who5_percent=28)],
        goals=[
            SharedGoal(
                id="gol_1", title="Walk", target_date=date(2027, 1, 31), progress=40, achieved=False
            )
        ],
    )

    assert outcomes.checkins(answer) == [outcomes.SharedCheckin(AT, 7, 28, None)]
    assert outcomes.goals(answer) == [
        outcomes.SharedGoal("gol_1", "Walk", date(2027, 1, 31), 40, False)
    ]


def test_a_granted_category_consent_did_not_release_is_unavailable_never_empty() -> None:
    answer = ReadAuthorised(consent_id="cns_1", categories=["WELLBEING", "GOALS"])

    with pytest.raises(PeerUnavailable):
        outcomes.checkins(answer)
    with pytest.raises(PeerUnavailable):
        outcomes.goals(answer)


def test_only_released_figures_of_groups_asked_about_are_kept() -> None:
    answer = ProgrammeChanges(
        groups=[
            GroupChange(group_id="grp_a", suppressed=False, average_who5_change=6.5),
            GroupChange(group_id="grp_b", suppressed=True, average_who5_change=3.0),
            GroupChange(group_id="grp_other", suppressed=False, average_who5_change=9.0),
            GroupChange(group_id="grp_c", suppressed=False),
        ]
    )

    found = released_changes(answer, {"grp_a", "grp_b", "grp_c"})

    assert found == {"grp_a": Who5Change(6.5, False)}
    assert found.get("grp_b", WITHHELD) == WITHHELD
