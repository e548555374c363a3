"""The crisis lines for a city, asked of the directory, which owns them.

Consent asks with its service token and the city alone (``POST /internal/crisis-lines``), never
with the participant's token or id: the directory learns that someone in a city was shown the
lines, not who, nor that a check-in was low. Nothing is copied or cached here; when the
directory cannot be reached the lines are ``PeerUnavailable`` (the check-in is saved anyway).
"""

from __future__ import annotations

from dataclasses import dataclass

from saathi.service.internal.client import call
from saathi.service.internal.contracts import CRISIS_LINES, CrisisLinesRequest
from services.consent.domain.deps import Deps


@dataclass(frozen=True)
class CrisisLine:
    name: str
    phone: str
    hours: str
    languages: tuple[str, ...]
    description: str


async def crisis_lines(deps: Deps, city: str | None) -> list[CrisisLine]:
    """The national lines, then any for ``city``, as the directory lists them."""
    answer = await call(deps.peers, CRISIS_LINES, CrisisLinesRequest(city=city))
    return [
        CrisisLine(
            name=line.name,
            phone=line.phone,
            hours=line.hours,
            languages=tuple(line.languages),
            description=line.description,
        )
        for line in answer.lines
    ]
