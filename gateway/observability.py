"""What the gateway does when a request to `/graphql` starts and ends: its trace, its metrics,
its log line, its `Server-Timing` header and its OpenTelemetry spans (docs/observability.md)."""

from __future__ import annotations

import logging
import re
import uuid

from starlette.requests import Request
from starlette.responses import Response

from gateway.logs import REQUEST_LOGGER, request_line
from gateway.metrics import GatewayMetrics
from gateway.otel import OtelExport
from gateway.settings import GatewaySettings
from gateway.tracing import Trace, parse_traceparent

# A caller's request id is kept only when it is short and plain: it is echoed in headers, sent
# to subgraphs and written in logs, where anything else could forge or break a line.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

logger = logging.getLogger(REQUEST_LOGGER)


class Observer:
    """Starts a trace per request and, when the answer is ready, reports the request."""

    def __init__(
        self, settings: GatewaySettings, metrics: GatewayMetrics, otel: OtelExport | None
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.otel = otel

    def start(self, request: Request) -> Trace:
        headers = request.headers
        given = headers.get(self.settings.request_id_header)
        request_id = given if given and _REQUEST_ID.match(given) else uuid.uuid4().hex
        self.metrics.in_flight.inc()
        return Trace(
            parse_traceparent(headers.get("traceparent")), headers.get("tracestate"), request_id
        )

    def finish(self, request: Request, response: Response, trace: Trace) -> None:
        trace.finish()
        self.metrics.in_flight.dec()
        status = response.status_code
        method = request.method
        self.metrics.observe(method, status, trace, trace.codes)
        if self.settings.request_log:
            request_line(logger, method, status, trace, trace.codes)
        if self.otel is not None:
            self.otel.export(
                trace,
                {
                    "http.request.method": method,
                    "http.response.status_code": status,
                    **{k: v for k, v in trace.root.attributes.items() if v is not None},
                    "graphql.error_codes": sorted(set(trace.codes)),
                },
            )
        if self.settings.server_timing and request.headers.get("x-server-timing") == "1":
            response.headers["server-timing"] = trace.server_timing()
        # appended as it is (never set before here): no header lookup per request
        response.raw_headers.append(
            (b"traceresponse", trace.traceparent(trace.root.span_id).encode("latin-1"))
        )
