"""Creating and changing groups: who may, what is checked, and what sessions is told.

Only a ``centre_admin`` of the group's own centre may write it (the role is checked on the
field; the centre here). Every write is checked whole by ``validation.build_group``, stored with
its timetable queued for sessions in one transaction, then pushed (``timetables``).
"""

from __future__ import annotations

from datetime import datetime

from saathi.errors import BadUserInput
from saathi.ids import new_id
from saathi.peers import Peers
from saathi.service.permissions import same_centre
from saathi.tokens import Principal
from services.directory import repository
from services.directory.domain import lookups, timetables
from services.directory.domain.practice_editing import check_facilitator
from services.directory.domain.records import Centre, Group, Supporter
from services.directory.domain.validation import GroupFields, build_group, fields_of


def check_own_centre(principal: Principal, centre_id: str) -> None:
    """Staff act on their own centre alone: another centre's groups are ``Forbidden``."""
    same_centre(principal.centre_id, centre_id, "You may only manage groups of your own centre.")


async def _facilitator(supporter_id: str | None) -> Supporter | None:
    if supporter_id is None:
        return None
    return (await repository.supporters_by_ids([supporter_id])).get(supporter_id)


async def _centre(centre_id: str) -> Centre:
    found = (await repository.centres_by_ids([centre_id])).get(centre_id)
    return lookups.found(found, "centre", centre_id)


async def create_group(
    principal: Principal, given: GroupFields, peers: Peers, now: datetime
) -> Group:
    """A new group of the admin's centre; its timetable goes to sessions."""
    if given.centre_id is None:
        raise BadUserInput("centreId is required.")
    check_own_centre(principal, given.centre_id)
    centre = await _centre(given.centre_id)
    group = build_group(
        new_id("grp"),
        centre,
        given,
        await _facilitator(given.facilitator_id),
        today=now.date(),
        updated_at=now,
    )
    await _check_facilitator(group, now)
    return await _store(group, peers)


async def update_group(
    principal: Principal, group_id: str, given: GroupFields, peers: Peers, now: datetime
) -> Group:
    """The group with the given fields changed, checked whole; sessions gets the timetable."""
    stored = lookups.found(
        (await repository.groups_by_ids([group_id])).get(group_id), "group", group_id
    )
    check_own_centre(principal, stored.centre_id)
    if given.centre_id is not None and given.centre_id != stored.centre_id:
        raise BadUserInput("centreId cannot change: a group stays with its centre.")
    centre = await _centre(stored.centre_id)
    merged = given.over(fields_of(stored))
    group = build_group(
        stored.id,
        centre,
        merged,
        await _facilitator(merged.facilitator_id),
        today=stored.schedule.starts_on,
        updated_at=now,
        source_ref=stored.source_ref,
    )
    if given.facilitator_id is not None:
        await _check_facilitator(group, now)
    return await _store(group, peers)


async def _check_facilitator(group: Group, now: datetime) -> None:
    """A group named with a facilitator needs one who may facilitate its next session: certified
    on that date, with crisis management and boundaries training (``practice.rules``)."""
    supporter = await _facilitator(group.facilitator_id)
    if supporter is not None:
        await check_facilitator(supporter, max(group.schedule.starts_on, now.date()))


async def _store(group: Group, peers: Peers) -> Group:
    await timetables.save_group(group)
    # After the commit: a failure leaves the push queued for the next write or start.
    await timetables.push_pending(peers)
    return group
