"""Serving the gateway: uvicorn tuned for it, JSON logs, graceful shutdown.

On SIGTERM (or SIGINT) uvicorn stops accepting connections at once, closes idle keep-alive
connections, lets every request in flight finish (for at most `graceful_seconds`), then runs
the app's shutdown (flushing OpenTelemetry spans) and exits 0. An orchestrator should stop
routing to the process first: `/ready` is the probe for that (docs/observability.md).

`python -m gateway --supergraph FILE` serves any supergraph this way, calling each subgraph at
its `join__graph` URL.
"""

from __future__ import annotations

import gc
import importlib.util
import logging
import signal
from typing import Any

import uvicorn

from gateway.logs import configure_json_logging

GRACEFUL_SECONDS = 30.0


def server_config(
    app: Any, host: str, port: int, *, graceful_seconds: float = GRACEFUL_SECONDS
) -> uvicorn.Config:
    """The uvicorn configuration the gateway runs with."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        # The C event loop and HTTP parser when installed (uvicorn[standard]), else asyncio/h11.
        loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        http="httptools" if importlib.util.find_spec("httptools") else "h11",
        ws="none",
        lifespan="on",
        # Our own JSON line per request replaces uvicorn's access log (which logs client
        # addresses and full paths, query strings included).
        access_log=False,
        log_config=None,
        log_level="warning",
        # The gateway decides whose X-Forwarded-For counts (GatewaySettings.trusted_proxies).
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=int(graceful_seconds),
        timeout_keep_alive=75,  # above common load balancers' idle timeouts (60 s)
    )


def settle_heap() -> None:
    """Move everything built so far (the supergraph, the schemas, the modules) out of the
    garbage collector's sight: they live as long as the process, and a full collection would
    otherwise walk all of them (tens of milliseconds, a stall for every request in flight)
    whenever enough newer objects have survived."""
    gc.collect()
    gc.freeze()


def _exit_cleanly(number: int, frame: object) -> None:
    raise SystemExit(0)


def serve(app: Any, host: str, port: int, *, graceful_seconds: float = GRACEFUL_SECONDS) -> None:
    """Serve `app` until SIGTERM or SIGINT, then finish the requests in flight and return."""
    configure_json_logging(logging.INFO)
    # uvicorn raises the signal it caught again once it has shut down, into the handler that
    # was there before it: this one, so a clean shutdown ends the process with status 0 (and a
    # signal before uvicorn listens ends it at once, as it would without a handler).
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, _exit_cleanly)
    settle_heap()
    uvicorn.Server(server_config(app, host, port, graceful_seconds=graceful_seconds)).run()
