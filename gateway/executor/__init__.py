"""The executor: walks a query plan over a transport and shapes the client response."""

from __future__ import annotations

from gateway.executor.run import PlanExecution
from gateway.executor.shaper import Shaper
from gateway.executor.transport import AsgiTransport, HttpTransport, Transport

__all__ = ["AsgiTransport", "HttpTransport", "PlanExecution", "Shaper", "Transport"]
