"""Residents-only groups: a residential centre (nasha mukti kendra) may keep a group for the
people living there. The public cannot book it (FORBIDDEN) and it is not in public search (the
directory leaves it out); its centre_admin admits residents, who then book as anyone would."""

from __future__ import annotations

from datetime import datetime

from saathi.errors import BadUserInput, Forbidden
from saathi.ids import is_id
from saathi.tokens import Principal
from services.sessions.repository import residents


async def check_may_book(group_id: str, participant_id: str) -> None:
    centre_id = await residents.residents_only_centre(group_id)
    if centre_id is not None and not await residents.is_resident(centre_id, participant_id):
        raise Forbidden("This group is for the residents of its centre only.")


async def admit(principal: Principal, centre_id: str, participant_id: str, now: datetime) -> None:
    if principal.centre_id != centre_id:
        raise Forbidden("You may only admit residents to your own centre.")
    if not is_id(participant_id, "par"):
        raise BadUserInput("participantId is not a participant id.")
    await residents.admit(centre_id, participant_id, now)


async def discharge(principal: Principal, centre_id: str, participant_id: str) -> None:
    if principal.centre_id != centre_id:
        raise Forbidden("You may only discharge residents of your own centre.")
    await residents.discharge(centre_id, participant_id)


async def set_residents_only(group_id: str, centre_id: str, residents_only: bool) -> None:
    """The directory says a group is (or is no longer) for its centre's residents alone."""
    await residents.set_residents_only(group_id, centre_id, residents_only)
