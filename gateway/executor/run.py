"""Walking a query plan: fetches, flattens, merging, and subgraph error rewriting."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from gateway.errors import GatewayError
from gateway.executor.entities import Path, build_representations, deep_merge, objects_at
from gateway.executor.transport import Transport
from gateway.planner.plan import Fetch, Flatten, Parallel, PlanNode, Sequence

logger = logging.getLogger("gateway")

SubgraphRequestHook = Callable[[str, dict[str, Any], dict[str, str]], Awaitable[None]]


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

    async def _send(self, fetch: Fetch, variables: dict[str, Any]) -> dict[str, Any] | None:
        body: dict[str, Any] = {"query": fetch.operation}
        if variables:
            body["variables"] = variables
        headers = dict(self.headers)
        try:
            if self.on_subgraph_request is not None:
                await self.on_subgraph_request(fetch.service, body, headers)
            return await self.transport.send(fetch.service, body, headers)
        except GatewayError as error:
            failure = error.to_dict()
            failure["extensions"]["service"] = fetch.service
            self.errors.append(failure)
            return None
        except Exception:  # a failing subgraph app or hook must not fail the whole response
            logger.exception("Request to subgraph %s failed", fetch.service)
            self.errors.append(
                {
                    "message": f'Subgraph "{fetch.service}" failed',
                    "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "service": fetch.service},
                }
            )
            return None

    def _add_errors(
        self, service: str, errors: Any, rewrite: Callable[[list[Any]], list[Any] | None]
    ) -> None:
        for raw in errors if isinstance(errors, list) else ():
            if not isinstance(raw, dict):
                continue
            error: dict[str, Any] = {"message": str(raw.get("message", "Subgraph error"))}
            path = raw.get("path")
            if isinstance(path, list):
                rewritten = rewrite(path)
                if rewritten is not None:
                    error["path"] = rewritten
            extensions = dict(raw.get("extensions") or {})
            extensions.setdefault("code", "DOWNSTREAM_SERVICE_ERROR")
            extensions["service"] = service
            error["extensions"] = extensions
            self.errors.append(error)

    async def _root_fetch(self, fetch: Fetch) -> None:
        response = await self._send(fetch, self._variables(fetch))
        if response is None:
            return
        data = response.get("data")
        if isinstance(data, dict):
            deep_merge(self.data, data)
        self._add_errors(fetch.service, response.get("errors"), lambda path: path)

    async def _flatten(self, flatten: Flatten) -> None:
        fetch = flatten.node
        representations = build_representations(objects_at(self.data, flatten.path), fetch.requires)
        if not representations.items:
            return
        variables = self._variables(fetch)
        variables["representations"] = representations.items
        response = await self._send(fetch, variables)
        if response is None:
            return
        data = response.get("data")
        entities = data.get("_entities") if isinstance(data, dict) else None
        if isinstance(entities, list):
            for entity, targets in zip(entities, representations.targets, strict=False):
                if isinstance(entity, dict):
                    for obj, _ in targets:
                        deep_merge(obj, entity)

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
