"""Every internal endpoint between services: its path, who may call it, and its models.

One module for all of them, so a caller and the service it calls read the same definition: a
field renamed on one side is a type error on the other, not a 400 in production. The server
decodes with these models (``server.route``), the client encodes and decodes with them
(``client.call``). Fields are snake_case here and camelCase on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, ClassVar, Generic, TypeVar

from msgspec import Meta

from saathi.service.internal.wire import Message

Req = TypeVar("Req", bound=Message)
Resp = TypeVar("Resp", bound=Message)


@dataclass(frozen=True)
class Endpoint(Generic[Req, Resp]):
    """``POST path`` on ``service``, callable by the components in ``callers`` alone."""

    service: str
    path: str
    callers: frozenset[str]
    request: type[Req]
    response: type[Resp]


# Our ids: a type prefix and a ULID (``saathi.ids``).
ParticipantId = Annotated[str, Meta(pattern="^par_[0-9A-HJKMNP-TV-Z]{26}$")]
CentreId = Annotated[str, Meta(pattern="^ctr_[0-9A-HJKMNP-TV-Z]{26}$")]
Name = Annotated[str, Meta(min_length=1, max_length=200)]
NonBlank = Annotated[str, Meta(pattern=r"\S")]
SupporterId = Annotated[str, Meta(pattern="^sup_[0-9A-HJKMNP-TV-Z]{26}$")]
GroupId = Annotated[str, Meta(min_length=1, max_length=40)]


# --- sessions -----------------------------------------------------------------------------------


class GroupIds(Message):
    group_ids: list[str]


class SeriesRequest(Message):
    """A group's timetable, created or replaced (idempotent)."""

    group_id: Name
    centre_id: Name
    rrule: Annotated[str, Meta(min_length=1, max_length=500)]
    timezone: Annotated[str, Meta(min_length=1, max_length=64)]
    starts_on: date
    duration_minutes: int
    capacity: int
    group_name: Annotated[str, Meta(max_length=200)] = ""

    messages: ClassVar = {
        "groupId": "groupId must be a string of 1 to 200 characters.",
        "centreId": "centreId must be a string of 1 to 200 characters.",
        "rrule": "rrule must be a string of 1 to 500 characters.",
        "timezone": "timezone must be a string of 1 to 64 characters.",
        "startsOn": "startsOn must be a date, YYYY-MM-DD.",
        "durationMinutes": "durationMinutes must be a whole number.",
        "capacity": "capacity must be a whole number.",
        "groupName": "groupName must be a string of at most 200 characters.",
    }


class SeriesStored(Message):
    group_id: str
    materialised_until: str | None


class RelationsRequest(Message):
    """Which of ``participant_ids`` hold or held a booking at the centre?"""

    centre_id: Name
    participant_ids: Annotated[list[str], Meta(max_length=5000)]

    messages: ClassVar = {
        "centreId": "centreId must be a string of 1 to 200 characters.",
        "participantIds": "participantIds must be a list of ids.",
    }
    too_many: ClassVar = {"participantIds": "Send at most 5000 participantIds at a time."}


class ParticipantIds(Message):
    participant_ids: list[str]


class BookedGroupsRequest(Message):
    """Those of ``group_ids`` where the participant holds a confirmed booking ahead."""

    participant_id: Name
    group_ids: Annotated[list[Name], Meta(max_length=500)]

    messages: ClassVar = {
        "participantId": "participantId must be a string of 1 to 200 characters.",
        "groupIds": "groupIds must be a list of ids.",
    }
    too_many: ClassVar = {"groupIds": "Send at most 500 groupIds at a time."}


class EraseRequest(Message):
    participant_id: Name

    messages: ClassVar = {"participantId": "participantId must be a string of 1 to 200 characters."}


class ErasedCounts(Message):
    bookings: int
    feedback: int


class Erased(Message):
    erased: ErasedCounts


class FreeSessionsRequest(Message):
    """The earliest session with a seat left of each of ``group_ids`` within ``within_hours``
    (mentor matching ranks by it)."""

    group_ids: Annotated[list[GroupId], Meta(max_length=500)]
    within_hours: Annotated[int, Meta(ge=1, le=24 * 28)]

    messages: ClassVar = {
        "groupIds": "groupIds must be a list of at most 500 group ids.",
        "withinHours": "withinHours must be a whole number of hours, 1 to 672.",
    }
    too_many: ClassVar = {"groupIds": "groupIds must be a list of at most 500 group ids."}


class FreeSession(Message):
    group_id: str
    session_id: str
    starts_at: datetime


class FreeSessions(Message):
    sessions: list[FreeSession]


class ResidentsOnlyRequest(Message):
    """The directory says a group is (or is no longer) for its centre's residents alone."""

    group_id: GroupId
    centre_id: GroupId
    residents_only: bool

    messages: ClassVar = {
        "groupId": "groupId must be a string of 1 to 40 characters.",
        "centreId": "centreId must be a string of 1 to 40 characters.",
        "residentsOnly": "residentsOnly must be true or false.",
    }


class ResidentsOnlySet(Message):
    group_id: str
    residents_only: bool


SERIES = Endpoint(
    "sessions", "/internal/series", frozenset({"directory"}), SeriesRequest, SeriesStored
)
RELATIONS = Endpoint(
    "sessions",
    "/internal/participants/relations",
    frozenset({"consent"}),
    RelationsRequest,
    ParticipantIds,
)
BOOKED_GROUPS = Endpoint(
    "sessions",
    "/internal/participants/booked-groups",
    frozenset({"directory"}),
    BookedGroupsRequest,
    GroupIds,
)
ERASE = Endpoint(
    "sessions", "/internal/participants/erase", frozenset({"consent"}), EraseRequest, Erased
)
FREE_SESSIONS = Endpoint(
    "sessions",
    "/internal/groups/free-sessions",
    frozenset({"directory"}),
    FreeSessionsRequest,
    FreeSessions,
)
RESIDENTS_ONLY = Endpoint(
    "sessions",
    "/internal/groups/residents-only",
    frozenset({"directory"}),
    ResidentsOnlyRequest,
    ResidentsOnlySet,
)


# --- consent ------------------------------------------------------------------------------------


class AuthoriseReadRequest(Message):
    """May ``accessor_centre_id`` read these categories of the participant, for ``purpose``?
    Allowed reads are logged with the consent that allowed them."""

    participant_id: ParticipantId
    accessor_centre_id: CentreId
    categories: Annotated[list[str], Meta(max_length=100)]
    purpose: str

    messages: ClassVar = {
        "participantId": "participantId must be an id starting with par_.",
        "accessorCentreId": "accessorCentreId must be an id starting with ctr_.",
        "categories": "categories must be a list of strings.",
        "purpose": "purpose must be one of the consent purposes.",
    }


class SharedCheckin(Message, omit_defaults=True):
    """A wellbeing check-in as a consented read releases it: scores only, never the note."""

    at: datetime
    who5_total: int
    who5_percent: int
    barc10_total: int | None = None


class SharedGoal(Message, omit_defaults=True):
    """A recovery goal as a consented read releases it: never the progress note."""

    id: str
    title: str
    progress: int
    achieved: bool
    target_date: date | None = None


class ReadAuthorised(Message, omit_defaults=True):
    """``consent_id`` is None (and ``categories`` empty) when no live consent covers the read.
    ``wellbeing`` and ``goals`` come with the read when it grants WELLBEING or GOALS (consent
    holds them)."""

    consent_id: str | None
    categories: list[str]
    purpose: str | None = None
    valid_until: str | None = None
    wellbeing: list[SharedCheckin] | None = None
    goals: list[SharedGoal] | None = None


class GroupAttendees(Message):
    group_id: Annotated[str, Meta(pattern="^grp_[0-9A-HJKMNP-TV-Z]{26}$")]
    participant_ids: Annotated[list[ParticipantId], Meta(max_length=5000)]


class ProgrammeChangeRequest(Message):
    """The average WHO-5 change of each group's attendees over ``[start, end)``, from those
    with a live PROGRAMME_EVALUATION consent covering WELLBEING to the centre only."""

    centre_id: CentreId
    start: datetime
    end: datetime
    groups: Annotated[list[GroupAttendees], Meta(max_length=500)]

    messages: ClassVar = {
        "centreId": "centreId must be an id starting with ctr_.",
        "start": "start must be an ISO 8601 time with an offset.",
        "end": "end must be an ISO 8601 time with an offset.",
        "groups": "groups must be a list of {groupId, participantIds}.",
    }


class GroupChange(Message, omit_defaults=True):
    """One group's average WHO-5 change (0 to 100 points), or withheld (fewer than 11)."""

    group_id: str
    suppressed: bool
    average_who5_change: float | None = None


class ProgrammeChanges(Message):
    groups: list[GroupChange]


class NotifyRequest(Message):
    participant_ids: Annotated[list[ParticipantId], Meta(max_length=1000)]
    kind: Annotated[NonBlank, Meta(max_length=64)]
    message: Annotated[NonBlank, Meta(max_length=1000)]

    messages: ClassVar = {
        "participantIds": "participantIds must be a list of at most 1000 ids starting par_.",
        "kind": "kind must be a non-empty string of at most 64 characters.",
        "message": "message must be a non-empty string of at most 1000 characters.",
    }


class Notified(Message):
    delivered: int
    skipped: int


class StaffNotifyRequest(Message):
    """Tell the centre's staff of ``roles`` something; senders put no personal data in it."""

    centre_id: CentreId
    roles: Annotated[list[Annotated[str, Meta(max_length=20)]], Meta(min_length=1, max_length=3)]
    kind: Annotated[NonBlank, Meta(max_length=64)]
    message: Annotated[NonBlank, Meta(max_length=1000)]

    messages: ClassVar = {
        "centreId": "centreId must be an id starting with ctr_.",
        "roles": "roles must be staff roles.",
        "kind": "kind must be a non-empty string of at most 64 characters.",
        "message": "message must be a non-empty string of at most 1000 characters.",
    }
    too_many: ClassVar = {"roles": "roles must be staff roles."}


class StaffNotified(Message):
    delivered: int


class TokenCheckRequest(Message):
    """Is the sign-in behind a verified access token still live (and, for a staff token that
    names a peer supporter, is the staff member still tied to it)?"""

    subject: Annotated[NonBlank, Meta(max_length=100)]
    role: Annotated[NonBlank, Meta(max_length=20)]
    session_id: str | None = None
    supporter_id: Annotated[str, Meta(max_length=40)] | None = None

    messages: ClassVar = {
        "subject": "subject must be a non-empty string of at most 100 characters.",
        "role": "role must be a non-empty string of at most 20 characters.",
        "sessionId": "sessionId must be a string or null.",
        "supporterId": "supporterId must be a string of at most 40 characters, or null.",
    }


class TokenLive(Message):
    live: bool


AUTHORISE_READ = Endpoint(
    "consent",
    "/internal/consents/authorise-read",
    frozenset({"sessions"}),
    AuthoriseReadRequest,
    ReadAuthorised,
)
PROGRAMME_CHANGE = Endpoint(
    "consent",
    "/internal/wellbeing/programme-change",
    frozenset({"sessions"}),
    ProgrammeChangeRequest,
    ProgrammeChanges,
)
NOTIFY = Endpoint("consent", "/internal/notify", frozenset({"sessions"}), NotifyRequest, Notified)
STAFF_NOTIFY = Endpoint(
    "consent",
    "/internal/staff/notify",
    frozenset({"directory", "sessions"}),
    StaffNotifyRequest,
    StaffNotified,
)
TOKENS_CHECK = Endpoint(
    "consent", "/internal/tokens/check", frozenset({"gateway"}), TokenCheckRequest, TokenLive
)


# --- directory ----------------------------------------------------------------------------------


class CentreIds(Message):
    centre_ids: Annotated[list[CentreId], Meta(max_length=100)]

    messages: ClassVar = {
        "centreIds": "centreIds must be a list of at most 100 ids starting ctr_.",
    }


KNOWN_CENTRES = Endpoint(
    "directory", "/internal/centres/known", frozenset({"consent"}), CentreIds, CentreIds
)


class CrisisLinesRequest(Message):
    """The crisis lines for a city (national ones first); the city alone, never who asks."""

    city: Annotated[str, Meta(max_length=100)] | None = None

    messages: ClassVar = {"city": "city must be a string of at most 100 characters, or null."}


class CrisisLine(Message):
    name: str
    phone: str
    hours: str
    languages: list[str]
    description: str


class CrisisLines(Message):
    lines: list[CrisisLine]


CRISIS_LINES = Endpoint(
    "directory",
    "/internal/crisis-lines",
    frozenset({"consent"}),
    CrisisLinesRequest,
    CrisisLines,
)


class SupporterIds(Message):
    """Which centre holds each of these supporters (a concern about one goes to its centre)?"""

    supporter_ids: Annotated[list[SupporterId], Meta(max_length=100)]

    messages: ClassVar = {
        "supporterIds": "supporterIds must be a list of at most 100 ids starting sup_.",
    }
    too_many: ClassVar = {"supporterIds": "Send at most 100 supporterIds at a time."}


class SupporterCentres(Message):
    """``{supporter id: centre id}`` of those that exist."""

    centres: dict[str, str]


SUPPORTER_CENTRES = Endpoint(
    "directory",
    "/internal/supporters/centres",
    frozenset({"sessions"}),
    SupporterIds,
    SupporterCentres,
)


class MentorGroupsRequest(Message):
    """Which MENTORING groups of ``centre_id`` does this supporter (of that centre) facilitate?
    Sessions asks before a peer mentor reads a participant's goals."""

    supporter_id: SupporterId
    centre_id: CentreId

    messages: ClassVar = {
        "supporterId": "supporterId must be an id starting with sup_.",
        "centreId": "centreId must be an id starting with ctr_.",
    }


MENTOR_GROUPS = Endpoint(
    "directory",
    "/internal/supporters/mentoring-groups",
    frozenset({"sessions"}),
    MentorGroupsRequest,
    GroupIds,
)


class SeatsOfSession(Message):
    session_id: GroupId
    starts_at: datetime
    seats_left: Annotated[int, Meta(ge=0)]


class GroupSeats(Message):
    """A group's coming scheduled sessions (starting now or later) with their seats left, as
    the sessions service holds them at ``version`` (raised by every change to the group's
    sessions or bookings): the directory replaces the group's rows unless it applied a later
    version already."""

    group_id: GroupId
    version: Annotated[int, Meta(ge=1)]
    sessions: Annotated[list[SeatsOfSession], Meta(max_length=500)]


class AvailabilityRequest(Message):
    groups: Annotated[list[GroupSeats], Meta(max_length=500)]

    messages: ClassVar = {
        "groups": "groups must be a list of at most 500 {groupId, version, sessions}.",
    }
    too_many: ClassVar = {"groups": "Send at most 500 groups at a time."}


class AvailabilityApplied(Message):
    """How many of the groups sent were applied (the others held a later version)."""

    applied: int


AVAILABILITY = Endpoint(
    "directory",
    "/internal/groups/availability",
    frozenset({"sessions"}),
    AvailabilityRequest,
    AvailabilityApplied,
)
