"""GraphQL over HTTP for a graphene subgraph: ``GET`` (queries) and ``POST`` (JSON) on
``/graphql``.

graphene brings no ASGI server, so this is a small one: documents parsed, measured against the
limits and validated once per query string (``DocumentCache``), executed with the service's
typed context, answered with the toolkit's request id and error format
(``saathi.service.view``), as the strawberry view answers.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    execute,
    validate,
)
from starlette.requests import Request
from starlette.responses import JSONResponse

from saathi.document_limits import DocumentGuard, unsupported_media_type
from saathi.errors import ErrorCode
from saathi.graphql_errors import REQUEST_ID_HEADER
from saathi.service.view import request_id_of, response_body

DOCUMENT_CACHE_SIZE = 512

Document = DocumentNode | list[GraphQLError]
ContextFor = Callable[[Request, str], Any | Awaitable[Any]]


class DocumentCache:
    """Parsed and validated documents by query string; the least recently used go first.

    A document that fails to parse, exceeds a limit or fails validation is kept with its
    errors: a client that repeats a bad query costs no more than one that repeats a good one.
    Limits are measured before validation (``saathi.document_limits``), which can take
    exponential time on a small document that exceeds them.
    """

    def __init__(self, schema: GraphQLSchema, maxsize: int = DOCUMENT_CACHE_SIZE) -> None:
        self._schema = schema
        self.guard = DocumentGuard(schema)
        self.get: Callable[[str], Document] = functools.lru_cache(maxsize=maxsize)(self._load)

    def __len__(self) -> int:
        return int(self.get.cache_info().currsize)  # type: ignore[attr-defined]

    def _load(self, query: str) -> Document:
        try:
            document = self.guard.parse(query)
            self.guard.measure(document, None)
        except GraphQLError as error:
            return [error]
        errors = validate(self._schema, document)
        return errors or document


def _refusal(message: str, request_id: str, status: int = 400) -> JSONResponse:
    body = {
        "errors": [{"message": message, "extensions": {"code": ErrorCode.BAD_USER_INPUT.value}}]
    }
    return JSONResponse(body, status_code=status, headers={REQUEST_ID_HEADER: request_id})


class _Refused(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


async def _params(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        if "variables" in params:
            try:
                params["variables"] = json.loads(params["variables"])
            except ValueError:
                raise _Refused("'variables' must be a JSON object.") from None
        return params
    try:
        body: Any = await request.json()
    except ValueError:
        raise _Refused("The request body is not JSON.") from None
    if not isinstance(body, dict):
        raise _Refused("Send a JSON object with a 'query' string.")
    return body


def _is_mutation(document: DocumentNode, operation: str | None) -> bool:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation is None or (definition.name and definition.name.value == operation)
        ):
            return definition.operation is not OperationType.QUERY
    return False


class GrapheneGraphQL:
    """Serves one schema; route ``handle`` with ``saathi.service.app.standard_routes``.
    ``context_for(request, request_id)`` builds the service's typed context."""

    def __init__(self, schema: GraphQLSchema, context_for: ContextFor) -> None:
        self._schema = schema
        self._context_for = context_for
        self.documents = DocumentCache(schema)

    async def handle(self, request: Request) -> JSONResponse:
        request_id = request_id_of(request.headers)
        refused = unsupported_media_type(request.scope)
        if refused is not None:
            refused.headers[REQUEST_ID_HEADER] = request_id
            return refused
        try:
            params = await _params(request)
            query, variables = params.get("query"), params.get("variables")
            operation = params.get("operationName")
            if not isinstance(query, str):
                raise _Refused("Send a JSON object with a 'query' string.")
            if variables is not None and not isinstance(variables, dict):
                raise _Refused("'variables' must be a JSON object.")
            if operation is not None and not isinstance(operation, str):
                raise _Refused("'operationName' must be a string.")
        except _Refused as refusal:
            return _refusal(refusal.message, request_id, refusal.status)

        document = self.documents.get(query)
        if not isinstance(document, list) and variables:
            # Sizes passed as variables (`first`, `representations`) change the cost.
            try:
                self.documents.guard.measure(document, variables)
            except GraphQLError as error:
                document = [error]
        if isinstance(document, list):
            body = response_body(None, document, request_id)
            del body["data"]
            return JSONResponse(body, status_code=400, headers={REQUEST_ID_HEADER: request_id})
        if request.method == "GET" and _is_mutation(document, operation):
            return _refusal("Mutations are sent with POST.", request_id, 405)

        context = self._context_for(request, request_id)
        if isawaitable(context):
            context = await context
        result = execute(
            self._schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation,
        )
        if isawaitable(result):
            result = await result
        return JSONResponse(
            response_body(result.data, result.errors, request_id),
            headers={REQUEST_ID_HEADER: request_id},
        )
