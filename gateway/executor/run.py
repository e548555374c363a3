"""Walking a query plan: fetches, flattens, merging, subgraph error rewriting, fallbacks.

Subgraph errors are passed on with their path rewritten to the client's response path and
`extensions.service` added. An error that carries `extensions.code` keeps it unchanged. One
without a code (graphql-core's own messages, as strawberry sends them) gets BAD_USER_INPUT when
it is about an argument or variable value the subgraph could not coerce (a malformed `DateTime`
the gateway's API schema cannot check), else DOWNSTREAM_SERVICE_ERROR: the client cannot fix
that by changing its input, and the code names where it went wrong.

Root-field fallbacks: after the plan ran, a root field whose fetch failed (unreachable subgraph,
a request-level error, or an error at or below the field) is filled from the fallback given for
it, and the errors that only explain that field are dropped.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from time import perf_counter_ns
from typing import Any

from gateway.errors import GatewayError
from gateway.executor.entities import (
    Path,
    build_representations,
    deep_merge,
    objects_at,
    rename,
)
from gateway.executor.transport import Transport
from gateway.planner.plan import Fetch, Flatten, Parallel, PlanNode, Sequence
from gateway.tracing import record, subgraph_fetch

logger = logging.getLogger("gateway")

SubgraphRequestHook = Callable[[str, dict[str, Any], dict[str, str]], Awaitable[None]]
Fallback = Callable[[], Any]  # the value for one root response key (may be awaitable)

# graphql-core's messages for argument and variable values that failed coercion or validation.
_INPUT_VALUE_ERROR = re.compile(
    r"^(Variable '\$|Argument '|Expected value of type |Field '[^']+' of required type "
    r"|Field '[^']+' is not defined by type |Field '[^']+' argument ')"
)


def default_code(message: str) -> str:
    """The code for a subgraph error that came without one."""
    return "BAD_USER_INPUT" if _INPUT_VALUE_ERROR.match(message) else "DOWNSTREAM_SERVICE_ERROR"


class PlanExecution:
    """One run of a plan: the merged data so far and the errors collected."""

    def __init__(
        self,
        transport: Transport,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
        on_subgraph_request: SubgraphRequestHook | None = None,
    ) -> None:
        self.transport = transport
        self.variables = variables
        self.headers = headers
        self.on_subgraph_request = on_subgraph_request
        self.data: dict[str, Any] = {}
        self.errors: list[dict[str, Any]] = []
        self.filled: list[str] = []  # root response keys answered from their fallbacks
        # root fetches that answered no data at all, with the errors they produced
        self._failed_roots: list[tuple[Fetch, list[dict[str, Any]]]] = []

    async def run(self, node: PlanNode | None) -> None:
        if node is None:
            return
        if isinstance(node, Fetch):
            await self._root_fetch(node)
        elif isinstance(node, Flatten):
            await self._flatten(node)
        elif isinstance(node, Sequence):
            for child in node.nodes:
                await self.run(child)
        else:
            assert isinstance(node, Parallel)
            await asyncio.gather(*(self.run(child) for child in node.nodes))

    def _variables(self, fetch: Fetch) -> dict[str, Any]:
        return {n: self.variables[n] for n in fetch.variable_usages if n in self.variables}

    async def _send(self, fetch: Fetch, variables: dict[str, Any]) -> dict[str, Any]:
        """The subgraph's response, or one carrying the error that stopped the request."""
        body: dict[str, Any] = {"query": fetch.operation}
        if variables:
            body["variables"] = variables
        headers = dict(self.headers)
        with subgraph_fetch(fetch.service, headers) as span:
            try:
                if self.on_subgraph_request is not None:
                    await self.on_subgraph_request(fetch.service, body, headers)
                return await self.transport.send(fetch.service, body, headers)
            except GatewayError as error:
                if span is not None:
                    span.attributes["failed"] = error.code
                return {"errors": [error.to_dict()]}
            except Exception:  # a failing subgraph app or hook must not fail the whole response
                if span is not None:
                    span.attributes["failed"] = "DOWNSTREAM_SERVICE_ERROR"
                logger.exception("Request to subgraph %s failed", fetch.service)
            return {
                "errors": [
                    {
                        "message": f'Subgraph "{fetch.service}" failed',
                        "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
                    }
                ]
            }

    def _add_errors(
        self, service: str, errors: Any, rewrite: Callable[[list[Any]], list[Any] | None]
    ) -> list[dict[str, Any]]:
        added: list[dict[str, Any]] = []
        for raw in errors if isinstance(errors, list) else ():
            if not isinstance(raw, dict):
                continue
            message = str(raw.get("message", "Subgraph error"))
            error: dict[str, Any] = {"message": message}
            path = raw.get("path")
            if isinstance(path, list):
                rewritten = rewrite(path)
                if rewritten is not None:
                    error["path"] = rewritten
            extensions = dict(raw.get("extensions") or {})
            if not extensions.get("code"):
                extensions["code"] = default_code(message)
            extensions["service"] = service
            error["extensions"] = extensions
            added.append(error)
        self.errors.extend(added)
        return added

    async def _root_fetch(self, fetch: Fetch) -> None:
        response = await self._send(fetch, self._variables(fetch))
        data = response.get("data")
        if isinstance(data, dict):
            if fetch.renames:
                rename(data, fetch.renames)
            started = perf_counter_ns()
            deep_merge(self.data, data)
            record("merge", perf_counter_ns() - started)
        added = self._add_errors(fetch.service, response.get("errors"), lambda path: path)
        if not isinstance(data, dict):
            self._failed_roots.append((fetch, added))

    async def _flatten(self, flatten: Flatten) -> None:
        fetch = flatten.node
        representations = build_representations(objects_at(self.data, flatten.path), fetch.requires)
        if not representations.items:
            return
        variables = self._variables(fetch)
        variables["representations"] = representations.items
        response = await self._send(fetch, variables)
        data = response.get("data")
        entities = data.get("_entities") if isinstance(data, dict) else None
        if isinstance(entities, list) and fetch.renames:
            rename(entities, fetch.renames)
        if isinstance(entities, list):
            started = perf_counter_ns()
            for entity, targets in zip(entities, representations.targets, strict=False):
                if isinstance(entity, dict):
                    for obj, _ in targets:
                        deep_merge(obj, entity)
            record("merge", perf_counter_ns() - started)

        def rewrite(path: list[Any]) -> list[Any] | None:
            if (
                len(path) >= 2
                and path[0] == "_entities"
                and isinstance(path[1], int)
                and 0 <= path[1] < len(representations.targets)
            ):
                at: Path = representations.targets[path[1]][0][1]
                return [*at, *path[2:]]
            return None

        self._add_errors(fetch.service, response.get("errors"), rewrite)

    @property
    def incomplete(self) -> bool:
        """Whether any fetch failed or reported errors."""
        return bool(self.errors or self._failed_roots)

    async def apply_fallbacks(self, fallbacks: Mapping[str, Fallback]) -> list[str]:
        """Fill each failed root response key that has a fallback; returns the keys filled.

        A fallback that raises leaves its field as it was (null, with the original errors).
        """
        failed_keys = {
            error["path"][0] for error in self.errors if error.get("path") and error["path"]
        }
        roots = [(frozenset(fetch.response_keys), errors) for fetch, errors in self._failed_roots]
        for keys, _ in roots:
            failed_keys |= keys
        filled = self.filled
        for key, fallback in fallbacks.items():
            if key not in failed_keys:
                continue
            try:
                value = fallback()
                if inspect.isawaitable(value):
                    value = await value
            except Exception:
                logger.exception("Fallback for %s failed", key)
                continue
            self.data[key] = value
            filled.append(key)
        if filled:
            done = set(filled)
            explained = {id(error) for keys, errors in roots if keys <= done for error in errors}
            self.errors = [
                error
                for error in self.errors
                if id(error) not in explained and (error.get("path") or [None])[0] not in done
            ]
        return filled
