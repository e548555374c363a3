"""New participants for a test, made through the consent service's own domain (a data key of
their own, sealed fields), with an operator's token: people with no demo history at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from saathi.tokens import Role
from services.consent.domain.participants import create_participant
from tests.saathi.conftest import Network
from tests.saathi.erasure_support import consent_deps


@dataclass(frozen=True)
class Person:
    id: str
    token: str


async def new_person(network: Network, home_city: str | None = None) -> Person:
    record = await create_participant(
        consent_deps(network.settings), home_city=home_city, now=datetime.now(UTC)
    )
    return Person(record.id, network.token(record.id, Role.PARTICIPANT))
