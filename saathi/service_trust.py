"""Trust between the network's own components: who may call a subgraph, proved per request.

Each component (``gateway``, ``directory``, ``sessions``, ``consent``) has an Ed25519 key of its
own, ``<keys dir>/<name>.pem`` (mode 0600), and publishes the public half beside it as
``<name>.jwk.json``. A caller signs a short-lived **service token** for one target: ``iss`` and
``sub`` are the caller's name, ``aud`` the target's name. The target verifies it with the public
key of the component the token names, so a token for ``sessions`` is refused by ``consent``,
and one component's key cannot speak for another. A compromised host holds only its own
private key: it can call what its name is allowed to call, and nothing more.

``ServiceDoor`` puts this in front of a whole subgraph: every request but ``/health`` and the
public key set needs a service token; GraphQL, feeds and the token endpoint only from the
gateway; ``/internal/...`` from a named peer, which each internal endpoint narrows further.
See docs/service-trust.md.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jwt
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from saathi.errors import Forbidden, SaathiError, Unauthenticated
from saathi.ids import new_id
from saathi.keys import SigningKey, load_or_create_key_file

ALGORITHM = "EdDSA"
SERVICE_TOKEN_HEADER = "x-saathi-service"
SERVICE_TOKEN_TTL = 60
# A verifier refuses a token meant to live longer than this, whoever minted it.
MAX_SERVICE_TOKEN_TTL = 300
GATEWAY = "gateway"
OPEN_PATHS = frozenset({"/health", "/.well-known/jwks.json"})
_FORWARDED = (b"x-forwarded-for", b"x-forwarded-host", b"x-forwarded-proto", b"forwarded")
_REQUIRED = ["iss", "aud", "sub", "exp", "iat", "jti"]


class ServiceKeys:
    """The keys directory: this component's private key, every component's public key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._public: dict[str, tuple[int, dict[str, Any]]] = {}

    def private_path(self, name: str) -> Path:
        return self.directory / f"{name}.pem"

    def public_path(self, name: str) -> Path:
        return self.directory / f"{name}.jwk.json"

    def own(self, name: str) -> SigningKey:
        """``name``'s private key, made on first start; its public JWK is (re)written beside it."""
        key = load_or_create_key_file(self.private_path(name))
        jwk = key.public_jwk()
        path = self.public_path(name)
        if self._read(path) != jwk:
            staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            staging.write_text(json.dumps(jwk, sort_keys=True) + "\n")
            os.replace(staging, path)  # readers see the old file or the new one, never half
        return key

    def public(self, name: str) -> dict[str, Any] | None:
        """``name``'s public JWK, re-read when its file changes (a new key, a late start)."""
        path = self.public_path(name)
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return None
        cached = self._public.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        jwk = self._read(path)
        if jwk is None:
            return None
        self._public[name] = (stamp, jwk)
        return jwk

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            value = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None


class ServiceTokens:
    """The caller's side: one token per target, minted with the caller's own key and reused
    until half its life is gone."""

    def __init__(
        self,
        name: str,
        key: SigningKey,
        ttl_seconds: int = SERVICE_TOKEN_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self._key = key
        self._ttl = ttl_seconds
        self._clock = clock
        self._tokens: dict[str, tuple[str, float]] = {}

    def __call__(self, audience: str) -> str:
        now = self._clock()
        cached = self._tokens.get(audience)
        if cached is not None and now < cached[1]:
            return cached[0]
        token = mint_service_token(
            self._key, caller=self.name, audience=audience, ttl_seconds=self._ttl, now=now
        )
        self._tokens[audience] = (token, now + self._ttl / 2)
        return token

    def headers(self, audience: str) -> dict[str, str]:
        return {SERVICE_TOKEN_HEADER: self(audience)}


def mint_service_token(
    key: SigningKey, *, caller: str, audience: str, ttl_seconds: int, now: float | None = None
) -> str:
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": caller,
        "sub": caller,
        "aud": audience,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "jti": new_id("svc"),
    }
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})


class ServiceTrust:
    """The target's side: which components ``name`` trusts, and the proof that one is calling."""

    def __init__(
        self, name: str, keys: ServiceKeys, callers: Iterable[str], leeway_seconds: int = 30
    ) -> None:
        self.name = name
        self.keys = keys
        self.callers = frozenset(callers)
        self._leeway = leeway_seconds
        self._verified: dict[str, tuple[str, float]] = {}

    def caller(self, token: str | None) -> str:
        """The name of the component that signed ``token`` for this one.

        Raises ``Unauthenticated`` for a missing, expired, forged or misdirected token.
        """
        if not token:
            raise Unauthenticated("Only the gateway and the network's own services may call this.")
        now = time.time()
        cached = self._verified.get(token)
        if cached is not None and now < cached[1]:
            return cached[0]
        caller, expires = self._verify(token)
        if len(self._verified) > 1024:
            self._verified = {t: v for t, v in self._verified.items() if now < v[1]}
        self._verified[token] = (caller, expires)
        return caller

    def _verify(self, token: str) -> tuple[str, float]:
        refused = Unauthenticated("The service token is not valid for this service.")
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError:
            raise refused from None
        caller = unverified.get("iss")
        if not isinstance(caller, str) or caller not in self.callers:
            raise refused
        jwk = self.keys.public(caller)
        if jwk is None:
            raise Unauthenticated(f"No public key of the {caller} service is installed here.")
        try:
            key = jwt.PyJWK(dict(jwk), algorithm=ALGORITHM).key
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.name,
                issuer=caller,
                leeway=self._leeway,
                options={"require": _REQUIRED},
            )
        except (jwt.InvalidTokenError, jwt.PyJWKError):
            raise refused from None
        lifetime = int(claims["exp"]) - int(claims["iat"])
        if claims["sub"] != caller or lifetime > MAX_SERVICE_TOKEN_TTL:
            raise refused
        return caller, float(claims["exp"])


def public_key_set(keys: ServiceKeys, names: Iterable[str]) -> dict[str, Any]:
    """The public keys of ``names`` that are installed, as a JWKS (``saathi keys``)."""
    found = [{**jwk, "service": name} for name in names if (jwk := keys.public(name))]
    return {"keys": found}


class ServiceDoor:
    """ASGI middleware: a subgraph answers only the gateway and its named peers.

    ``/health`` and the public JWKS stay open (nothing secret, and what the others need to
    start). GraphQL and every other route need the gateway's token; ``/internal/...`` needs a
    token from one of ``trust.callers``, and each internal endpoint then names its own callers.
    A forwarded-address header counts only from the gateway, which sets it from the real peer.
    """

    def __init__(
        self, app: ASGIApp, trust: ServiceTrust, open_paths: frozenset[str] = OPEN_PATHS
    ) -> None:
        self.app = app
        self.trust = trust
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["path"] in self.open_paths:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            caller = self.trust.caller(headers.get(SERVICE_TOKEN_HEADER))
            if caller != GATEWAY and not scope["path"].startswith("/internal/"):
                raise Forbidden(f"The {caller} service may not call this.")
        except SaathiError as error:
            await _refuse(error, send)
            return
        if caller != GATEWAY:
            scope = {**scope, "headers": [h for h in scope["headers"] if h[0] not in _FORWARDED]}
        state = scope.setdefault("state", {})
        state["service_caller"] = caller
        await self.app(scope, receive, send)


async def _refuse(error: SaathiError, send: Send) -> None:
    status = 403 if isinstance(error, Forbidden) else 401
    body = json.dumps(
        {"errors": [{"message": error.message, "extensions": {"code": error.code.value}}]}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
