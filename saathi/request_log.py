"""One log line per HTTP request, at INFO: method, path, status, duration, request id.

What it leaves out is the point: no query string (a GET ``/graphql`` carries the query and its
variables there), no headers (the ``Authorization`` token), no body, no client address. A path
names only public things (``/graphql``, ``/feeds/groups/grp_....ics``). The request id is the
gateway's ``x-request-id`` answer header, so a line can be matched with the gateway's own log of
an unexpected error.

    POST /graphql 200 12.4 ms id=5f0c...
"""

from __future__ import annotations

import logging
import time
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("saathi.requests")


class RequestLog:
    """ASGI middleware writing one line per HTTP request to the ``saathi.requests`` logger."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app starts an answer: an exception escaping it is a 500
        request_id = ""

        async def sending(message: Message) -> None:
            nonlocal status, request_id
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers", ()):
                    if name.lower() == b"x-request-id":
                        request_id = value.decode("latin-1")
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if logger.isEnabledFor(logging.INFO):
                elapsed = (time.perf_counter() - started) * 1000
                suffix = f" id={_printable(request_id)[:64]}" if request_id else ""
                logger.info(
                    "%s %s %d %.1f ms%s",
                    scope["method"],
                    _printable(scope["path"]),
                    status,
                    elapsed,
                    suffix,
                )


def print_requests(stream: TextIO) -> None:
    """Send the request log to ``stream`` (``saathi up`` passes stderr), one line a request
    with the time of day in front; nothing else is configured."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _printable(text: str) -> str:
    """``text`` without control characters, so no path can forge a second log line."""
    return "".join(c if c.isprintable() else "?" for c in text)[:200]
