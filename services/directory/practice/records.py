"""The practice records as plain frozen values: what ``repository`` returns."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


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
class Attention:
    """A supporter who needs their centre's attention, and why (each reason a sentence too)."""

    supporter_id: str
    reasons: tuple[AttentionReason, ...]
    explanation: str
    certified_until: date | None
    last_supervised_on: date | None
