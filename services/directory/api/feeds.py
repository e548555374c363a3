"""``GET /feeds/meetings.json``: the Meeting Guide (TSML) feed, with validators for caches.

The ETag is a hash of the body, so it changes exactly when the feed does; a client that sends
it back in ``If-None-Match`` gets a 304 with no body.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from services.directory.domain import feeds

CACHE_CONTROL = "public, max-age=300"


async def meetings_json(request: Request) -> Response:
    body, etag = feeds.encode(await feeds.meeting_guide_feed())
    headers = {
        "etag": etag,
        "cache-control": CACHE_CONTROL,
        "access-control-allow-origin": "*",
    }
    if feeds.etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
