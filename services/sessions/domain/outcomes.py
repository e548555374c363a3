"""The participant's own outcomes (wellbeing check-ins, goals) as consent releases them with a
consented read: consent holds them, sessions only passes on what the answer carries for the
categories granted. An answer sessions cannot read is ``PeerUnavailable``, never a guess."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from saathi.peers import PeerUnavailable

UNREADABLE = "The consent service released outcomes sessions cannot read."


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


def _list(answer: dict[str, Any], name: str) -> list[dict[str, Any]]:
    raw = answer.get(name)
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise PeerUnavailable(UNREADABLE)
    return raw


def checkins(answer: dict[str, Any]) -> list[SharedCheckin]:
    try:
        return [
            SharedCheckin(
                at=datetime.fromisoformat(item["at"]),
                who5_total=int(item["who5Total"]),
                who5_percent=int(item["who5Percent"]),
                barc10_total=None if item["barc10Total"] is None else int(item["barc10Total"]),
            )
            for item in _list(answer, "wellbeing")
        ]
    except (KeyError, TypeError, ValueError):
        raise PeerUnavailable(UNREADABLE) from None


def goals(answer: dict[str, Any]) -> list[SharedGoal]:
    try:
        return [
            SharedGoal(
                id=str(item["id"]),
                title=str(item["title"]),
                target_date=None
                if item["targetDate"] is None
                else date.fromisoformat(item["targetDate"]),
                progress=int(item["progress"]),
                achieved=bool(item["achieved"]),
            )
            for item in _list(answer, "goals")
        ]
    except (KeyError, TypeError, ValueError):
        raise PeerUnavailable(UNREADABLE) from None
