"""The request pipeline, without HTTP: operation in, GraphQL response out.

parse → validate (cached) → limits → plan (cached) → execute → shape.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from graphql import ExecutionResult, execute
from graphql.execution.values import get_variable_values

from gateway.composition.api import api_schema
from gateway.composition.supergraph import Supergraph
from gateway.documents import OperationCache, select_operation, uses_introspection
from gateway.errors import GatewayError, OperationError, QueryTooComplex, RequestError
from gateway.executor.run import PlanExecution
from gateway.executor.transport import Transport
from gateway.hooks import GatewayHooks, OperationContext
from gateway.planner.routing import PlanningError
from gateway.settings import GatewaySettings

Response = dict[str, Any]


class MethodNotAllowed(GatewayError):
    """A mutation sent over GET (HTTP 405)."""

    code = "METHOD_NOT_ALLOWED"
    status = 405


class Gateway:
    """Runs GraphQL operations against a supergraph through a transport."""

    def __init__(
        self,
        supergraph_sdl: str,
        transport: Transport,
        settings: GatewaySettings,
        hooks: Sequence[GatewayHooks] = (),
    ) -> None:
        self.supergraph = Supergraph(supergraph_sdl)
        self.schema = api_schema(supergraph_sdl)
        self.transport = transport
        self.settings = settings
        self.hooks = tuple(hooks)
        self.cache = OperationCache(
            self.supergraph, self.schema, settings.document_cache_size, settings.plan_cache_size
        )

    async def _on_subgraph_request(
        self, service: str, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        for hook in self.hooks:
            await hook.on_subgraph_request(service, body, headers)

    async def run(
        self, payload: Any, *, method: str, headers: dict[str, str], request_id: str
    ) -> Response:
        """Run one operation payload (`{query, variables, operationName}`)."""
        if not isinstance(payload, dict):
            raise RequestError("Each operation must be a JSON object.")
        query = payload.get("query")
        if not isinstance(query, str) or not query.strip():
            raise RequestError("Must provide query string.")
        variables = payload.get("variables") or {}
        if not isinstance(variables, dict):
            raise RequestError('"variables" must be a JSON object.')
        operation_name = payload.get("operationName") or None
        if operation_name is not None and not isinstance(operation_name, str):
            raise RequestError('"operationName" must be a string.')

        parsed = self.cache.document(query)
        if parsed.document is None:
            return {"errors": list(parsed.errors)}
        settings = self.settings
        if parsed.depth > settings.max_depth:
            raise QueryTooComplex(
                f"Query depth {parsed.depth} exceeds the limit of {settings.max_depth}."
            )
        if parsed.aliases > settings.max_aliases:
            raise QueryTooComplex(
                f"Query uses {parsed.aliases} aliases, more than the limit of "
                f"{settings.max_aliases}."
            )
        operation = select_operation(parsed.document, operation_name)
        if isinstance(operation, str):
            raise OperationError(operation, code="OPERATION_RESOLUTION_FAILURE")
        if operation.operation.value == "subscription":
            raise OperationError(
                "Subscriptions are not supported by this gateway.",
                code="OPERATION_NOT_SUPPORTED",
            )
        if method == "GET" and operation.operation.value != "query":
            raise MethodNotAllowed(
                f"Can only perform a {operation.operation.value} operation from a POST request."
            )
        if not settings.introspection and uses_introspection(parsed.document):
            raise OperationError(
                "GraphQL introspection is not allowed, but the query contained __schema or __type."
            )
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), variables)
        if isinstance(coerced, list):
            return {
                "errors": [
                    {"message": e.message, "extensions": {"code": "BAD_USER_INPUT"}}
                    for e in coerced
                ]
            }
        context = OperationContext(
            request_id, query, variables, operation_name, dict(headers), parsed.document, operation
        )
        for hook in self.hooks:
            await hook.on_operation(context)
        try:
            prepared = self.cache.prepare(parsed, operation)
        except PlanningError as error:
            raise OperationError(error.args[0], code=PlanningError.code) from error
        for hook in self.hooks:
            await hook.on_plan(prepared.plan, context)

        execution = PlanExecution(
            self.transport,
            variables,
            context.headers,
            self._on_subgraph_request if self.hooks else None,
        )
        await execution.run(prepared.plan.node)
        introspection: dict[str, Any] | None = None
        if prepared.introspection is not None:
            result = execute(self.schema, prepared.introspection, variable_values=variables)
            if inspect.isawaitable(result):  # pragma: no cover - introspection is synchronous
                result = await result
            assert isinstance(result, ExecutionResult)
            introspection = result.data
        data, violations = prepared.shaper.shape(execution.data, coerced, introspection)
        response: Response = {"data": data}
        if execution.errors:
            # A failed fetch explains the nulls it caused; like @apollo/gateway, no extra
            # "Cannot return null" errors on top of it.
            response["errors"] = execution.errors
        elif violations:
            # Subgraphs broke their own schema (a non-null field came back null or missing):
            # reported apart from `errors`, as @apollo/gateway does.
            response["extensions"] = {"valueCompletion": violations}
        return response
