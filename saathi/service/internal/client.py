"""Calling an internal endpoint: the typed request out, the typed answer back.

``call(peers, ENDPOINT, request)`` posts to the endpoint's service through ``saathi.peers``
(in process or over HTTP, with this component's service token). Anything but a 2xx answer in
the response model is ``PeerUnavailable``; an answer that does not fit the model is its
subclass ``PeerAnswerUnreadable``, so a caller may say which went wrong.
"""

from __future__ import annotations

import httpx
import msgspec

from saathi.peers import Peers, PeerUnavailable
from saathi.service.internal.contracts import Endpoint, Req, Resp
from saathi.service.internal.wire import encode


class PeerAnswerUnreadable(PeerUnavailable):
    """The peer answered, but not with the endpoint's response model."""


async def call(peers: Peers, endpoint: Endpoint[Req, Resp], request: Req) -> Resp:
    name = endpoint.service
    headers = {"content-type": "application/json", **peers.credential_headers(name)}
    try:
        response = await peers.client(name).post(
            endpoint.path, content=encode(request), headers=headers
        )
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise PeerUnavailable(f"The {name} service did not answer: {exc}") from exc
    try:
        return msgspec.json.decode(response.content, type=endpoint.response)
    except (msgspec.ValidationError, msgspec.DecodeError):
        raise PeerAnswerUnreadable(
            f"The {name} service gave an answer this service cannot read ({endpoint.path})."
        ) from None
