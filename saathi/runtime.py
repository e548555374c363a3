"""Wiring shared by every component's start-up: keys, verifiers, peers, the master key.

Two kinds of key, kept apart on purpose (docs/service-trust.md):

- the network's **token-signing key** (``signing-key.pem``) signs participant, staff and partner
  tokens and consent receipts. Only the consent service holds it; every other component
  verifies those tokens with the public JWKS (``SAATHI_JWKS_URL``, else consent's own
  ``/.well-known/jwks.json``).
- each component's **service key** (``keys/<name>.pem``) signs only that component's calls to
  the others; the others hold its public half (``keys/<name>.jwk.json``).
"""

from __future__ import annotations

import gc

from saathi.crypto import MasterKey
from saathi.keys import SigningKey, load_or_create_signing_key
from saathi.keystore import SqliteKeyStore
from saathi.peers import Peers
from saathi.service_trust import GATEWAY, ServiceKeys, ServiceTokens, ServiceTrust
from saathi.settings import Settings
from saathi.tokens import TokenVerifier

# Who may call each subgraph at all; each internal endpoint narrows this to its own callers.
CALLERS: dict[str, frozenset[str]] = {
    "directory": frozenset({GATEWAY, "consent", "sessions"}),
    "sessions": frozenset({GATEWAY, "directory", "consent"}),
    "consent": frozenset({GATEWAY, "sessions", "directory"}),
}


def signing_key_for(settings: Settings) -> SigningKey:
    """The network's token-signing key (made on first start): the consent service's alone."""
    return load_or_create_signing_key(settings.data_dir)


def jwks_url_for(settings: Settings) -> str:
    """Where the public keys of access tokens are: ``SAATHI_JWKS_URL``, else consent's own."""
    return settings.jwks_url or settings.service_url("consent") + "/.well-known/jwks.json"


def verifier_for(settings: Settings, key: SigningKey | None = None) -> TokenVerifier:
    """A verifier for access tokens: the given key's JWKS where this process holds the key
    (consent, ``saathi up``), else the published JWKS. It never reads the private key."""
    if key is None:
        return TokenVerifier(
            issuer=settings.issuer, audience=settings.audience, jwks_url=jwks_url_for(settings)
        )
    return TokenVerifier(issuer=settings.issuer, audience=settings.audience, key_ring=key)


def master_key_for(settings: Settings) -> MasterKey:
    return MasterKey.load_or_create(settings.data_dir)


def key_store_for(settings: Settings, component: str) -> SqliteKeyStore:
    """``component``'s store of people's data keys, in its own file under the data dir."""
    return SqliteKeyStore(settings.key_store_path(component), lambda: master_key_for(settings))


def service_keys(settings: Settings) -> ServiceKeys:
    return ServiceKeys(settings.keys_dir)


def service_tokens(settings: Settings, name: str) -> ServiceTokens:
    """``name``'s service tokens, signed with its own key (made on first start)."""
    return ServiceTokens(name, service_keys(settings).own(name))


def trust_for(settings: Settings, name: str) -> ServiceTrust:
    """Which components ``name`` answers, verified with their public keys in the keys dir."""
    return ServiceTrust(name, service_keys(settings), CALLERS.get(name, frozenset()))


def peers_for(settings: Settings, name: str) -> Peers:
    """``name``'s clients for its internal calls to the others, carrying its service tokens."""
    return Peers(settings.service_urls, credentials=service_tokens(settings, name))


def settle_heap() -> None:
    """Once a process has started (schemas built, tables opened, the demo seeded), move every
    object it holds out of the garbage collector's way (``gc.freeze``): a full collection then
    scans only what requests made since, not the hundreds of thousands of objects of the
    schemas, the plan cache and the ORM. Without it, one request in about 150 waited 150 to
    180 ms for a full collection under the nearby benchmark (docs/nearby-search.md)."""
    gc.collect()
    gc.freeze()
