"""The sessions subgraph's ``/graphql``: the toolkit's view with the sessions context."""

from __future__ import annotations

from starlette.requests import Request
from starlette.websockets import WebSocket

from saathi.auth import Viewer
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.service.clock import Clock
from saathi.service.strawberry import ServiceGraphQL
from saathi.tokens import TokenVerifier
from services.sessions.api.context import Context
from services.sessions.api.schema import schema
from services.sessions.domain.seats import SeatPusher


class SessionsGraphQL(ServiceGraphQL[Context]):
    """Builds each request's ``Context``: the caller, the peers, the data keys, the clock."""

    def __init__(
        self,
        verifier: TokenVerifier,
        peers: Peers,
        keys: KeyStore,
        clock: Clock,
        seats: SeatPusher | None = None,
    ) -> None:
        super().__init__(schema)
        self.verifier = verifier
        self.peers = peers
        self.keys = keys
        self.clock = clock
        self.seats = seats

    async def context_for(self, request: Request | WebSocket, request_id: str) -> Context:
        viewer = Viewer(request.headers.get("authorization"), self.verifier)
        return Context(
            viewer=viewer,
            request_id=request_id,
            peers=self.peers,
            keys=self.keys,
            clock=self.clock,
            seats=self.seats,
        )
