"""Per-request DataLoaders: one query per entity type (or list field) per request."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from services.consent.domain.participants import (
    load_consent_requests,
    load_consents,
    load_participants,
)
from services.consent.records import ConsentRecord, ConsentRequestRecord, ParticipantRecord


@dataclass(frozen=True)
class Loaders:
    participant: DataLoader[str, ParticipantRecord | None]
    consents: DataLoader[str, list[ConsentRecord]]
    consent_requests: DataLoader[str, list[ConsentRequestRecord]]


def make_loaders() -> Loaders:
    return Loaders(
        participant=DataLoader(load_fn=load_participants),
        consents=DataLoader(load_fn=load_consents),
        consent_requests=DataLoader(load_fn=load_consent_requests),
    )
