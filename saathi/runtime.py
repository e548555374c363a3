"""Wiring shared by every component's start-up: the key, the verifier, the master key."""

from __future__ import annotations

from starlette.requests import Request

from saathi.crypto import MasterKey
from saathi.errors import Forbidden, Unauthenticated
from saathi.keys import SigningKey, load_or_create_signing_key
from saathi.keystore import SqliteKeyStore
from saathi.peers import Peers, ServiceCredentials
from saathi.settings import Settings
from saathi.tokens import Principal, Role, TokenVerifier, mint_access_token


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


def key_store_for(settings: Settings, component: str) -> SqliteKeyStore:
    """``component``'s store of people's data keys, in its own file under the data dir."""
    return SqliteKeyStore(settings.key_store_path(component), lambda: master_key_for(settings))


def service_credentials(
    settings: Settings, key: SigningKey, name: str = "network"
) -> ServiceCredentials:
    """Service tokens for ``name``'s internal calls, signed with the network key."""

    def mint(ttl: int) -> str:
        return mint_access_token(
            key,
            subject=f"service:{name}",
            role=Role.SERVICE,
            issuer=settings.issuer,
            audience=settings.audience,
            ttl_seconds=ttl,
        )

    return ServiceCredentials(mint)


def peers_for(settings: Settings, key: SigningKey | None = None, name: str = "network") -> Peers:
    """Clients for internal calls to the other components, carrying service tokens."""
    key = key or signing_key_for(settings)
    return Peers(settings.service_urls, credentials=service_credentials(settings, key, name))


def require_service(request: Request, verifier: TokenVerifier) -> Principal:
    """Guard for internal endpoints: only a valid service token passes.

    Raises ``Unauthenticated`` (answer 401) or ``Forbidden`` (answer 403).
    """
    principal = verifier.principal_from_header(request.headers.get("authorization"))
    if principal is None:
        raise Unauthenticated("Internal endpoints need a service token.")
    if principal.role is not Role.SERVICE:
        raise Forbidden("Only other Saathi services may call internal endpoints.")
    return principal
