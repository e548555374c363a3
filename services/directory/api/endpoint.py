"""GraphQL over HTTP for the directory: ``POST /graphql`` with a JSON body.

graphene brings no ASGI server, so this is a small one: parse and validate (cached by query
string), execute with a typed ``Context``, format errors with ``saathi.graphql_errors``.
"""

from __future__ import annotations

from collections import OrderedDict
from inspect import isawaitable
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, execute, validate
from starlette.requests import Request
from starlette.responses import JSONResponse

from saathi.auth import Viewer
from saathi.document_limits import DocumentGuard, unsupported_media_type
from saathi.errors import ErrorCode
from saathi.graphql_errors import REQUEST_ID_HEADER, format_error
from saathi.ids import new_id
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.tokens import TokenVerifier
from services.directory.api.context import Context

DOCUMENT_CACHE_SIZE = 512


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
        self._maxsize = maxsize
        self._entries: OrderedDict[str, DocumentNode | list[GraphQLError]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, query: str) -> DocumentNode | list[GraphQLError]:
        if query in self._entries:
            self._entries.move_to_end(query)
            return self._entries[query]
        entry = self._load(query)
        self._entries[query] = entry
        if len(self._entries) > self._maxsize:
            self._entries.popitem(last=False)
        return entry

    def _load(self, query: str) -> DocumentNode | list[GraphQLError]:
        try:
            document = self.guard.parse(query)
            self.guard.measure(document, None)
        except GraphQLError as error:
            return [error]
        errors = validate(self._schema, document)
        return errors or document


def _request_error(message: str, request_id: str) -> JSONResponse:
    body = {
        "errors": [{"message": message, "extensions": {"code": ErrorCode.BAD_USER_INPUT.value}}]
    }
    return JSONResponse(body, status_code=400, headers={REQUEST_ID_HEADER: request_id})


class GraphQLEndpoint:
    """Serves one schema; route ``handle`` as a Starlette endpoint."""

    def __init__(
        self, schema: GraphQLSchema, *, peers: Peers, verifier: TokenVerifier, keys: KeyStore
    ) -> None:
        self._schema = schema
        self._peers = peers
        self._verifier = verifier
        self._keys = keys
        self.documents = DocumentCache(schema)

    async def handle(self, request: Request) -> JSONResponse:
        request_id = request.headers.get(REQUEST_ID_HEADER) or new_id("req")
        refused = unsupported_media_type(request.scope)
        if refused is not None:
            refused.headers[REQUEST_ID_HEADER] = request_id
            return refused
        try:
            body: Any = await request.json()
        except ValueError:
            return _request_error("The request body is not JSON.", request_id)
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return _request_error("Send a JSON object with a 'query' string.", request_id)
        variables, operation = body.get("variables"), body.get("operationName")
        if variables is not None and not isinstance(variables, dict):
            return _request_error("'variables' must be a JSON object.", request_id)
        if operation is not None and not isinstance(operation, str):
            return _request_error("'operationName' must be a string.", request_id)

        document = self.documents.get(body["query"])
        if not isinstance(document, list) and variables:
            # Sizes passed as variables (`first`, `representations`) change the cost.
            try:
                self.documents.guard.measure(document, variables)
            except GraphQLError as error:
                document = [error]
        if isinstance(document, list):
            errors = [format_error(error, request_id) for error in document]
            return JSONResponse(
                {"errors": errors}, status_code=400, headers={REQUEST_ID_HEADER: request_id}
            )

        context = Context(
            viewer=Viewer(request.headers.get("authorization"), self._verifier),
            request_id=request_id,
            peers=self._peers,
            keys=self._keys,
        )
        result = execute(
            self._schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation,
        )
        if isawaitable(result):
            result = await result
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [format_error(error, request_id) for error in result.errors]
        return JSONResponse(payload, headers={REQUEST_ID_HEADER: request_id})
