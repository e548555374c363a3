"""The consent service's records as plain frozen data: the repository returns them, the rest reads.

The repository turns ORM rows into these, so that the API and the domain never touch the ORM.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from saathi.consent_terms import ConsentPurpose, DataCategory
from saathi.tokens import Role


class ConsentStatus(enum.Enum):
    """A consent's status; ``EXPIRED`` is derived from ``valid_until``, never stored."""

    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


class ConsentRequestStatus(enum.Enum):
    """A request's status; ``EXPIRED`` is derived for a pending request past ``requested_until``."""

    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DENIED = "DENIED"
    EXPIRED = "EXPIRED"


@dataclass(frozen=True)
class ParticipantRecord:
    """A participant; the ``_sealed`` fields are readable only with their data key."""

    id: str
    display_name_sealed: bytes
    home_city_sealed: bytes | None
    preferred_language: str | None
    contact_sealed: bytes | None


@dataclass(frozen=True)
class StaffRecord:
    id: str
    display_name: str
    centre_id: str
    role: Role
    supporter_id: str | None = None


@dataclass(frozen=True)
class LoginCodeRecord:
    """A live login code: only its keyed digest is stored, never the code."""

    id: int
    digest: str
    attempts: int
    expires_at: datetime


@dataclass(frozen=True)
class RefreshTokenRecord:
    id: int
    family_id: str
    participant_id: str
    expires_at: datetime
    spent_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class RateEventRecord:
    id: int
    at: datetime


@dataclass(frozen=True)
class ConsentRecord:
    id: str
    participant_id: str
    grantee_centre_id: str
    categories: tuple[DataCategory, ...]
    purpose: ConsentPurpose
    valid_from: datetime
    valid_until: datetime
    revoked_at: datetime | None
    receipt: str


@dataclass(frozen=True)
class ConsentRequestRecord:
    """A centre's request; ``reason_sealed`` is free text under the participant's data key."""

    id: str
    participant_id: str
    requester_centre_id: str
    categories: tuple[DataCategory, ...]
    purpose: ConsentPurpose
    requested_until: datetime
    reason_sealed: bytes
    status: ConsentRequestStatus


@dataclass(frozen=True)
class DataAccessRecord:
    """One entry of a participant's hash-chained data-access log."""

    participant_id: str
    seq: int
    at: datetime
    accessor_centre_id: str
    categories: tuple[DataCategory, ...]
    purpose: ConsentPurpose
    consent_id: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class PartnerRecord:
    """A partner system: its client id, its centre and its Ed25519 public key (PEM)."""

    id: str
    centre_id: str
    public_key_pem: str


@dataclass(frozen=True)
class ErasureCounts:
    """What an erasure removed, by kind: the tombstone keeps these numbers and nothing else."""

    bookings: int
    feedback: int
    consents: int
    log_entries: int


@dataclass(frozen=True)
class WellbeingCheckinRecord:
    """A wellbeing check-in: only its owner, id and time are plain; the scores and the note are
    ``sealed`` under the participant's data key."""

    id: str
    participant_id: str
    at: datetime
    sealed: bytes


@dataclass(frozen=True)
class GoalRecord:
    """A participant's own recovery goal: its text, target date and progress are ``sealed``
    under their data key; only its owner, id and times are plain."""

    id: str
    participant_id: str
    created_at: datetime
    updated_at: datetime
    sealed: bytes
