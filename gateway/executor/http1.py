"""A lean HTTP/1.1 client for subgraph calls: pooled keep-alive connections, httptools parsing.

A subgraph fetch is one small JSON POST on a connection that is almost always open already, so
the client does only that: write the request in one piece, parse the answer with httptools (the
C parser uvicorn uses), hand the body over. It costs a fraction of a general-purpose client's
CPU per call (bench/gateway_vs_apollo.py), which is most of what a cached operation costs the
gateway.

- One pool per origin, at most `max_connections` connections in use at once (the others wait).
- An idle connection is reused while younger than `idle_seconds`, kept below the keep-alive
  timeout of common servers (uvicorn's is 5 s), so a request is not written onto a connection
  the server is closing; one closed by the server meanwhile is seen and dropped.
- A request is never sent twice: a connection lost before the answer fails the call.
- `timeout` bounds a whole call, `connect_timeout` opening a connection.
- No redirects, no cookies, no proxies from the environment, no compression asked for.
- Header names and values with CR or LF are refused (no header injection).
- An answer larger than `max_body_bytes` fails the call and drops the connection, and bytes
  arriving on an idle connection (an answer nobody asked for) drop it too: a compromised
  subgraph host can neither exhaust the gateway's memory nor have a smuggled answer read as the
  answer to the next request.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import Mapping
from typing import cast
from urllib.parse import urlsplit

import httptools


class HttpError(Exception):
    """The call got no answer: connection refused, lost, timed out or not HTTP."""


class Http1Timeout(HttpError):
    """The call took longer than its timeout."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request at a time."""

    __slots__ = (
        "_body",
        "_max_body",
        "_parser",
        "_size",
        "_waiter",
        "closed",
        "idle_since",
        "keep_alive",
        "transport",
    )

    def __init__(self, max_body: int) -> None:
        self.transport: asyncio.Transport | None = None
        self._max_body = max_body
        self._size = 0
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self._body: list[bytes] = []
        self.closed = False
        self.keep_alive = True
        self.idle_since = 0.0

    # -- asyncio.Protocol --
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but they are transports
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:  # nobody asked: never kept for the next request
            self.close()
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(HttpError(f"not an HTTP answer: {error}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(HttpError("connection lost before the answer"))

    # -- httptools callbacks --
    def on_message_begin(self) -> None:
        if self._waiter is None:  # a second answer in the same bytes: nobody asked for it
            self.close()
        self._body = []
        self._size = 0

    def on_body(self, body: bytes) -> None:
        self._size += len(body)
        if self._size > self._max_body:
            self._body = []
            self._fail(HttpError(f"the answer is larger than {self._max_body} bytes"))
            self.close()
            return
        self._body.append(body)

    def on_message_complete(self) -> None:
        self.keep_alive = self._parser.should_keep_alive()
        waiter = self._waiter
        self._waiter = None
        if waiter is not None and not waiter.done():
            body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
            waiter.set_result((self._parser.get_status_code(), body))

    # -- use --
    def send(self, request: bytes) -> asyncio.Future[tuple[int, bytes]]:
        assert self.transport is not None
        waiter: asyncio.Future[tuple[int, bytes]] = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        self.transport.write(request)
        return waiter

    def _fail(self, error: HttpError) -> None:
        waiter = self._waiter
        self._waiter = None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class Origin:
    """The pooled connections to one origin (`scheme://host:port`)."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        connect_timeout: float,
        max_connections: int,
        idle_seconds: float,
        max_body_bytes: int,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl: ssl.SSLContext | None = (
            ssl.create_default_context() if parts.scheme == "https" else None
        )
        default_port = self.port == (443 if parts.scheme == "https" else 80)
        self.authority = parts.netloc if not default_port else self.host
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.idle_seconds = idle_seconds
        self.max_body_bytes = max_body_bytes
        self._idle: deque[_Connection] = deque()
        self._slots = asyncio.Semaphore(max_connections) if max_connections else None

    def head(self, path: str) -> bytes:
        """The fixed part of every request's head to this origin for `path`."""
        return (
            f"POST {path} HTTP/1.1\r\nhost: {self.authority}\r\n"
            "content-type: application/json\r\naccept: application/json\r\n"
        ).encode("latin-1")

    async def _connection(self) -> _Connection:
        now = time.monotonic()
        idle = self._idle
        while idle:
            connection = idle.pop()  # the most recently used: the least likely to be closing
            if not connection.closed and now - connection.idle_since < self.idle_seconds:
                return connection
            connection.close()
        loop = asyncio.get_running_loop()
        try:
            _, protocol = await asyncio.wait_for(
                loop.create_connection(
                    lambda: _Connection(self.max_body_bytes), self.host, self.port, ssl=self.ssl
                ),
                self.connect_timeout,
            )
        except TimeoutError as error:
            raise Http1Timeout(f"connecting to {self.authority} timed out") from error
        except OSError as error:
            raise HttpError(f"cannot connect to {self.authority}: {error}") from error
        return protocol

    async def post(self, request: bytes) -> tuple[int, bytes]:
        """Send one whole request (head and body); the answer's status and body."""
        slots = self._slots
        if slots is not None:
            await slots.acquire()
        connection: _Connection | None = None
        try:
            connection = await self._connection()
            waiter = connection.send(request)
            timer = asyncio.get_running_loop().call_later(self.timeout, _expire, waiter)
            try:
                answer = await waiter
            finally:
                timer.cancel()
            if connection.keep_alive and not connection.closed:
                connection.idle_since = time.monotonic()
                self._idle.append(connection)
                connection = None
            return answer
        finally:
            if connection is not None:  # failed, cancelled or not to be kept: never reused
                connection.close()
            if slots is not None:
                slots.release()

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


def _expire(waiter: asyncio.Future[tuple[int, bytes]]) -> None:
    if not waiter.done():
        waiter.set_exception(Http1Timeout("no answer in time"))


# set by the client itself from the request; never taken from the caller's headers
_OWN = frozenset(
    {"host", "content-type", "content-length", "accept", "transfer-encoding", "connection"}
)


def request_bytes(head: bytes, headers: Mapping[str, str], body: bytes) -> bytes:
    """A whole request: the origin's `head`, the caller's headers, the length and the body.
    A header name or value holding CR or LF is refused (no header injection)."""
    parts = []
    for name, value in headers.items():
        line = f"{name}: {value}\r\n"
        if line.count("\n") != 1 or "\r" in line[:-2]:
            raise HttpError(f"header {name!r} holds a line break")
        if name.lower() not in _OWN:
            parts.append(line)
    parts.append(f"content-length: {len(body)}\r\n\r\n")
    try:
        return head + "".join(parts).encode("latin-1") + body
    except UnicodeEncodeError as error:
        raise HttpError("a header value is not Latin-1 text") from error
