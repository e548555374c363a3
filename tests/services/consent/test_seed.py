"""The demo seed: stable ids, sealed contacts, one consent and one request, idempotent."""

from __future__ import annotations

from network.demo import description as demo
from network.demo.consent import demo_staff_id, seed_demo
from saathi.crypto import MasterKey
from saathi.ids import stable_id
from saathi.keystore import SqliteKeyStore
from saathi.tokens import Role
from services.consent import models
from services.consent.domain.personal import DISPLAY_NAME_FIELD, HOME_CITY_FIELD, open_field
from tests.services.consent.conftest import Consent


async def _counts() -> list[int]:
    return [
        await model.all().count()
        for model in (
            models.Participant,
            models.Staff,
            models.Consent,
            models.ConsentRequest,
            models.DataAccess,
            models.WellbeingCheckin,
            models.Goal,
        )
    ]


async def test_seeding_twice_writes_the_demo_once(consent: Consent) -> None:
    await seed_demo(consent.settings, signing_key=consent.key)
    first = await _counts()

    await seed_demo(consent.settings, signing_key=consent.key)

    assert (
        first
        == await _counts()
        == [
            len(demo.PARTICIPANTS),
            3 * len(demo.CENTRES) + len(demo.SUPPORTERS),  # each supporter is a facilitator
            33,
            1,
            6,
            8 * len(demo.PARTICIPANTS),
            2 * len(demo.PARTICIPANTS),
        ]
    )


async def test_demo_participants_keep_their_ids_and_sealed_contacts(
    consent: Consent, master: MasterKey, keys: SqliteKeyStore
) -> None:
    await seed_demo(consent.settings, signing_key=consent.key)

    rows = {row.id: row for row in await models.Participant.all()}

    for person in demo.PARTICIPANTS:
        row = rows[person.id]
        opened = (
            open_field(keys, row.id, DISPLAY_NAME_FIELD, row.display_name_sealed),
            open_field(keys, row.id, HOME_CITY_FIELD, row.home_city_sealed),
        )
        assert person.display_name.encode() not in row.display_name_sealed
        assert (*opened, row.preferred_language) == (
            person.display_name,
            person.home_city,
            person.preferred_language,
        )
        assert row.contact_index == master.blind_index(person.contact)
        assert person.contact.encode() not in (row.contact_sealed or b"")


async def test_demo_staff_have_stable_ids_per_centre_and_role(consent: Consent) -> None:
    await seed_demo(consent.settings, signing_key=consent.key)
    centre = demo.CENTRES[0]

    row = await models.Staff.get(id=demo_staff_id(centre.id, Role.FACILITATOR))

    assert row.id == stable_id("stf", f"{centre.id}:facilitator")
    assert (row.centre_id, row.role, row.display_name) == (
        centre.id,
        "facilitator",
        f"Facilitator, {centre.name}",
    )


async def test_demo_checkins_show_every_trend_and_stay_sealed(
    consent: Consent, keys: SqliteKeyStore
) -> None:
    from services.consent.domain.wellbeing import Direction, open_checkins, trend_of
    from services.consent.repository import wellbeing as store

    await seed_demo(consent.settings, signing_key=consent.key)

    directions = []
    for person in demo.PARTICIPANTS:
        records = await store.checkins_of(person.id)
        assert all(b"who5" not in record.sealed for record in records)
        found = trend_of(open_checkins(keys, records))
        assert found is not None
        directions.append(found.direction)
    assert Direction.WORSENING in directions
    assert Direction.IMPROVING in directions
    latest = open_checkins(keys, await store.checkins_of(demo.PARTICIPANTS[4].id))[-1]
    assert latest.scores.low
