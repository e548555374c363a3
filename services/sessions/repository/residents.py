"""Residents of residential centres and the groups open to them alone."""

from __future__ import annotations

from datetime import datetime

from services.sessions.models import Resident, ResidentsOnlyGroup


async def set_residents_only(group_id: str, centre_id: str, residents_only: bool) -> None:
    if residents_only:
        await ResidentsOnlyGroup.update_or_create(
            group_id=group_id, defaults={"centre_id": centre_id}
        )
    else:
        await ResidentsOnlyGroup.filter(group_id=group_id).delete()


async def residents_only_centre(group_id: str) -> str | None:
    """The centre whose residents alone may book the group; ``None`` for an open group."""
    row = await ResidentsOnlyGroup.get_or_none(group_id=group_id)
    return None if row is None else row.centre_id


async def is_resident(centre_id: str, participant_id: str) -> bool:
    return await Resident.filter(centre_id=centre_id, participant_id=participant_id).exists()


async def admit(centre_id: str, participant_id: str, at: datetime) -> None:
    await Resident.get_or_create(
        centre_id=centre_id, participant_id=participant_id, defaults={"admitted_at": at}
    )


async def discharge(centre_id: str, participant_id: str) -> int:
    return int(await Resident.filter(centre_id=centre_id, participant_id=participant_id).delete())


async def forget(participant_id: str) -> None:
    await Resident.filter(participant_id=participant_id).delete()
