"""Wiring shared by every component's start-up: the key, the verifier, the master key."""

from __future__ import annotations

from saathi.crypto import MasterKey
from saathi.keys import SigningKey, load_or_create_signing_key
from saathi.settings import Settings
from saathi.tokens import TokenVerifier


def signing_key_for(settings: Settings) -> SigningKey:
    """This instance's signing key (made on first start in the data dir)."""
    return load_or_create_signing_key(settings.data_dir)


def verifier_for(settings: Settings, key: SigningKey | None = None) -> TokenVerifier:
    """A verifier for access tokens: from ``SAATHI_JWKS_URL`` when set, else the local key."""
    if settings.jwks_url and key is None:
        return TokenVerifier(
            issuer=settings.issuer, audience=settings.audience, jwks_url=settings.jwks_url
        )
    key = key or signing_key_for(settings)
    return TokenVerifier(issuer=settings.issuer, audience=settings.audience, jwks=key.jwks())


def master_key_for(settings: Settings) -> MasterKey:
    return MasterKey.load_or_create(settings.data_dir)
