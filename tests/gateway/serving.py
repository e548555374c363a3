"""Serving test subgraphs over real HTTP: one uvicorn server in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL


@contextmanager
def serve_subgraphs(
    schemas: Mapping[str, strawberry.federation.Schema],
) -> Iterator[dict[str, str]]:
    """Serve each schema at `/<name>/graphql` on a free local port; yields name → URL."""
    app = Starlette(
        routes=[
            Route(f"/{name}/graphql", GraphQL(schema), methods=["GET", "POST"])
            for name, schema in schemas.items()
        ]
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test subgraph server did not start")
        time.sleep(0.01)
    try:
        yield {name: f"http://127.0.0.1:{port}/{name}/graphql" for name in schemas}
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
