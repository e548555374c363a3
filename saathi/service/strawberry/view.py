"""The ``/graphql`` view every strawberry subgraph subclasses.

Strawberry's ASGI view, with no IDE (the gateway serves one), the media-type rule and document
limits before strawberry parses (``saathi.document_limits``), the request id of
``saathi.service.view`` and its error format. A service says only how its context is built.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from saathi.document_limits import GuardedGraphQL
from saathi.service.view import request_id_of, response_body

C = TypeVar("C")


class ServiceGraphQL(GuardedGraphQL, GraphQL[C, None], Generic[C]):
    """Route it with ``saathi.service.app.standard_routes`` (GET and POST)."""

    def __init__(self, schema: Any) -> None:
        super().__init__(schema, graphql_ide=None)

    async def context_for(self, request: Request | WebSocket, request_id: str) -> C:
        """The service's typed context for one request."""
        raise NotImplementedError

    async def execute_single(self, *args: Any, **kwargs: Any) -> Any:
        """A mutation over GET is 405, as at the gateway and the graphene view (strawberry
        answers 400)."""
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as refusal:
            if isinstance(refusal.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, refusal.reason) from refusal
            raise

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> C:
        request_id = request_id_of(request.headers)
        request.state.request_id = request_id
        return await self.context_for(request, request_id)

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        request_id = getattr(request.state, "request_id", None) or request_id_of({})
        body: GraphQLHTTPResponse = response_body(  # type: ignore[assignment]
            result.data, result.errors, request_id, result.extensions
        )
        return body
