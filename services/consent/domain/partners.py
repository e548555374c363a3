"""Tokens for partner systems: OAuth 2.0 client credentials with a JWT client assertion.

RFC 7523 (``private_key_jwt``): the partner signs an assertion with its own Ed25519 key, with
``iss`` = ``sub`` = its client id, ``aud`` = the public token URL (``SAATHI_PUBLIC_URL`` +
``/oauth/token``) or this network's issuer, ``exp`` at most five minutes ahead, and a ``jti``
that is accepted once (remembered until the assertion expires). The answer is an access token
of role ``partner`` bound to its centre.

Refusals follow RFC 6749 section 5.2: ``unsupported_grant_type`` and ``invalid_request`` (400)
for a malformed request, ``invalid_client`` (401) when the client is unknown or the signature is
not its key's, ``invalid_grant`` (400) for an assertion that is signed right but expired, too
long-lived, for another audience, or replayed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from saathi.ids import is_id
from saathi.tokens import ALGORITHM, Role, mint_access_token
from services.consent.domain.deps import Deps
from services.consent.repository import partners

GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_LIFETIME = timedelta(minutes=5)
LEEWAY = timedelta(seconds=30)


class OAuthError(Exception):
    """A refusal of the token endpoint: the RFC 6749 error code and the HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _invalid_client(description: str) -> OAuthError:
    return OAuthError("invalid_client", description, 401)


def _invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description, 400)


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int

    def as_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }


def _client_id(assertion: str, form: Mapping[str, str]) -> str:
    try:
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise _invalid_client("The client assertion is not a JWT.") from None
    issuer = unverified.get("iss")
    if not isinstance(issuer, str) or not is_id(issuer, "prt"):
        raise _invalid_client("The assertion's iss is not a partner client id.")
    if form.get("client_id", issuer) != issuer:
        raise _invalid_client("client_id and the assertion's iss differ.")
    return issuer


def _public_key(pem: str) -> Ed25519PublicKey:
    key = load_pem_public_key(pem.encode())
    assert isinstance(key, Ed25519PublicKey), "only Ed25519 keys are registered"
    return key


async def client_credentials(
    deps: Deps, form: Mapping[str, str], audiences: Iterable[str]
) -> IssuedToken:
    """Check the grant and its client assertion; an access token for the partner."""
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is missing.")
    if grant_type != GRANT_TYPE:
        raise OAuthError("unsupported_grant_type", f"Only {GRANT_TYPE} is supported.")
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise OAuthError("invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}.")
    assertion = form.get("client_assertion", "")
    if not assertion:
        raise OAuthError("invalid_request", "client_assertion is missing.")
    client_id = _client_id(assertion, form)
    partner = await partners.partner_by_id(client_id)
    if partner is None:
        raise _invalid_client("No partner is registered with this client id.")
    try:
        claims = jwt.decode(
            assertion,
            _public_key(partner.public_key_pem),
            algorithms=[ALGORITHM],
            audience=list(audiences),
            options={"require": ["iss", "sub", "aud", "exp", "jti"], "verify_exp": False},
            leeway=LEEWAY,
        )
    except (jwt.InvalidSignatureError, jwt.DecodeError, jwt.InvalidAlgorithmError):
        raise _invalid_client("The assertion is not signed with this client's key.") from None
    except jwt.InvalidAudienceError:
        raise _invalid_grant("The assertion's aud is not this token endpoint.") from None
    except jwt.InvalidTokenError as exc:
        raise _invalid_grant(f"The assertion is not valid: {exc}") from None
    if claims["sub"] != client_id:
        raise _invalid_grant("The assertion's sub must equal its iss.")
    now = deps.clock()
    if not isinstance(claims["exp"], int | float):
        raise _invalid_grant("The assertion's exp is not a number.")
    expires = datetime.fromtimestamp(claims["exp"], UTC)
    if expires <= now - LEEWAY:
        raise _invalid_grant("The assertion has expired.")
    if expires > now + MAX_ASSERTION_LIFETIME + LEEWAY:
        raise _invalid_grant("The assertion's exp may be at most five minutes ahead.")
    if not await partners.spend_assertion(f"{client_id}:{claims['jti']}", expires + LEEWAY, now):
        raise _invalid_grant("This assertion was already used (jti replayed).")
    settings = deps.settings
    token = mint_access_token(
        deps.signing_key,
        subject=client_id,
        role=Role.PARTNER,
        centre_id=partner.centre_id,
        issuer=settings.issuer,
        audience=settings.audience,
        ttl_seconds=settings.access_token_ttl,
        now=now.timestamp(),
    )
    return IssuedToken(access_token=token, expires_in=settings.access_token_ttl)
