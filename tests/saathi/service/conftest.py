"""Fixtures for the service toolkit: real keys, real tokens, real service tokens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from saathi.auth import Viewer
from saathi.keys import SigningKey, generate_signing_key
from saathi.service_trust import ServiceKeys, ServiceTokens, ServiceTrust
from saathi.tokens import Role, TokenVerifier, mint_access_token

ISSUER, AUDIENCE = "https://saathi.test", "saathi"

ViewerFor = Callable[..., Viewer]


@pytest.fixture
def signing_key() -> SigningKey:
    return generate_signing_key()


@pytest.fixture
def verifier(signing_key: SigningKey) -> TokenVerifier:
    return TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=signing_key.jwks())


@pytest.fixture
def viewer_for(signing_key: SigningKey, verifier: TokenVerifier) -> ViewerFor:
    """``viewer_for(subject, role, centre_id)`` with a real signed token; ``viewer_for(None)``
    is anonymous."""

    def make(
        subject: str | None, role: Role = Role.PARTICIPANT, centre_id: str | None = None
    ) -> Viewer:
        if subject is None:
            return Viewer(None, verifier)
        token = mint_access_token(
            signing_key,
            subject=subject,
            role=role,
            issuer=ISSUER,
            audience=AUDIENCE,
            ttl_seconds=600,
            centre_id=centre_id,
        )
        return Viewer(f"Bearer {token}", verifier)

    return make


@pytest.fixture
def service_keys(tmp_path: Path) -> ServiceKeys:
    return ServiceKeys(tmp_path / "keys")


@pytest.fixture
def trust_for(service_keys: ServiceKeys) -> Callable[[str, set[str]], ServiceTrust]:
    return lambda name, callers: ServiceTrust(name, service_keys, callers)


@pytest.fixture
def tokens_of(service_keys: ServiceKeys) -> Callable[[str], ServiceTokens]:
    return lambda caller: ServiceTokens(caller, service_keys.own(caller))
