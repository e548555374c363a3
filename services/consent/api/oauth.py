"""``POST /oauth/token``: partner systems trade a signed client assertion for an access token.

The body is form-encoded (RFC 6749 section 4.4); the rules are in ``domain/partners.py``.
The accepted audiences are the public token URL (``<SAATHI_PUBLIC_URL>/oauth/token``) and the
issuer. Neither comes from the request: a ``Host`` or ``X-Forwarded-Host`` header is the caller's
to choose, so an audience taken from it would accept an assertion made for any other server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

from saathi.settings import Settings
from services.consent.domain.deps import Deps
from services.consent.domain.partners import OAuthError, client_credentials

_NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}
FORM = "application/x-www-form-urlencoded"
TOKEN_PATH = "/oauth/token"


def audiences(settings: Settings) -> set[str]:
    """The audiences an assertion may name: the public token URL and the issuer."""
    return {f"{settings.public_url.rstrip('/')}{TOKEN_PATH}", settings.issuer}


async def _form(request: Request) -> dict[str, str]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        raise OAuthError("invalid_request", f"Send the parameters as {FORM}.")
    try:
        pairs = parse_qsl((await request.body()).decode(), strict_parsing=False)
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "The body is not UTF-8.") from None
    form = dict(pairs)
    if len(form) != len(pairs):
        raise OAuthError("invalid_request", "A parameter was sent more than once.")
    return form


def token_endpoint(deps: Deps) -> Callable[[Request], Awaitable[JSONResponse]]:
    """The Starlette endpoint for ``POST /oauth/token``."""

    async def endpoint(request: Request) -> JSONResponse:
        try:
            form = await _form(request)
            issued = await client_credentials(deps, form, audiences(deps.settings))
        except OAuthError as refusal:
            headers = dict(_NO_STORE)
            if refusal.status == 401:
                headers["www-authenticate"] = 'Bearer error="invalid_client"'
            return JSONResponse(
                {"error": refusal.error, "error_description": refusal.description},
                status_code=refusal.status,
                headers=headers,
            )
        return JSONResponse(issued.as_json(), headers=_NO_STORE)

    return endpoint
