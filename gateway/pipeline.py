"""The request pipeline, without HTTP: operation in, GraphQL response out.

persisted query → parse + limits + validate (cached; a miss runs in a worker thread) → plan
(cached; likewise) → execute → fallbacks → shape. The limits (`gateway.limits`) are measured
in linear time before validation and planning, which can be exponential in a small document.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from anyio import CapacityLimiter, to_thread
from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    execute,
)
from graphql.execution.values import get_argument_values, get_variable_values

from gateway.composition.api import api_schema
from gateway.composition.supergraph import Supergraph
from gateway.documents import (
    LRU,
    OperationCache,
    PreparedOperation,
    select_operation,
    uses_introspection,
)
from gateway.errors import (
    MethodNotAllowed,
    OperationError,
    PersistedQueryMismatch,
    PersistedQueryNotFound,
    RequestError,
)
from gateway.executor.run import Fallback, PlanExecution
from gateway.executor.transport import Transport
from gateway.hooks import GatewayHooks, OperationContext
from gateway.logs import safe_operation_name
from gateway.planner.routing import PlanningError
from gateway.settings import GatewaySettings
from gateway.tracing import annotate, stage

logger = logging.getLogger("gateway")

Response = dict[str, Any]
RootFallback = Callable[[dict[str, Any]], Any]  # the field's arguments → its value

__all__ = ["Gateway", "MethodNotAllowed", "Response", "RootFallback"]


def _persisted_hash(extensions: Any) -> str | None:
    """The APQ `sha256Hash` of a request, if it uses automatic persisted queries."""
    if extensions is None:
        return None
    if not isinstance(extensions, dict):
        raise RequestError('"extensions" must be a JSON object.')
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise RequestError("Unsupported persisted query version.")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not digest:
        raise RequestError('"persistedQuery" needs a "sha256Hash".')
    return digest.lower()


class Gateway:
    """Runs GraphQL operations against a supergraph through a transport."""

    def __init__(
        self,
        supergraph_sdl: str,
        transport: Transport,
        settings: GatewaySettings,
        hooks: Sequence[GatewayHooks] = (),
        fallbacks: Mapping[str, RootFallback] | None = None,
    ) -> None:
        self.supergraph = Supergraph(supergraph_sdl)
        self.schema = api_schema(supergraph_sdl)
        self.transport = transport
        self.settings = settings
        self.hooks = tuple(hooks)
        self.fallbacks = dict(fallbacks or {})
        query_type = self.schema.query_type
        unknown = set(self.fallbacks) - set(query_type.fields if query_type else ())
        if unknown:
            raise ValueError(f"fallbacks for unknown Query fields: {', '.join(sorted(unknown))}")
        self.cache = OperationCache(
            self.supergraph,
            self.schema,
            settings.document_cache_size,
            settings.plan_cache_size,
            settings.limits,
        )
        self.persisted: LRU[str, str] = LRU(settings.persisted_query_cache_size)
        # Parsing, validating and planning a new document (bounded by the document limits)
        # run in a worker thread; one at a time, so they never take more than half the CPU.
        self._heavy_work = CapacityLimiter(1)

    async def _on_subgraph_request(
        self, service: str, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        for hook in self.hooks:
            await hook.on_subgraph_request(service, body, headers)

    def _query(self, payload: dict[str, Any]) -> tuple[str, str | None]:
        """The query text, and the APQ hash to register once the query validates."""
        query = payload.get("query")
        digest = _persisted_hash(payload.get("extensions"))
        if digest is not None and query is None:
            known = self.persisted.get(digest)
            if known is None:
                raise PersistedQueryNotFound()
            return known, None
        if not isinstance(query, str) or not query.strip():
            raise RequestError("Must provide query string.")
        if digest is not None and hashlib.sha256(query.encode()).hexdigest() != digest:
            raise PersistedQueryMismatch("provided sha does not match query")
        return query, digest

    async def run(
        self, payload: Any, *, method: str, headers: dict[str, str], request_id: str
    ) -> Response:
        """Run one operation payload (`{query, variables, operationName, extensions}`)."""
        if not isinstance(payload, dict):
            raise RequestError("Each operation must be a JSON object.")
        query, register = self._query(payload)
        variables = payload.get("variables") or {}
        if not isinstance(variables, dict):
            raise RequestError('"variables" must be a JSON object.')
        operation_name = payload.get("operationName") or None
        if operation_name is not None and not isinstance(operation_name, str):
            raise RequestError('"operationName" must be a string.')

        parsed = self.cache.cached_document(query)
        if parsed is None:
            # A cache miss parses and validates off the event loop, one at a time: the loop
            # (cached operations, crisis lines) keeps its share of the CPU however many new
            # documents arrive at once.
            parsed = self.cache.store_document(
                await to_thread.run_sync(self.cache.load_document, query, limiter=self._heavy_work)
            )
        if parsed.refusal is not None:
            raise parsed.refusal.with_traceback(None)
        if parsed.document is None:
            return {"errors": list(parsed.errors)}
        if register is not None:
            self.persisted.put(register, query)
        settings = self.settings
        if variables:
            # Sizes passed as variables (`first: $first`) change the cost; the document's other
            # figures were measured before validation. Linear in a document already bounded.
            self.cache.measure_sizes(parsed, variables)
        operation = select_operation(parsed.document, operation_name)
        if isinstance(operation, str):
            raise OperationError(operation)
        if operation.operation.value == "subscription":
            raise OperationError("Subscriptions are not supported by this gateway.")
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
        annotate(
            operation=safe_operation_name(operation.name.value if operation.name else None),
            kind=operation.operation.value,
        )
        try:
            prepared = self.cache.cached_prepared(parsed, operation) or self.cache.store_prepared(
                parsed,
                await to_thread.run_sync(
                    self.cache.build_prepared, parsed, operation, limiter=self._heavy_work
                ),
            )
        except PlanningError as error:
            # A valid operation over a composed supergraph always has a plan: this is our fault.
            logger.error("Planning failed for request %s: %s", request_id, error)
            return {
                "errors": [
                    {
                        "message": "Internal server error",
                        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                    }
                ]
            }
        for hook in self.hooks:
            await hook.on_plan(prepared.plan, context)

        execution = PlanExecution(
            self.transport,
            variables,
            context.headers,
            self._on_subgraph_request if self.hooks else None,
        )
        await execution.run(prepared.plan.node)
        filled: list[str] = []
        if self.fallbacks and prepared.kind == "query" and execution.incomplete:
            filled = await execution.apply_fallbacks(self._root_fallbacks(prepared, coerced))
        introspection: dict[str, Any] | None = None
        if prepared.introspection is not None:
            result = execute(self.schema, prepared.introspection, variable_values=variables)
            if inspect.isawaitable(result):  # pragma: no cover - introspection is synchronous
                result = await result
            assert isinstance(result, ExecutionResult)
            introspection = result.data
        with stage("shape"):
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
        if filled:
            response.setdefault("extensions", {})["fallback"] = filled
        return response

    def _root_fallbacks(
        self, prepared: PreparedOperation, variables: dict[str, Any]
    ) -> dict[str, Fallback]:
        """Response key → fallback thunk, for the operation's root fields that have one."""
        query_type = self.schema.query_type
        assert query_type is not None
        fragments = prepared.shaper.fragments
        found: dict[str, Fallback] = {}

        def walk(selection_set: SelectionSetNode) -> None:
            for node in selection_set.selections:
                if isinstance(node, FieldNode):
                    fallback = self.fallbacks.get(node.name.value)
                    key = node.alias.value if node.alias else node.name.value
                    if fallback is not None and key not in found:
                        arguments = get_argument_values(
                            query_type.fields[node.name.value], node, variables
                        )
                        found[key] = _bind(fallback, arguments)
                elif isinstance(node, InlineFragmentNode):
                    walk(node.selection_set)
                elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
                    walk(fragments[node.name.value].selection_set)

        walk(prepared.operation.selection_set)
        return found


def _bind(fallback: RootFallback, arguments: dict[str, Any]) -> Fallback:
    return lambda: fallback(arguments)
