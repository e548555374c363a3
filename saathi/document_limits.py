"""The document limits every subgraph's own ``/graphql`` applies, and its media-type rule.

A subgraph's port can be reached without the gateway (by anyone on its network, or a host that
was taken over), so it must refuse the same documents the gateway refuses, before parsing more
than ``max_tokens`` tokens and before validating: the measuring is ``gateway.limits`` (one
implementation, linear in the document). The defaults are wider than the gateway's because the
gateway's own fetches are larger than the client's operation: fragments inlined, key fields,
``_entities`` with one representation per parent and one more level of depth.

``POST /graphql`` takes only ``Content-Type: application/json`` (GraphQL over HTTP): a browser
sends ``text/plain`` and form bodies cross-origin without a CORS preflight, so accepting them
would let any web page run a mutation with its visitor's network position.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send
from strawberry.types import ExecutionResult

from gateway.errors import GatewayError
from gateway.limits import DocumentLimits, measure_document, parse_document

SUBGRAPH_LIMITS = DocumentLimits(
    max_tokens=20_000,
    max_depth=24,
    max_aliases=100,
    max_root_fields=50,
    max_directives=200,
    max_selections=2_000,
    max_field_repeats=30,
    max_fragments=30,
    max_cost=200_000,
)

JSON_MEDIA_TYPES = frozenset({"application/json"})


def _graphql_error(error: GatewayError) -> GraphQLError:
    return GraphQLError(error.message, extensions={"code": error.code})


PARSED_DOCUMENTS = 256


class DocumentGuard:
    """Parses with a token limit and measures documents against one schema's limits."""

    def __init__(
        self,
        schema: GraphQLSchema,
        limits: DocumentLimits = SUBGRAPH_LIMITS,
        remembered: int = PARSED_DOCUMENTS,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self._remembered = remembered
        self._parsed: OrderedDict[str, DocumentNode] = OrderedDict()

    def parse(self, query: str) -> DocumentNode:
        """The parsed document; raises a `GraphQLError` whose extensions carry the code. The
        last few hundred documents that parsed are remembered: the gateway sends the same few
        (an ``_entities`` fetch for every page of groups) again and again."""
        parsed = self._parsed.get(query)
        if parsed is not None:
            self._parsed.move_to_end(query)
            return parsed
        parsed = self._parse(query)
        self._parsed[query] = parsed
        if len(self._parsed) > self._remembered:
            self._parsed.popitem(last=False)
        return parsed

    def _parse(self, query: str) -> DocumentNode:
        try:
            return parse_document(query, self.limits)
        except GatewayError as error:
            raise _graphql_error(error) from None
        except GraphQLError as error:
            raise GraphQLError(
                error.message,
                source=error.source,
                positions=error.positions,
                extensions={"code": "GRAPHQL_PARSE_FAILED"},
            ) from None

    def measure(self, document: DocumentNode, variables: Mapping[str, Any] | None) -> None:
        """Raise a coded `GraphQLError` when `document` exceeds a limit."""
        try:
            measure_document(document, self.limits, self.schema, variables)
        except GatewayError as error:
            raise _graphql_error(error) from None

    def refusal(self, query: Any, variables: Any) -> GraphQLError | None:
        """Why `query` is refused, or None (a non-string query is left to the server)."""
        if not isinstance(query, str):
            return None
        try:
            self.measure(self.parse(query), variables if isinstance(variables, dict) else None)
        except GraphQLError as error:
            return error
        return None


def media_type(headers: Headers) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def unsupported_media_type(scope: Scope) -> JSONResponse | None:
    """The 415 answer to a POST whose body is not declared JSON, else None."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    if media_type(Headers(scope=scope)) in JSON_MEDIA_TYPES:
        return None
    return JSONResponse(
        {
            "errors": [
                {
                    "message": "POST /graphql takes Content-Type: application/json.",
                    "extensions": {"code": "BAD_USER_INPUT"},
                }
            ]
        },
        status_code=415,
    )


class GuardedGraphQL:
    """Mixin for strawberry's ASGI view: the media-type rule, then the document limits, before
    strawberry parses or validates. Put it before ``strawberry.asgi.GraphQL`` in the bases."""

    schema: Any
    _guard: DocumentGuard | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refused = unsupported_media_type(scope)
        if refused is not None:
            await refused(scope, receive, send)
            return
        await super().__call__(scope, receive, send)  # type: ignore[misc]

    async def execute_single(  # strawberry's signature, so positional calls work too
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: Any,
    ) -> Any:
        if self._guard is None:
            self._guard = DocumentGuard(self.schema._schema)
        error = self._guard.refusal(request_data.query, request_data.variables)
        if error is not None:
            return ExecutionResult(data=None, errors=[error])
        return await super().execute_single(  # type: ignore[misc]
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=request_data,
        )
