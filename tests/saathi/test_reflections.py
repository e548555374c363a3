"""Facilitators' reflections through the gateway: who may record one and when, and their
ratings beside the participants' in programme reports, withheld below 11 people alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import demo_staff_id
from saathi.ids import new_id
from saathi.tokens import Role
from services.sessions.models import Booking, Feedback, Session
from tests.saathi.conftest import Network

CENTRE = demo.CENTRES[0]
OTHER = demo.CENTRES[1]


def _staff(network: Network, role: Role = Role.FACILITATOR, centre: Any = CENTRE) -> str:
    return network.token(demo_staff_id(centre.id, role), role, centre.id)


async def _past_session(centre_id: str, skip: int = 5) -> Session:
    """A session the centre held (past the latest few, which the demo reflected on)."""
    now = datetime.now(UTC)
    sessions = (
        await Session.filter(centre_id=centre_id, ends_at__lt=now - timedelta(days=1))
        .exclude(status="CANCELLED")
        .order_by("-starts_at", "id")
        .offset(skip)
        .limit(1)
    )
    return sessions[0]


async def _reflect(network: Network, token: str, session_id: str, rating: int = 4) -> Any:
    body = await network.run(
        "centre",
        "SubmitFacilitatorReflection",
        token,
        input={
            "sessionId": session_id,
            "rating": rating,
            "wentWell": "Everyone spoke.",
            "safetyConcerns": "One person left upset; followed up.",
        },
    )
    return body["data"]["submitFacilitatorReflection"]


async def _eleven_raters(session: Session) -> None:
    """Eleven people who attended ``session`` and rated it 5 (written as the app would)."""
    for index in range(11):
        booking = await Booking.create(
            id=new_id("bkg"),
            session_id=session.id,
            participant_id=new_id("par"),
            status="ATTENDED",
            waitlist_position=None,
            idempotency_key=f"report-{index}",
            created_at=session.starts_at - timedelta(days=1),
            updated_at=session.ends_at,
        )
        await Feedback.create(
            id=new_id("fbk"),
            booking_id=booking.id,
            session_id=session.id,
            participant_id=booking.participant_id,
            rating=5,
            anonymous=False,
            at=session.ends_at,
        )


async def test_a_reflection_is_once_per_ended_session_of_ones_own_centre(network: Network) -> None:
    past = await _past_session(CENTRE.id)
    future = (
        await Session.filter(centre_id=CENTRE.id, starts_at__gt=datetime.now(UTC))
        .order_by("starts_at")
        .first()
    )
    assert future is not None

    first = await _reflect(network, _staff(network), past.id)
    second = await _reflect(network, _staff(network, Role.SUPERVISOR), past.id)
    early = await _reflect(network, _staff(network), future.id)
    elsewhere = await _reflect(network, _staff(network, centre=OTHER), past.id)
    out_of_range = await _reflect(network, _staff(network), past.id, rating=6)

    assert first == {"accepted": True, "error": None}
    assert second["error"] == {
        "code": "BAD_USER_INPUT",
        "message": "This session's reflection was already recorded.",
    }
    assert early["error"]["message"] == "Reflect on a session once it has ended."
    assert elsewhere["error"] == {
        "code": "NOT_FOUND",
        "message": f"Your centre holds no session with the id {past.id!r}.",
    }
    assert out_of_range["error"]["message"] == "rating must be between 1 and 5."


async def test_reports_show_facilitators_ratings_beside_participants_only_from_eleven_people(
    network: Network,
) -> None:
    rated = await _past_session(CENTRE.id)
    await _eleven_raters(rated)
    await _reflect(network, _staff(network), rated.id, rating=3)
    admin = _staff(network, Role.CENTRE_ADMIN)
    window = {
        "from": (rated.starts_at - timedelta(minutes=1)).isoformat(),
        "to": (rated.ends_at + timedelta(minutes=1)).isoformat(),
    }
    quiet = await _past_session(CENTRE.id, skip=40)
    await _reflect(network, _staff(network), quiet.id, rating=2)
    quiet_window = {
        "from": (quiet.starts_at - timedelta(minutes=1)).isoformat(),
        "to": (quiet.ends_at + timedelta(minutes=1)).isoformat(),
    }

    body = await network.run(
        "centre", "ProgrammeReportBothSides", admin, centreId=CENTRE.id, **window
    )
    withheld = await network.run(
        "centre", "ProgrammeReportBothSides", admin, centreId=CENTRE.id, **quiet_window
    )

    report = body["data"]["programmeReport"]
    assert report["suppressed"] is False
    assert report["averageRating"] is not None  # the participants' side (demo ratings too)
    assert (report["facilitatorRating"], report["reflections"]) == (3.0, 1)
    (row,) = [g for g in report["groups"] if g["group"]["id"] == rated.group_id]
    assert (row["facilitatorRating"], row["reflections"]) == (3.0, 1)
    small = withheld["data"]["programmeReport"]
    assert small["suppressed"] is True
    assert (small["facilitatorRating"], small["reflections"]) == (None, None)
    assert all(g["facilitatorRating"] is None for g in small["groups"])


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", "UNAUTHENTICATED"), ("participant", "FORBIDDEN"), ("partner", "FORBIDDEN")],
)
async def test_only_staff_reflect(network: Network, who: str, code: str) -> None:
    past = await _past_session(CENTRE.id)
    token = {
        "anonymous": None,
        "participant": network.token(demo.PARTICIPANTS[0].id, Role.PARTICIPANT),
        "partner": network.token("prt_01J0000000000000000000000", Role.PARTNER, CENTRE.id),
    }[who]

    body = await network.run(
        "centre",
        "SubmitFacilitatorReflection",
        token,
        input={"sessionId": past.id, "rating": 4},
    )

    assert body["data"]["submitFacilitatorReflection"]["error"]["code"] == code
