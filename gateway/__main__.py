"""`python -m gateway --supergraph FILE [--host H] [--port P]`: serve a supergraph over HTTP."""

from __future__ import annotations

import argparse
from pathlib import Path

from gateway.app import create_gateway_app
from gateway.composition.supergraph import Supergraph
from gateway.executor.transport import HttpTransport
from gateway.server import GRACEFUL_SECONDS, serve
from gateway.settings import GatewaySettings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__)
    parser.add_argument("--supergraph", type=Path, required=True, help="supergraph SDL file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4000)
    parser.add_argument("--graceful-seconds", type=float, default=GRACEFUL_SECONDS)
    arguments = parser.parse_args()
    sdl = arguments.supergraph.read_text()
    transport = HttpTransport(Supergraph(sdl).graph_urls)
    app = create_gateway_app(
        sdl, transport, settings=GatewaySettings(introspection=False), owns_transport=True
    )
    serve(app, arguments.host, arguments.port, graceful_seconds=arguments.graceful_seconds)


if __name__ == "__main__":
    main()
