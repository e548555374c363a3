"""The GraphQL HTTP view: builds the typed context and formats errors the Saathi way."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from saathi.auth import Viewer
from saathi.document_limits import GuardedGraphQL
from saathi.graphql_errors import REQUEST_ID_HEADER, format_error
from saathi.ids import new_id
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.tokens import TokenVerifier
from services.sessions.api.context import Context
from services.sessions.api.schema import schema


class SessionsGraphQL(GuardedGraphQL, GraphQL[Context, None]):
    """``/graphql`` of the sessions subgraph (no GraphiQL: the gateway serves the IDE); JSON
    POSTs only, documents within ``saathi.document_limits`` before strawberry parses them."""

    def __init__(self, verifier: TokenVerifier, peers: Peers, keys: KeyStore) -> None:
        super().__init__(schema, graphql_ide=None)
        self.verifier = verifier
        self.peers = peers
        self.keys = keys

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        request_id = request.headers.get(REQUEST_ID_HEADER) or new_id("req")
        request.state.request_id = request_id
        viewer = Viewer(request.headers.get("authorization"), self.verifier)
        return Context(viewer=viewer, request_id=request_id, peers=self.peers, keys=self.keys)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        request_id = getattr(request.state, "request_id", None) or new_id("req")
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            response["errors"] = [format_error(error, request_id) for error in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response
