"""What sessions passes on of consent's answers about outcomes: exactly what it can read, and
nothing it did not ask for."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from saathi.peers import PeerUnavailable
from services.sessions.domain import outcomes
from services.sessions.domain.wellbeing_change import WITHHELD, Who5Change, released_changes

AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def test_released_checkins_and_goals_are_read_as_given() -> None:
    answer = {
        "wellbeing": [
            {"at": AT.isoformat(), "who5Total": 7, "who5Percent": 28, "barc10Total": None}
        ],
        "goals": [
            {
                "id": "gol_1",
                "title": "Walk",
                "targetDate": "2027-01-31",
                "progress": 40,
                "achieved": False,
            }
        ],
    }

    assert outcomes.checkins(answer) == [outcomes.SharedCheckin(AT, 7, 28, None)]
    assert outcomes.goals(answer) == [
        outcomes.SharedGoal("gol_1", "Walk", date(2027, 1, 31), 40, False)
    ]


@pytest.mark.parametrize(
    "answer",
    [
        {},
        {"wellbeing": "all of it", "goals": None},
        {"wellbeing": [["x"]], "goals": [["x"]]},
        {"wellbeing": [{"at": "yesterday"}], "goals": [{"id": "gol_1"}]},
        {
            "wellbeing": [
                {"at": AT.isoformat(), "who5Total": "x", "who5Percent": 1, "barc10Total": 1}
            ],
            "goals": [
                {"id": "g", "title": "t", "targetDate": "soon", "progress": 1, "achieved": True}
            ],
        },
    ],
)
def test_an_answer_sessions_cannot_read_is_unavailable_never_a_guess(answer: Any) -> None:
    with pytest.raises(PeerUnavailable):
        outcomes.checkins(answer)
    with pytest.raises(PeerUnavailable):
        outcomes.goals(answer)


def test_only_released_figures_of_groups_asked_about_are_kept() -> None:
    answer = {
        "groups": [
            {"groupId": "grp_a", "averageWho5Change": 6.5, "suppressed": False},
            {"groupId": "grp_b", "averageWho5Change": 3.0, "suppressed": True},
            {"groupId": "grp_other", "averageWho5Change": 9.0, "suppressed": False},
            {"groupId": "grp_c", "averageWho5Change": "lots", "suppressed": False},
            "nonsense",
        ]
    }

    found = released_changes(answer, {"grp_a", "grp_b", "grp_c"})

    assert found == {"grp_a": Who5Change(6.5, False)}
    assert found.get("grp_b", WITHHELD) == WITHHELD


@pytest.mark.parametrize("answer", [None, [], {"groups": "all"}])
def test_a_change_answer_without_groups_is_unavailable(answer: Any) -> None:
    with pytest.raises(PeerUnavailable):
        released_changes(answer, {"grp_a"})
