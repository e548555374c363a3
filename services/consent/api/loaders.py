"""Per-request DataLoaders: one query per entity type (or list field) per request."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from services.consent.domain.deps import Deps
from services.consent.domain.participants import (
    load_consent_requests,
    load_consents,
    load_participants,
)
from services.consent.domain.records import ConsentRecord, ConsentRequestRecord, ParticipantRecord
from services.consent.domain.visibility import load_visibility


@dataclass(frozen=True)
class Loaders:
    participant: DataLoader[str, ParticipantRecord | None]
    consents: DataLoader[str, list[ConsentRecord]]
    consent_requests: DataLoader[str, list[ConsentRequestRecord]]
    visibility: DataLoader[tuple[str, str], bool]


def make_loaders(deps: Deps) -> Loaders:
    async def visibility(keys: list[tuple[str, str]]) -> list[bool]:
        return await load_visibility(deps, keys)

    return Loaders(
        participant=DataLoader(load_fn=load_participants),
        consents=DataLoader(load_fn=load_consents),
        consent_requests=DataLoader(load_fn=load_consent_requests),
        visibility=DataLoader(load_fn=visibility),
    )
