"""Writes the directory's part of the demo network (``network.demo.description``): centres,
peer supporters and groups, under their stable ids, so that seeding twice changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from network.demo.description import (
    CENTRES,
    GROUPS,
    SUPPORTERS,
    DemoCentre,
    DemoGroup,
    DemoSupporter,
)
from network.demo.members import schedule_start
from network.demo.practice import seed_demo as seed_practice
from services.directory import repository
from services.directory.domain import geometry
from services.directory.domain.records import Address, Centre, Group, Point, Schedule, Supporter


def centre_record(demo: DemoCentre) -> Centre:
    return Centre(
        id=demo.id,
        name=demo.name,
        city=demo.city,
        address=Address(demo.line1, demo.city, demo.postcode),
        location=Point(demo.lat, demo.lng),
        phone=demo.phone,
        website=demo.website,
        languages=demo.languages,
        is_partner=demo.is_partner,
    )


def supporter_record(demo: DemoSupporter) -> Supporter:
    return Supporter(demo.id, demo.centre_id, demo.display_name, demo.trained_in)


def group_record(demo: DemoGroup, centre: Centre, starts_on: date) -> Group:
    """A demo group; one that meets in person does so at its centre's address."""
    location = None if demo.lat is None or demo.lng is None else Point(demo.lat, demo.lng)
    return Group(
        id=demo.id,
        centre_id=demo.centre_id,
        facilitator_id=demo.facilitator_id,
        name=demo.name,
        description=demo.description,
        kind=demo.kind,
        format=demo.format,
        focus=demo.focus,
        languages=demo.languages,
        audience=demo.audience,
        accessibility=demo.accessibility,
        capacity=demo.capacity,
        schedule=Schedule(demo.rrule, demo.timezone, demo.duration_minutes, starts_on),
        online_join_url=demo.online_join_url,
        address=centre.address if location else None,
        location=location,
        anchor=geometry.anchor(location, centre),
    )


async def seed_demo(now: datetime | None = None) -> None:
    """Write (or rewrite, unchanged) every demo centre, supporter and group; timetables start
    on ``schedule_start`` of ``now``'s day (today by default)."""
    now = now or datetime.now(UTC)
    starts_on = schedule_start(now.date())
    centres = {demo.id: centre_record(demo) for demo in CENTRES}
    for centre in centres.values():
        await repository.save_centre(centre)
    for supporter in SUPPORTERS:
        await repository.save_supporter(supporter_record(supporter))
    for group in GROUPS:
        await repository.save_group(group_record(group, centres[group.centre_id], starts_on))
    await seed_practice(now.date())
