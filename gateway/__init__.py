"""Saathi's federation gateway: composition, planning and execution of Federation v2."""

from __future__ import annotations

from gateway.app import create_gateway_app
from gateway.composition import CompositionError, SubgraphSpec, Supergraph, api_schema, compose
from gateway.executor.transport import AsgiTransport, HttpTransport, Transport
from gateway.hooks import GatewayHooks, OperationContext
from gateway.settings import GatewaySettings

__all__ = [
    "AsgiTransport",
    "CompositionError",
    "GatewayHooks",
    "GatewaySettings",
    "HttpTransport",
    "OperationContext",
    "SubgraphSpec",
    "Supergraph",
    "Transport",
    "api_schema",
    "compose",
    "create_gateway_app",
]
