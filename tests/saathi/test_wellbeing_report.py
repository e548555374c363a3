"""``programmeReport``'s average WHO-5 change per group, through the gateway: only from
attendees with a live PROGRAMME_EVALUATION consent covering WELLBEING to that centre, withheld
below 11 people, each person behind a released figure logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from network.demo import description as demo
from network.demo import outcomes
from network.demo.consent import demo_staff_id
from saathi.ids import new_id
from saathi.tokens import Role
from services.sessions.models import Booking, Session
from tests.saathi.conftest import Network
from tests.saathi.people import Person, new_person

GROUP = next(
    g
    for g in demo.GROUPS
    if g.kind == "SUPPORT_GROUP" and g.centre_id != outcomes.EVALUATION_CENTRE.id
)
CENTRE = GROUP.centre_id
# WHO-5 items, first then last check-in: changes of +20, +8, -4 points (0 to 100 scale)
CHANGES = [([2] * 5, [3] * 5), ([2] * 5, [2, 2, 2, 2, 4]), ([3] * 5, [3, 3, 3, 3, 2])]


async def _attended_by(people: list[Person]) -> None:
    """Each person attended a session of GROUP held in the last four weeks (as staff record)."""
    now = datetime.now(UTC)
    session = (
        await Session.filter(group_id=GROUP.id, starts_at__gt=now - timedelta(days=28))
        .filter(ends_at__lt=now)
        .exclude(status="CANCELLED")
        .order_by("starts_at")
        .first()
    )
    assert session is not None
    booked = {
        str(pid)
        for pid in await Booking.filter(session_id=session.id).values_list(
            "participant_id", flat=True
        )
    }
    for person in people:
        if person.id in booked:
            await Booking.filter(session_id=session.id, participant_id=person.id).update(
                status="ATTENDED"
            )
            continue
        await Booking.create(
            id=new_id("bkg"),
            session_id=session.id,
            participant_id=person.id,
            status="ATTENDED",
            waitlist_position=None,
            idempotency_key=f"who5-{person.id}",
            created_at=session.starts_at - timedelta(days=1),
            updated_at=session.ends_at,
        )


async def _checkins_and_consent(network: Network, person: Person, index: int, purpose: str) -> str:
    token = person.token
    for who5 in CHANGES[index % len(CHANGES)]:
        body = await network.run("wellbeing", "RecordWellbeingCheckin", token, input={"who5": who5})
        assert body["data"]["recordWellbeingCheckin"]["error"] is None, body
    granted = await network.run(
        "wellbeing",
        "GrantOutcomes",
        token,
        input={
            "granteeCentreId": CENTRE,
            "categories": ["WELLBEING"],
            "purpose": purpose,
            "validUntil": (datetime.now(UTC) + timedelta(days=90)).isoformat(),
        },
    )
    assert granted["data"]["grantConsent"]["error"] is None, granted
    consent_id: str = granted["data"]["grantConsent"]["consent"]["id"]
    return consent_id


async def _report(network: Network, centre: str) -> list[dict[str, Any]]:
    admin = network.token(demo_staff_id(centre, Role.CENTRE_ADMIN), Role.CENTRE_ADMIN, centre)
    now = datetime.now(UTC)
    body = await network.run(
        "wellbeing",
        "WellbeingReport",
        admin,
        centreId=centre,
        **{
            "from": (now - timedelta(days=28)).isoformat(),
            "to": (now + timedelta(days=1)).isoformat(),
        },
    )
    assert "errors" not in body, body
    groups: list[dict[str, Any]] = body["data"]["programmeReport"]["groups"]
    return groups


async def _group_change(network: Network) -> dict[str, Any]:
    rows = [g for g in await _report(network, CENTRE) if g["group"]["id"] == GROUP.id]
    assert len(rows) == 1
    change: dict[str, Any] = rows[0]["wellbeing"]
    return change


async def test_the_who5_change_counts_only_consenting_attendees_and_hides_below_eleven(
    network: Network,
) -> None:
    # given 12 attendees with two check-ins each: 11 consented to programme evaluation, one
    # only to care continuity (and a big change that would move the average)
    people = [await new_person(network) for _ in range(12)]
    await _attended_by(people)
    consents = [
        await _checkins_and_consent(network, person, index, "PROGRAMME_EVALUATION")
        for index, person in enumerate(people[:11])
    ]
    outsider = people[11].token
    for who5 in ([0] * 5, [5] * 5):
        await network.run("wellbeing", "RecordWellbeingCheckin", outsider, input={"who5": who5})
    await _checkins_and_consent(network, people[11], 0, "CARE_CONTINUITY")

    # when the centre's admin reads the report
    released = await _group_change(network)

    # then the figure is the mean of the 11 consenting people's changes
    expected = [[20, 8, -4][index % 3] for index in range(11)]
    assert released == {
        "averageWho5Change": round(sum(expected) / len(expected), 1),
        "suppressed": False,
    }
    # and each of them has the release in their access log
    log = await network.run("consent", "MyDataAccessLog", people[0].token, first=1)
    node = log["data"]["me"]["dataAccessLog"]["edges"][0]["node"]
    assert (node["consentId"], node["purpose"], node["categories"]) == (
        consents[0],
        "PROGRAMME_EVALUATION",
        ["WELLBEING"],
    )

    # when one of them revokes, ten remain: the figure is withheld
    revoked = await network.run("consent", "RevokeConsent", people[3].token, id=consents[3])
    assert revoked["data"]["revokeConsent"]["error"] is None
    assert await _group_change(network) == {"averageWho5Change": None, "suppressed": True}


async def test_without_consents_the_who5_change_is_withheld(network: Network) -> None:
    people = [await new_person(network) for _ in range(12)]
    await _attended_by(people)
    for index, person in enumerate(people):
        for who5 in CHANGES[index % 3]:
            await network.run(
                "wellbeing", "RecordWellbeingCheckin", person.token, input={"who5": who5}
            )

    assert await _group_change(network) == {"averageWho5Change": None, "suppressed": True}


async def test_the_demo_evaluation_centre_shows_who5_changes(network: Network) -> None:
    rows = await _report(network, outcomes.EVALUATION_CENTRE.id)

    shown = [row["wellbeing"] for row in rows if not row["wellbeing"]["suppressed"]]
    assert shown
    assert all(isinstance(row["averageWho5Change"], float) for row in shown)
