"""The directory's records as plain frozen values: what the repository returns and the domain and
the GraphQL layer read. No ORM object leaves ``repository.py``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

# The mean Earth radius (IUGG): every distance in the directory is measured on this sphere.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Point:
    """A WGS84 position in decimal degrees."""

    lat: float
    lng: float


@dataclass(frozen=True)
class BoundingBox:
    """A latitude band and one or two longitude ranges (two when it crosses the antimeridian)."""

    min_lat: float
    max_lat: float
    lng_ranges: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Address:
    line1: str | None
    city: str | None
    postcode: str | None


@dataclass(frozen=True)
class Centre:
    id: str
    name: str
    city: str
    address: Address
    location: Point | None
    phone: str | None
    website: str | None
    languages: tuple[str, ...]
    is_partner: bool


@dataclass(frozen=True)
class Supporter:
    id: str
    centre_id: str
    display_name: str
    trained_in: tuple[str, ...]


@dataclass(frozen=True)
class Schedule:
    """A recurrence: an RFC 5545 RRULE in ``timezone``'s wall time, from ``starts_on``."""

    rrule: str
    timezone: str
    duration_minutes: int
    starts_on: date


@dataclass(frozen=True)
class Group:
    """A peer group. ``anchor`` is where its distance is measured from (see ``models``)."""

    id: str
    centre_id: str
    facilitator_id: str | None
    name: str
    description: str
    kind: str
    format: str
    focus: tuple[str, ...]
    languages: tuple[str, ...]
    audience: tuple[str, ...]
    accessibility: tuple[str, ...]
    capacity: int
    schedule: Schedule
    online_join_url: str | None
    address: Address | None
    location: Point | None
    anchor: Point
    source_ref: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class CrisisResource:
    name: str
    phone: str
    hours: str
    languages: tuple[str, ...]
    description: str
    city: str | None = None


@dataclass(frozen=True)
class SeriesPush:
    """A timetable waiting in the outbox for the sessions service."""

    group_id: str
    body: dict[str, object]
    version: int
    attempts: int


@dataclass(frozen=True)
class NearbyAfter:
    """A nearby cursor as distance bounds: rows whose distance exceeds ``beyond`` come after it,
    and so do rows whose distance exceeds ``reached`` with an id greater than ``id``."""

    beyond: float
    reached: float
    id: str


@dataclass(frozen=True)
class NearbyQuery:
    """A nearby search as the repository runs it: the groups whose anchor lies in ``box`` (of
    ``kinds`` and ``formats`` when given) at a distance from ``near`` of at most ``within`` km;
    ``reach_km`` is the radius the box was drawn for."""

    near: Point
    box: BoundingBox
    reach_km: float
    within: float
    kinds: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    after: NearbyAfter | None = None
    seats: SeatsWindow | None = None


@dataclass(frozen=True)
class SeatsWindow:
    """Only groups with a coming session (as sessions last told the directory) starting in
    [``start``, ``end``] (UTC seconds since the epoch), with a seat left when ``open_only``."""

    start: int
    end: int
    open_only: bool


@dataclass(frozen=True)
class NearbyRanks:
    """How many groups are within reach, how many come after the cursor, and the first of those
    as (distance, id), nearest first, with their records by id."""

    total: int
    remaining: int
    ranked: tuple[tuple[float, str], ...]
    groups: dict[str, Group]


# --- peer-support practice: training, certification, supervision, centre kinds ---


class TrainingModule(enum.Enum):
    """The training a peer supporter completes; ``label`` is what ``trainedIn`` shows."""

    ACTIVE_LISTENING = "ACTIVE_LISTENING"
    CRISIS_MANAGEMENT = "CRISIS_MANAGEMENT"
    BOUNDARIES = "BOUNDARIES"
    RECOVERY_ORIENTED_PRACTICE = "RECOVERY_ORIENTED_PRACTICE"
    TRAUMA_INFORMED_CARE = "TRAUMA_INFORMED_CARE"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    TrainingModule.ACTIVE_LISTENING: "active listening",
    TrainingModule.CRISIS_MANAGEMENT: "crisis management",
    TrainingModule.BOUNDARIES: "boundaries",
    TrainingModule.RECOVERY_ORIENTED_PRACTICE: "recovery-oriented practice",
    TrainingModule.TRAUMA_INFORMED_CARE: "trauma-informed care",
}

# Without both, nobody facilitates: a group can go wrong in ways only these prepare for.
REQUIRED_TO_FACILITATE = (TrainingModule.CRISIS_MANAGEMENT, TrainingModule.BOUNDARIES)


class CentreKind(enum.Enum):
    RESIDENTIAL = "RESIDENTIAL"  # a residential de-addiction centre (nasha mukti kendra)
    COMMUNITY = "COMMUNITY"
    HOSPITAL_UNIT = "HOSPITAL_UNIT"
    ONLINE_ONLY = "ONLINE_ONLY"


class AttentionReason(enum.Enum):
    CERTIFICATION_ENDING = "CERTIFICATION_ENDING"
    CERTIFICATION_ENDED = "CERTIFICATION_ENDED"
    SUPERVISION_OVERDUE = "SUPERVISION_OVERDUE"


@dataclass(frozen=True)
class Training:
    module: TrainingModule
    completed_on: date


@dataclass(frozen=True)
class Profile:
    """A supporter's practice record; ``statement_sealed`` is opened only by ``rules``."""

    supporter_id: str
    centre_id: str
    languages: tuple[str, ...] = ()
    statement_sealed: bytes | None = None
    certified_on: date | None = None
    certified_until: date | None = None
    supervisor_id: str | None = None
    training: tuple[Training, ...] = ()
    last_supervised_on: date | None = None

    def completed(self, module: TrainingModule, on: date) -> bool:
        return any(t.module is module and t.completed_on <= on for t in self.training)

    def certified_on_date(self, on: date) -> bool:
        return (
            self.certified_on is not None
            and self.certified_until is not None
            and self.certified_on <= on <= self.certified_until
        )


@dataclass(frozen=True)
class SupervisionRecord:
    id: str
    supporter_id: str
    centre_id: str
    supervisor_id: str
    held_on: date
    minutes: int
    notes_sealed: bytes | None


@dataclass(frozen=True)
class Practice:
    """A centre's kind, code of conduct (``None``: the default) and supervision interval."""

    centre_id: str
    kind: CentreKind = CentreKind.COMMUNITY
    code_of_conduct: str | None = None
    supervision_interval_days: int = 30


@dataclass(frozen=True)
class AttentionNoticeRecord:
    """A queued weekly notice to a centre's admins (it names no supporter)."""

    id: int
    centre_id: str
    week: str
    message: str
    attempts: int


@dataclass(frozen=True)
class Attention:
    """A supporter who needs their centre's attention, and why (each reason a sentence too)."""

    supporter_id: str
    reasons: tuple[AttentionReason, ...]
    explanation: str
    certified_until: date | None
    last_supervised_on: date | None


# --- community programmes and navigation resources ---------------------------------------------


class PartnerKind(enum.Enum):
    SCHOOL = "SCHOOL"
    COLLEGE = "COLLEGE"
    WORKPLACE = "WORKPLACE"
    COMMUNITY_GROUP = "COMMUNITY_GROUP"
    FAITH_GROUP = "FAITH_GROUP"
    OTHER = "OTHER"


class ResourceCategory(enum.Enum):
    LEGAL_AID = "LEGAL_AID"
    MENTAL_HEALTHCARE_RIGHTS = "MENTAL_HEALTHCARE_RIGHTS"
    DE_ADDICTION_HELPLINE = "DE_ADDICTION_HELPLINE"
    GOVERNMENT_SCHEME = "GOVERNMENT_SCHEME"
    OTHER = "OTHER"


@dataclass(frozen=True)
class ProgrammeRecord:
    id: str
    centre_id: str
    name: str
    description: str
    partner_name: str
    partner_kind: PartnerKind
    audience: tuple[str, ...]
    group_ids: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str
    description: str
    category: ResourceCategory
    languages: tuple[str, ...]
    phone: str | None = None
    website: str | None = None
    city: str | None = None  # None: national
    centre_id: str | None = None


@dataclass(frozen=True)
class SessionSeats:
    """A coming session of a group: its start (UTC seconds since the epoch) and seats left."""

    session_id: str
    starts_at: int
    seats_left: int


@dataclass(frozen=True)
class GroupSeats:
    """A group's coming sessions as sessions holds them at ``version``."""

    group_id: str
    version: int
    sessions: tuple[SessionSeats, ...]
