"""OpenTelemetry export of the gateway's traces (optional: `pip install 'saathi[otel]'`).

The gateway records its spans itself (`gateway.tracing`) with the same ids it sends to the
subgraphs in `traceparent`; when a request is done, its spans are handed to an OpenTelemetry
span processor as finished spans. The SDK is therefore never on the request's path: a batch
processor exports from its own thread, and with no endpoint configured nothing is imported.

Spans: `request` (server kind, child of the caller's span when a `traceparent` came in), and
under it `parse`, `validate`, `plan`, `merge`, `shape` and one `fetch` (client kind, attribute
`subgraph`) per subgraph request. Attributes name stages, subgraphs, the HTTP method and status,
the operation name and kind and error codes; never variables, tokens or data.
"""

from __future__ import annotations

from typing import Any

from gateway.tracing import Span, Trace


class MissingOpenTelemetry(RuntimeError):
    """An OTLP endpoint is configured but the `otel` extra is not installed."""


class OtelExport:
    """Hands each finished request's spans to an OpenTelemetry span processor."""

    def __init__(self, processor: Any, service_name: str = "saathi-gateway") -> None:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.util.instrumentation import InstrumentationScope

        self.processor = processor
        self._resource = Resource.create({"service.name": service_name})
        self._scope = InstrumentationScope("gateway")

    @classmethod
    def to_endpoint(cls, endpoint: str, service_name: str) -> OtelExport:
        """Batch export over OTLP/HTTP (protobuf) to `endpoint`."""
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.trace.export import BatchSpanProcessor
        except ImportError as error:  # pragma: no cover - depends on the installed extras
            raise MissingOpenTelemetry(
                "otel_endpoint is set but OpenTelemetry is not installed: "
                "pip install 'saathi[otel]'"
            ) from error
        return cls(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)), service_name)

    def export(self, trace: Trace, attributes: dict[str, Any]) -> None:
        from opentelemetry.sdk.trace import ReadableSpan
        from opentelemetry.trace import SpanContext, SpanKind, TraceFlags
        from opentelemetry.trace.status import Status, StatusCode

        trace_id = int(trace.trace_id, 16)
        flags = TraceFlags(int(trace.flags, 16))

        def context(span_id: str, remote: bool = False) -> SpanContext:
            return SpanContext(trace_id, int(span_id, 16), is_remote=remote, trace_flags=flags)

        root = trace.root
        root_context = context(root.span_id)
        failed = int(attributes.get("http.response.status_code", 200)) >= 500

        def finished(
            span: Span, kind: Any, parent: SpanContext | None, extra: dict[str, Any], error: bool
        ) -> Any:
            return ReadableSpan(
                span.name,
                context=root_context if span is root else context(span.span_id),
                parent=parent,
                resource=self._resource,
                attributes={k: v for k, v in {**span.attributes, **extra}.items() if v is not None},
                kind=kind,
                status=Status(StatusCode.ERROR) if error else Status(),
                start_time=span.start_ns,
                end_time=span.start_ns + span.duration_ns,
                instrumentation_scope=self._scope,
            )

        caller = context(trace.parent_id, remote=True) if trace.parent_id else None
        for span in trace.spans:
            kind = SpanKind.CLIENT if span.name == "fetch" else SpanKind.INTERNAL
            error = bool(span.attributes.get("failed"))
            self.processor.on_end(finished(span, kind, root_context, {}, error))
        self.processor.on_end(finished(root, SpanKind.SERVER, caller, attributes, failed))

    def shutdown(self) -> None:
        self.processor.shutdown()
