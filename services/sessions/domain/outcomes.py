"""The participant's own outcomes (wellbeing check-ins, goals) as consent releases them with a
consented read: consent holds them, sessions only passes on what the answer carries for the
categories granted. A granted category consent did not answer is ``PeerUnavailable``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from saathi.peers import PeerUnavailable
from saathi.service.internal.contracts import ReadAuthorised

UNRELEASED = "The consent service granted outcomes it did not release."


@dataclass(frozen=True)
class SharedCheckin:
    at: datetime
    who5_total: int
    who5_percent: int
    barc10_total: int | None


@dataclass(frozen=True)
class SharedGoal:
    id: str
    title: str
    target_date: date | None
    progress: int
    achieved: bool


def checkins(answer: ReadAuthorised) -> list[SharedCheckin]:
    if answer.wellbeing is None:
        raise PeerUnavailable(UNRELEASED)
    return [
        SharedCheckin(c.at, c.who5_total, c.who5_percent, c.barc10_total) for c in answer.wellbeing
    ]


def goals(answer: ReadAuthorised) -> list[SharedGoal]:
    if answer.goals is None:
        raise PeerUnavailable(UNRELEASED)
    return [SharedGoal(g.id, g.title, g.target_date, g.progress, g.achieved) for g in answer.goals]
