"""The crisis lines for a city, asked of the directory, which owns them.

Consent asks with its service token and the city alone (``POST /internal/crisis-lines``), never
with the participant's token or id: the directory learns that someone in a city was shown the
lines, not who, nor that a check-in was low. Nothing is copied or cached here; when the
directory cannot be reached the lines are ``PeerUnavailable`` (the check-in is saved anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saathi.peers import PeerUnavailable
from services.consent.domain.deps import Deps

DIRECTORY_CRISIS_LINES = "/internal/crisis-lines"


@dataclass(frozen=True)
class CrisisLine:
    name: str
    phone: str
    hours: str
    languages: tuple[str, ...]
    description: str


def _line(raw: Any) -> CrisisLine:
    if not isinstance(raw, dict):
        raise PeerUnavailable(
            "The directory answered crisis lines the consent service cannot read."
        )
    try:
        return CrisisLine(
            name=str(raw["name"]),
            phone=str(raw["phone"]),
            hours=str(raw["hours"]),
            languages=tuple(str(language) for language in raw["languages"]),
            description=str(raw["description"]),
        )
    except (KeyError, TypeError):
        raise PeerUnavailable(
            "The directory answered crisis lines the consent service cannot read."
        ) from None


async def crisis_lines(deps: Deps, city: str | None) -> list[CrisisLine]:
    """The national lines, then any for ``city``, as the directory lists them."""
    answer = await deps.call("directory", DIRECTORY_CRISIS_LINES, {"city": city})
    lines = answer.get("lines")
    if not isinstance(lines, list):
        raise PeerUnavailable("The directory answered crisis lines without lines.")
    return [_line(raw) for raw in lines]
