"""``sharedRecord``: records other centres hold about a participant, released only under consent.

Every read names its purpose and asks consent afresh (``POST /internal/consents/authorise-read``),
which looks for a live consent given for that purpose and writes the participant's access-log
entry with it; nothing is cached, so a revocation
counts from the next read. Only the granted categories come back. What sessions holds: the
sessions a participant attended (``ATTENDANCE``) and the ratings they gave under their name
(``FEEDBACK``), never a comment and never anonymous feedback, and only what centres other than
the reader's hold (the reader's own records are theirs already).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from saathi.consent_terms import ConsentPurpose, DataCategory
from saathi.errors import BadUserInput, ConsentRequired, Forbidden
from saathi.peers import Peers
from saathi.service.internal.client import call
from saathi.service.internal.contracts import (
    AUTHORISE_READ,
    MENTOR_GROUPS,
    AuthoriseReadRequest,
    MentorGroupsRequest,
    ReadAuthorised,
)
from saathi.tokens import Principal, Role
from services.sessions.domain import outcomes
from services.sessions.domain.outcomes import SharedCheckin, SharedGoal
from services.sessions.repository import participants

REDISCLOSURE_NOTICE = (
    "These records are shared under the participant's consent, for the purpose stated in that "
    "consent only; they must not be disclosed further."
)


@dataclass(frozen=True)
class AttendedSession:
    session_id: str
    group_name: str
    attended_at: datetime
    centre_id: str


@dataclass(frozen=True)
class NamedRating:
    session_id: str
    rating: int
    at: datetime


@dataclass(frozen=True)
class SharedRecord:
    """What the reader may see; ``None`` for a category the consent does not grant."""

    consent_id: str
    participant_id: str
    attendance: list[AttendedSession] | None
    feedback: list[NamedRating] | None
    wellbeing: list[SharedCheckin] | None = None
    goals: list[SharedGoal] | None = None


def _granted(
    answer: ReadAuthorised, asked: Sequence[DataCategory], purpose: ConsentPurpose
) -> tuple[str | None, set[DataCategory]]:
    if not answer.consent_id:
        return None, set()
    if answer.purpose != purpose.value:
        # Consent answers only for the purpose asked; anything else is not a release.
        return None, set()
    granted = {c for c in asked if c.value in answer.categories}
    return answer.consent_id, granted


NOT_THEIR_MENTOR = (
    "A peer supporter reads a participant's goals only as the mentor they booked, and under "
    "their consent."
)


async def check_mentor(peers: Peers, reader: Principal, participant_id: str) -> None:
    """A facilitator asking for goals must be the peer mentor the participant booked: the
    token names their peer-supporter record, that supporter (of the token's centre)
    facilitates a MENTORING group of the centre, and the participant holds or attended a seat
    at one of its sessions. ``Forbidden`` otherwise: another supporter of the centre, a mentor
    never booked, a facilitator who is no supporter."""
    if reader.supporter_id is None or reader.centre_id is None:
        raise Forbidden(NOT_THEIR_MENTOR)
    request = MentorGroupsRequest(supporter_id=reader.supporter_id, centre_id=reader.centre_id)
    answer = await call(peers, MENTOR_GROUPS, request)
    if not await participants.booked_in(participant_id, reader.centre_id, answer.group_ids):
        raise Forbidden(NOT_THEIR_MENTOR)


async def read(
    peers: Peers,
    participant_id: str,
    reader: Principal,
    categories: Sequence[DataCategory],
    purpose: ConsentPurpose,
) -> SharedRecord:
    """The participant's records at other centres that a live consent, given for ``purpose``,
    lets the reader's centre read; goals, to a facilitator, only as their booked mentor
    (``check_mentor``).

    ``ConsentRequired`` when no live consent for ``purpose`` covers any of ``categories``.
    """
    if not categories:
        raise BadUserInput("Ask for at least one category.")
    accessor_centre_id = str(reader.centre_id)
    asked = list(dict.fromkeys(categories))
    if reader.role is Role.FACILITATOR and DataCategory.GOALS in asked:
        await check_mentor(peers, reader, participant_id)
    request = AuthoriseReadRequest(
        participant_id=participant_id,
        accessor_centre_id=accessor_centre_id,
        categories=[c.value for c in asked],
        purpose=purpose.value,
    )
    answer = await call(peers, AUTHORISE_READ, request)
    consent_id, granted = _granted(answer, asked, purpose)
    if consent_id is None or not granted:
        raise ConsentRequired(
            "No live consent from this participant lets your centre read these records for "
            "this purpose."
        )
    attendance = None
    if DataCategory.ATTENDANCE in granted:
        attendance = [
            AttendedSession(*row)
            for row in await participants.attended_elsewhere(participant_id, accessor_centre_id)
        ]
    feedback = None
    if DataCategory.FEEDBACK in granted:
        feedback = [
            NamedRating(*row)
            for row in await participants.named_feedback_elsewhere(
                participant_id, accessor_centre_id
            )
        ]
    return SharedRecord(
        consent_id,
        participant_id,
        attendance,
        feedback,
        wellbeing=outcomes.checkins(answer) if DataCategory.WELLBEING in granted else None,
        goals=outcomes.goals(answer) if DataCategory.GOALS in granted else None,
    )
