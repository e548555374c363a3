"""What an operator sees of a subgraph process: ``/ready``, Prometheus ``/metrics``, request ids
and one JSON log line per request.

``Observed`` wraps a subgraph's ASGI app in ``saathi serve`` (the services' own apps stay as
they are): it answers ``/ready`` and ``/metrics`` itself and passes everything else through,
timing it. ``/health`` is the app's own (the process is alive); ``/ready`` also asks the
database, and says 503 once the process is shutting down, so a load balancer stops sending
before the in-flight requests are finished.

Nothing personal reaches a log line or a metric label: the method, a route *family* (the first
path segment, from a fixed set), the status, the duration and the request id. Never the query
string, a header's value other than the request id, a body, a token or an id from the path.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

import gateway.logs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID_HEADER = b"x-request-id"
# A caller's request id is kept only when it looks like one (no log injection, bounded size).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
ROUTES = frozenset(
    {"/graphql", "/health", "/ready", "/metrics", "/internal", "/.well-known", "/feeds", "/oauth"}
)
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

request_id: ContextVar[str | None] = ContextVar("saathi_request_id", default=None)
access_log = logging.getLogger("saathi.access")


def route_family(path: str) -> str:
    """The metric label and log field for ``path``: its first segment when known, else
    ``other`` (ids in paths never become labels)."""
    first = "/" + path.lstrip("/").split("/", 1)[0]
    return first if first in ROUTES else "other"


class Metrics:
    """One registry per wrapped app (two apps in one process never share counters)."""

    def __init__(self, component: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "saathi_http_requests_total",
            "HTTP requests answered, by route family and status.",
            ["component", "method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "saathi_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer.",
            ["component", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "saathi_http_requests_in_flight",
            "Requests being answered now.",
            ["component"],
            registry=self.registry,
        )
        self.ready = Gauge(
            "saathi_ready",
            "1 when the last readiness check passed, else 0.",
            ["component"],
            registry=self.registry,
        )
        self.worker_rounds = Counter(
            "saathi_worker_rounds_total",
            "Rounds of the worker loop by outcome: cleared (nothing left queued), pending "
            "(the peer is down, rows wait), failed (an error, logged), skipped (another "
            "replica's turn).",
            ["component", "outcome"],
            registry=self.registry,
        )
        self.component = component

    def count_round(self, outcome: str) -> None:
        self.worker_rounds.labels(self.component, outcome).inc()


class Observed:
    """The ASGI wrapper: ``/ready``, ``/metrics``, request ids, JSON access log, metrics."""

    def __init__(self, app: ASGIApp, component: str, ready: Callable[[], Awaitable[bool]]) -> None:
        self.app = app
        self.component = component
        self.check_ready = ready
        self.metrics = Metrics(component)
        self.shutting_down = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._watch_shutdown(receive), send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if path == "/ready":
            await self._ready(send)
            return
        if path == "/metrics":
            body = generate_latest(self.metrics.registry)
            await _respond(send, 200, body, CONTENT_TYPE_LATEST.encode())
            return
        await self._pass(scope, receive, send, path)

    def _watch_shutdown(self, receive: Receive) -> Receive:
        async def watched() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                self.shutting_down = True
            return message

        return watched

    async def _ready(self, send: Send) -> None:
        ready = not self.shutting_down and await self._ready_safely()
        self.metrics.ready.labels(self.component).set(1 if ready else 0)
        body = json.dumps({"status": "ready" if ready else "unavailable"}).encode()
        await _respond(send, 200 if ready else 503, body, b"application/json")

    async def _ready_safely(self) -> bool:
        try:
            return await self.check_ready()
        except Exception:  # a database that cannot answer is not ready; the reason is logged
            logging.getLogger("saathi.ready").warning(
                "readiness check of %s failed", self.component, exc_info=True
            )
            return False

    async def _pass(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        incoming = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER, b"").decode("latin-1")
        rid = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)
        token = request_id.set(rid)
        route = route_family(path)
        method = str(scope.get("method", "GET"))
        status = {"code": 500}
        started = time.perf_counter()
        in_flight = self.metrics.in_flight.labels(self.component)
        in_flight.inc()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != REQUEST_ID_HEADER
                ]
                message["headers"] = [*headers, (REQUEST_ID_HEADER, rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            in_flight.dec()
            self.metrics.requests.labels(self.component, method, route, str(status["code"])).inc()
            self.metrics.duration.labels(self.component, route).observe(elapsed)
            access_log.info(
                "request",
                extra={
                    "component": self.component,
                    "method": method,
                    "route": route,
                    "status": status["code"],
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id.reset(token)


async def _respond(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": body})


class JsonFormatter(gateway.logs.JsonFormatter):
    """The gateway's JSON line format, with the request id of the subgraph request being
    answered (if any) and only the access log's fields as extras."""

    fields = frozenset({"component", "method", "route", "status", "duration_ms"})

    def context(self) -> dict[str, Any]:
        rid = request_id.get()
        return {} if rid is None else {"request_id": rid}


def json_log_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for ``saathi serve``: every logger (uvicorn's too) as
    JSON lines on stderr; uvicorn's own access log off (``saathi.access`` replaces it, with
    no query string)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.error": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }
