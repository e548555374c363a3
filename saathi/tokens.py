"""Access tokens: EdDSA (Ed25519) JWTs, minted by the consent service, verified everywhere.

The algorithm is fixed in code, never read from the token header, so a token cannot choose a
weaker one (``none``, HS256 with the public key as secret).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from saathi.errors import Unauthenticated
from saathi.ids import new_id
from saathi.keys import SigningKey

ALGORITHM = "EdDSA"
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "jti")


class Role(enum.Enum):
    """Who a token speaks for. Staff and partner roles are bound to one centre."""

    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    CENTRE_ADMIN = "centre_admin"
    SUPERVISOR = "supervisor"
    PARTNER = "partner"

    @property
    def is_staff(self) -> bool:
        return self in (Role.FACILITATOR, Role.CENTRE_ADMIN, Role.SUPERVISOR)


@dataclass(frozen=True)
class Principal:
    """The verified caller: subject id, role and, for staff and partners, their centre."""

    subject: str
    role: Role
    centre_id: str | None = None
    token_id: str = ""
    session_id: str | None = None  # the ``sid`` claim: the sign-in (refresh family) it belongs to
    supporter_id: str | None = None  # the ``supporter`` claim: staff who are a peer supporter

    @property
    def is_participant(self) -> bool:
        return self.role is Role.PARTICIPANT


def mint_access_token(
    key: SigningKey,
    *,
    subject: str,
    role: Role,
    issuer: str,
    audience: str,
    ttl_seconds: int,
    centre_id: str | None = None,
    now: float | None = None,
    session_id: str | None = None,
    supporter_id: str | None = None,
) -> str:
    """Sign an access token for ``subject``; ``session_id`` (claim ``sid``) names the sign-in
    it belongs to, so that ending that sign-in ends the token too; ``supporter_id`` (claim
    ``supporter``) names the peer-supporter record of a staff member who is one."""
    if role is not Role.PARTICIPANT and centre_id is None:
        raise ValueError(f"a {role.value} token must be bound to a centre")
    if supporter_id is not None and not role.is_staff:
        raise ValueError("only a staff token may name a peer supporter")
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "jti": new_id("tok"),
        "role": role.value,
    }
    if centre_id is not None:
        claims["centre"] = centre_id
    if session_id is not None:
        claims["sid"] = session_id
    if supporter_id is not None:
        claims["supporter"] = supporter_id
    return key.encode(claims)


class TokenVerifier:
    """Verifies access tokens against a JWKS (a mapping, or fetched from a URL and cached)."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks: Mapping[str, Any] | None = None,
        jwks_url: str | None = None,
        key_ring: SigningKey | None = None,
        leeway_seconds: int = 30,
    ) -> None:
        if [jwks, jwks_url, key_ring].count(None) != 2:
            raise ValueError("give exactly one of jwks, jwks_url or key_ring")
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds
        self._keys: dict[str, Any] = {}
        self._client: jwt.PyJWKClient | None = None
        # A key ring held in this process (consent, saathi up): its JWKS is read at each
        # verification, so a rotated-in key verifies at once and an expired one stops.
        self._ring = key_ring
        if jwks is not None:
            for entry in jwks["keys"]:
                self._keys[entry["kid"]] = jwt.PyJWK(dict(entry), algorithm=ALGORITHM).key
        else:
            if jwks_url is not None:
                self._client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300)

    def _key_for(self, token: str) -> Any:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError:
            raise Unauthenticated("The access token is malformed.") from None
        if self._client is not None:
            try:
                return self._client.get_signing_key_from_jwt(token).key
            except jwt.PyJWKClientError:
                raise Unauthenticated("The access token was not signed by this network.") from None
        if not isinstance(kid, str):
            raise Unauthenticated("The access token was not signed by this network.")
        if self._ring is not None:
            published = {entry["kid"]: entry for entry in self._ring.jwks()["keys"]}
            if kid not in published:
                raise Unauthenticated("The access token was not signed by this network.")
            if kid not in self._keys:
                self._keys[kid] = jwt.PyJWK(dict(published[kid]), algorithm=ALGORITHM).key
        if kid not in self._keys:
            raise Unauthenticated("The access token was not signed by this network.")
        return self._keys[kid]

    def claims(self, token: str) -> dict[str, Any]:
        """The verified claims of ``token``; raises ``Unauthenticated`` for any defect."""
        key = self._key_for(token)
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated(
                "The access token has expired; refresh it or sign in again."
            ) from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("The access token is not valid.") from None

    def verify(self, token: str) -> Principal:
        claims = self.claims(token)
        try:
            role = Role(claims.get("role", "participant"))
        except ValueError:
            raise Unauthenticated("The access token carries an unknown role.") from None
        supporter = claims.get("supporter")
        if supporter is not None and (not role.is_staff or not isinstance(supporter, str)):
            raise Unauthenticated("The access token names a peer supporter it may not.")
        return Principal(
            subject=str(claims["sub"]),
            role=role,
            centre_id=claims.get("centre"),
            token_id=str(claims["jti"]),
            session_id=claims.get("sid"),
            supporter_id=supporter,
        )

    def principal_from_header(self, authorization: str | None) -> Principal | None:
        """``None`` for an anonymous caller; a ``Principal`` for a valid bearer token.

        A header that is present but wrong is an error, never silently anonymous.
        """
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Send the access token as 'Authorization: Bearer <token>'.")
        return self.verify(token.strip())
