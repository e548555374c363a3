"""The request pipeline, without HTTP: operation in, GraphQL response out.

persisted query → parse + limits + validate (cached; a miss runs in a worker thread) → plan
(cached; likewise) → execute → fallbacks → shape. The limits (`gateway.limits`) are measured
in linear time before validation and planning, which can be exponential in a small document.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from anyio import CapacityLimiter, to_thread
from graphql import (
    ExecutionResult,
    GraphQLError,
    execute,
)
from graphql.execution.values import get_argument_values, get_variable_values

from gateway.composition.api import api_schema
from gateway.composition.errors import SupergraphError
from gateway.composition.supergraph import Supergraph
from gateway.documents import (
    LRU,
    OperationCache,
    ParsedDocument,
    PreparedOperation,
    select_operation,
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
from gateway.hooks import GatewayHooks, OperationContext, overriding
from gateway.logs import safe_operation_name
from gateway.operation import Operation
from gateway.planner.search import PlanningError
from gateway.settings import GatewaySettings
from gateway.tracing import annotate, stage

logger = logging.getLogger("gateway")

Response = dict[str, Any]
RootFallback = Callable[[dict[str, Any]], Any]  # the field's arguments → its value
_COERCED_BYTES = 1024  # variables up to this size (as JSON) have their coerced values kept

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
        self.supergraph = Supergraph(supergraph_sdl)  # SupergraphError names what it refuses
        try:
            self.schema = api_schema(supergraph_sdl)
        except (TypeError, GraphQLError) as error:
            raise SupergraphError(f"The API schema cannot be built: {error}") from error
        self.transport = transport
        self.settings = settings
        self.hooks = tuple(hooks)
        # per stage, only the hooks that do something there (see `overriding`)
        self.request_hooks = overriding(self.hooks, "on_request")
        self._operation_hooks = overriding(self.hooks, "on_operation")
        self._plan_hooks = overriding(self.hooks, "on_plan")
        self._subgraph_hooks = overriding(self.hooks, "on_subgraph_request")
        # A fallback attaches only where the schema has its field: the same gateway serves
        # supergraphs without it.
        query_type = self.schema.query_type
        known = set(query_type.fields if query_type else ())
        self.fallbacks = {k: v for k, v in (fallbacks or {}).items() if k in known}
        self.cache = OperationCache(
            self.supergraph,
            self.schema,
            settings.document_cache_size,
            settings.plan_cache_size,
            settings.limits,
        )
        self.persisted: LRU[str, str] = LRU(settings.persisted_query_cache_size)
        # (operation id, variables JSON) → (operation, coerced values), for small variables
        self._coerced: LRU[tuple[int, bytes], tuple[Operation, dict[str, Any]]] = LRU(1024)
        # Parsing, validating and planning a new document (bounded by the document limits)
        # run in a worker thread; one at a time, so they never take more than half the CPU.
        self._heavy_work = CapacityLimiter(1)

    async def _on_subgraph_request(
        self, service: str, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        for hook in self._subgraph_hooks:
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
        request = self._read(payload)
        parsed = await self._document(request.query)
        if parsed.document is None:
            return {"errors": list(parsed.errors)}
        if request.register is not None:
            self.persisted.put(request.register, request.query)
        operation = self._operation(parsed, request, method)
        coerced = self._coerce(operation, parsed, request.variables)
        if isinstance(coerced, list):
            return {"errors": coerced}
        context = OperationContext(
            request_id,
            request.query,
            request.variables,
            request.operation_name,
            dict(headers),
            parsed.document,
            operation.definition,
        )
        for hook in self._operation_hooks:
            await hook.on_operation(context)
        annotate(
            operation=safe_operation_name(operation.name),
            kind=operation.kind,
        )
        prepared = await self._prepare(parsed, operation)
        if isinstance(prepared, dict):
            return prepared
        for hook in self._plan_hooks:
            await hook.on_plan(prepared.plan, context)
        execution = await self._execute(prepared, context, coerced)
        return self._respond(prepared, execution, coerced, request.variables)

    # -- the stages, in order -----------------------------------------------------------------

    def _read(self, payload: Any) -> _Request:
        """The request's parts, checked for shape (and the APQ hash resolved)."""
        if not isinstance(payload, dict):
            raise RequestError("Each operation must be a JSON object.")
        query, register = self._query(payload)
        variables = payload.get("variables") or {}
        if not isinstance(variables, dict):
            raise RequestError('"variables" must be a JSON object.')
        operation_name = payload.get("operationName") or None
        if operation_name is not None and not isinstance(operation_name, str):
            raise RequestError('"operationName" must be a string.')
        return _Request(query, register, variables, operation_name)

    async def _document(self, query: str) -> ParsedDocument:
        """Parsed, limited, validated and normalised: from the cache, else made now."""
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
        return parsed

    def _operation(self, parsed: ParsedDocument, request: _Request, method: str) -> Operation:
        """The operation to run, if this request may run it."""
        assert parsed.document is not None
        if request.variables:
            # Sizes passed as variables (`first: $first`) change the cost; the document's other
            # figures were measured before validation. Linear in a document already bounded.
            self.cache.measure_sizes(parsed, request.variables)
        operation = select_operation(parsed, request.operation_name)
        if isinstance(operation, str):
            raise OperationError(operation)
        if operation.kind == "subscription":
            raise OperationError("Subscriptions are not supported by this gateway.")
        if method == "GET" and operation.kind != "query":
            raise MethodNotAllowed(
                f"Can only perform a {operation.kind} operation from a POST request."
            )
        if not self.settings.introspection and operation.introspection is not None:
            raise OperationError(
                "GraphQL introspection is not allowed, but the query contained __schema or __type."
            )
        return operation

    def _coerce(
        self, operation: Operation, parsed: ParsedDocument, variables: dict[str, Any]
    ) -> dict[str, Any] | list[dict[str, Any]]:
        """The variables coerced to the operation's types, or the errors saying why not."""
        definitions = operation.definition.variable_definitions
        if not definitions:
            return {}
        key: tuple[int, bytes] | None = None
        if variables:
            # The same small variables for the same operation (a feed, a page) coerce to the
            # same values: kept, the operation itself beside them so an id never misleads.
            try:
                raw = orjson.dumps(variables)
            except TypeError:  # an integer beyond 64 bits: coerced afresh
                raw = b""
            if 0 < len(raw) <= _COERCED_BYTES:
                key = (id(operation), raw)
                found = self._coerced.get(key)
                if found is not None and found[0] is operation:
                    return found[1]
        coerced = get_variable_values(self.schema, definitions, variables)
        if isinstance(coerced, list):
            return [
                {"message": e.message, "extensions": {"code": "BAD_USER_INPUT"}} for e in coerced
            ]
        if key is not None:
            self._coerced.put(key, (operation, coerced))
        return coerced

    async def _prepare(
        self, parsed: ParsedDocument, operation: Operation
    ) -> PreparedOperation | Response:
        """The cached plan and shaper, or a response saying the operation cannot be planned."""
        try:
            return self.cache.cached_prepared(parsed, operation) or self.cache.store_prepared(
                parsed,
                await to_thread.run_sync(
                    self.cache.build_prepared, operation, limiter=self._heavy_work
                ),
            )
        except (PlanningError, RecursionError) as error:
            # A valid operation this gateway cannot plan: say so with a code, never a 500.
            logger.error("Planning failed: %s", error)
            message = str(error) if isinstance(error, PlanningError) else "Too deep to plan"
            return {"errors": [{"message": message, "extensions": {"code": PlanningError.code}}]}

    async def _execute(
        self, prepared: PreparedOperation, context: OperationContext, coerced: dict[str, Any]
    ) -> PlanExecution:
        """Run the plan; a failed root field with a fallback is answered from it."""
        execution = PlanExecution(
            self.transport,
            context.variables,
            context.headers,
            self._on_subgraph_request if self._subgraph_hooks else None,
        )
        await execution.run(prepared.plan.node)
        if self.fallbacks and prepared.kind == "query" and execution.incomplete:
            await execution.apply_fallbacks(self._root_fallbacks(prepared.operation, coerced))
        return execution

    def _respond(
        self,
        prepared: PreparedOperation,
        execution: PlanExecution,
        coerced: dict[str, Any],
        variables: dict[str, Any],
    ) -> Response:
        """Shape the merged data by the client's operation; errors and notes beside it."""
        introspection: dict[str, Any] | None = None
        if prepared.operation.introspection is not None:
            result = execute(
                self.schema, prepared.operation.introspection, variable_values=variables
            )
            assert isinstance(result, ExecutionResult)  # introspection is synchronous
            introspection = result.data
        with stage("shape"):
            data, problems = prepared.shaper.shape(execution.data, coerced, introspection)
        response: Response = {"data": data}
        field_errors = [p for p in problems if "extensions" in p]
        violations = [p for p in problems if "extensions" not in p]
        if execution.errors or field_errors:
            # A failed fetch explains the nulls it caused; like @apollo/gateway, no extra
            # "Cannot return null" errors on top of it.
            response["errors"] = execution.errors + field_errors
        elif violations:
            # Subgraphs broke their own schema (a non-null field came back null or missing):
            # reported apart from `errors`, as @apollo/gateway does.
            response["extensions"] = {"valueCompletion": violations}
        if execution.filled:
            response.setdefault("extensions", {})["fallback"] = execution.filled
        return response

    def _root_fallbacks(
        self, operation: Operation, variables: dict[str, Any]
    ) -> dict[str, Fallback]:
        """Response key → fallback thunk, for the operation's root fields that have one."""
        query_type = self.schema.query_type
        assert query_type is not None
        found: dict[str, Fallback] = {}
        for root in operation.root_fields:
            fallback = self.fallbacks.get(root.name)
            if fallback is not None and root.response_key not in found:
                arguments = get_argument_values(query_type.fields[root.name], root.node, variables)
                found[root.response_key] = _bind(fallback, arguments)
        return found


@dataclass(frozen=True)
class _Request:
    """One operation payload, read."""

    query: str
    register: str | None  # the APQ hash to register once the query validates
    variables: dict[str, Any]
    operation_name: str | None


def _bind(fallback: RootFallback, arguments: dict[str, Any]) -> Fallback:
    return lambda: fallback(arguments)
