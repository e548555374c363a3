"""A shared cache of anonymous ``GET /graphql`` answers for nearby searches, with ETags.

Most searches for a group are anonymous and repeat for the same few places; the gateway already
marks an error-free GET answer to a caller without ``Authorization`` as ``public, max-age=...``.
This middleware, in front of the gateway, keeps such answers for a few seconds and serves them
again without planning or running anything, and answers ``304 Not Modified`` when the client's
``If-None-Match`` names the answer it holds.

What may be shared is narrow on purpose, because a shared cache that hands one person's answer
to another is a leak:

- only ``GET`` requests to ``/graphql`` whose document is one query operation every root field
  of which is ``nearbyGroups``; persisted-query GETs without the document text are not kept;
- never a request that carries credentials (``Authorization`` or ``Cookie``, even empty): it
  goes to the gateway untouched, is not stored and is not answered from the store;
- only answers the gateway itself called ``public`` (status 200, no errors, no fallback);
- the key is the exact query string, so different variables are different entries.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CACHED_ROOT_FIELDS = frozenset({"nearbyGroups"})
CREDENTIAL_HEADERS = (b"authorization", b"cookie")
REQUEST_ID_HEADER = b"x-request-id"
MAX_QUERY_LENGTH = 8_000  # longer query strings are not kept (nor parsed here)


@dataclass(frozen=True)
class _Entry:
    body: bytes
    etag: str
    stored_at: float
    fresh_for: float


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _carries_credentials(scope: Scope) -> bool:
    return any(name in CREDENTIAL_HEADERS for name, _ in scope["headers"])


class _Documents:
    """Whether a document text is a query asking only for the cached root fields (memoised:
    the same few documents come again and again)."""

    def __init__(self, maxsize: int = 256) -> None:
        self._maxsize = maxsize
        self._known: OrderedDict[str, bool] = OrderedDict()

    def cacheable(self, query: str) -> bool:
        if query in self._known:
            self._known.move_to_end(query)
            return self._known[query]
        answer = self._judge(query)
        self._known[query] = answer
        if len(self._known) > self._maxsize:
            self._known.popitem(last=False)
        return answer

    @staticmethod
    def _judge(query: str) -> bool:
        try:
            document = parse(query, max_tokens=2_000)
        except GraphQLError:
            return False
        if len(document.definitions) != 1:
            return False
        operation = document.definitions[0]
        if not isinstance(operation, OperationDefinitionNode):
            return False
        if operation.operation is not OperationType.QUERY or operation.directives:
            return False
        selections = operation.selection_set.selections
        return bool(selections) and all(
            isinstance(node, FieldNode)
            and node.name.value in CACHED_ROOT_FIELDS
            and not node.directives
            for node in selections
        )


class AnonymousGetCache:
    """ASGI middleware around the gateway; see the module's docstring for what it keeps."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_age: float = 30.0,
        max_entries: int = 2_000,
        path: str = "/graphql",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._app = app
        self._max_age = max_age
        self._max_entries = max_entries
        self._path = path
        self._clock = clock
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._documents = _Documents()

    def __len__(self) -> int:
        return len(self._entries)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._applies(scope):
            await self._app(scope, receive, send)
            return
        key = bytes(scope["query_string"])
        headers = Headers(scope=scope)
        entry = self._fresh(key)
        if entry is None:
            entry = await self._fill(key, scope, receive, send, headers)
            if entry is None:
                return  # the gateway's own answer went out as it was
        await self._answer(entry, headers, send)

    def _applies(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != self._path:
            return False
        if _carries_credentials(scope):
            return False
        raw = bytes(scope["query_string"])
        if not raw or len(raw) > MAX_QUERY_LENGTH:
            return False
        queries = parse_qs(raw.decode("latin-1")).get("query")
        return queries is not None and len(queries) == 1 and self._documents.cacheable(queries[0])

    def _fresh(self, key: bytes) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self._clock() - entry.stored_at >= entry.fresh_for:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    async def _fill(
        self, key: bytes, scope: Scope, receive: Receive, send: Send, headers: Headers
    ) -> _Entry | None:
        """Run the gateway; keep its answer when it called it public. Returns the entry, or
        None when the answer was passed on unchanged (not public: not kept)."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self._app(scope, receive, capture)
        if start is None:
            return None
        body = b"".join(chunks)
        fresh_for = self._public_for(start)
        if fresh_for is None:
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return None
        entry = _Entry(body, _etag(body), self._clock(), fresh_for)
        self._entries[key] = entry
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return entry

    def _public_for(self, start: Message) -> float | None:
        """How long the gateway's answer may be kept, or None if it may not be shared."""
        if start["status"] != 200:
            return None
        control = Headers(raw=start.get("headers", [])).get("cache-control", "")
        directives = [part.strip().lower() for part in control.split(",")]
        if "public" not in directives:
            return None
        for directive in directives:
            if directive.startswith("max-age="):
                seconds = directive.removeprefix("max-age=")
                if seconds.isdigit():
                    return min(float(seconds), self._max_age)
        return None

    async def _answer(self, entry: _Entry, headers: Headers, send: Send) -> None:
        remaining = max(0, int(entry.fresh_for - (self._clock() - entry.stored_at)))
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        common = [
            (b"etag", entry.etag.encode()),
            (b"cache-control", f"public, max-age={remaining}".encode()),
            (b"vary", b"authorization, cookie"),
            (REQUEST_ID_HEADER, request_id.encode("latin-1")),
        ]
        if entry.etag in _listed(headers.get("if-none-match")):
            await send({"type": "http.response.start", "status": 304, "headers": common})
            await send({"type": "http.response.body", "body": b""})
            return
        response_headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(entry.body)).encode()),
            *common,
        ]
        await send({"type": "http.response.start", "status": 200, "headers": response_headers})
        await send({"type": "http.response.body", "body": entry.body})


def _listed(if_none_match: str | None) -> set[str]:
    if not if_none_match:
        return set()
    return {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
