"""Hooks named after the gateway's pipeline stages.

Subclass `GatewayHooks` and override what you need; every method is an awaited no-op by
default. Hooks run in the order given to `create_gateway_app`; an exception in a hook fails the
request (masked as INTERNAL_SERVER_ERROR) except when it is a `GatewayError` (for instance
`gateway.errors.Unauthenticated`), which goes to the client with its code before any subgraph is
called. Raised in `on_subgraph_request`, either fails only that fetch (its fields become null
with the error), like a subgraph that could not be reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, OperationDefinitionNode
from starlette.requests import Request

from gateway.planner.plan import QueryPlan


@dataclass
class OperationContext:
    """What the pipeline knows about one operation while it runs."""

    request_id: str
    query: str
    variables: dict[str, Any]
    operation_name: str | None
    headers: dict[str, str] = field(default_factory=dict)  # forwarded to subgraphs
    document: DocumentNode | None = None
    operation: OperationDefinitionNode | None = None


class GatewayHooks:
    """Extension points, one per pipeline stage."""

    async def on_request(self, request: Request) -> None:
        """Called once per HTTP request to /graphql, before the body is read."""

    async def on_operation(self, context: OperationContext) -> None:
        """Called per operation after it is parsed and validated, before planning."""

    async def on_plan(self, plan: QueryPlan, context: OperationContext) -> None:
        """Called with the (possibly cached) plan before it is executed."""

    async def on_subgraph_request(
        self, service: str, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        """Called before each subgraph request; may change `headers` in place."""


def overriding(hooks: tuple[GatewayHooks, ...], method: str) -> tuple[GatewayHooks, ...]:
    """The hooks whose class overrides `method`: the pipeline awaits only those, so a hook
    that only adds headers costs nothing at the other stages."""
    default = getattr(GatewayHooks, method)
    return tuple(h for h in hooks if getattr(type(h), method, default) is not default)
