"""``POST /oauth/token``: partner systems trade a signed client assertion for an access token.

The body is form-encoded (RFC 6749 section 4.4); the rules are in ``domain/partners.py``.
The token endpoint's own URL is an accepted audience, as the partner sees it (through the
gateway's ``X-Forwarded-Proto``/``X-Forwarded-Host`` when present), and so is the issuer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

from services.consent.domain.deps import Deps
from services.consent.domain.partners import OAuthError, client_credentials

_NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}
FORM = "application/x-www-form-urlencoded"


def _audiences(request: Request, issuer: str) -> set[str]:
    own = str(request.url.replace(query=None, fragment=None))
    found = {issuer, own}
    host = request.headers.get("x-forwarded-host")
    if host:
        proto = request.headers.get("x-forwarded-proto", request.url.scheme)
        found.add(f"{proto}://{host}{request.url.path}")
    return found


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
            issued = await client_credentials(deps, form, _audiences(request, deps.settings.issuer))
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
