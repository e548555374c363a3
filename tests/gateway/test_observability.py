"""Traces, timings, metrics, request logs and probes of the gateway app."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanContext, SpanKind

from gateway import AsgiTransport, GatewaySettings, create_gateway_app
from gateway.logs import REQUEST_LOGGER, JsonFormatter
from gateway.otel import OtelExport
from gateway.tracing import parse_traceparent
from tests.gateway.conftest import ClientFactory, RecordingTransport, supergraph_sdl
from tests.gateway.subgraphs import SCHEMAS, asgi_app

TWO_GRAPHS = {"query": "query Upcoming { groups { title nextSession { startsAt } } }"}
ONE_GRAPH = {"query": '{ group(id: "g3") { title } }'}
CALLER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-01$")


@contextmanager
def serve_asgi(app: Any) -> Iterator[str]:
    """Serve an ASGI app over real HTTP on a free port, in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def trace_of(traceparent: str) -> str:
    match = TRACEPARENT.match(traceparent)
    assert match is not None
    return match.group(1)


def parent_of(traceparent: str) -> str:
    match = TRACEPARENT.match(traceparent)
    assert match is not None
    return match.group(2)


def span_context(span: ReadableSpan) -> SpanContext:
    assert span.context is not None
    return span.context


def metric(text: str, name: str, **labels: str) -> float:
    """One sample's value from the Prometheus text exposition (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    match = re.search(r"^" + pattern + r"$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


# --- W3C trace context -------------------------------------------------------------------------


async def test_the_callers_trace_continues_into_every_subgraph_fetch(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client()

    response = await client.post(
        "/graphql", json=TWO_GRAPHS, headers={"traceparent": CALLER, "tracestate": "vendor=1"}
    )

    assert "errors" not in response.json()
    assert asgi_transport.services() == ["directory", "sessions"]
    parents = set()
    for _, _, headers in asgi_transport.calls:
        match = TRACEPARENT.match(headers["traceparent"])
        assert match is not None
        assert match.group(1) == "0af7651916cd43dd8448eb211c80319c"
        assert headers["tracestate"] == "vendor=1"
        parents.add(match.group(2))
    # each fetch is its own span, neither the caller's span nor the other fetch's
    assert len(parents) == 2
    assert "b7ad6b7169203331" not in parents
    returned = TRACEPARENT.match(response.headers["traceresponse"])
    assert returned is not None
    assert returned.group(1) == "0af7651916cd43dd8448eb211c80319c"


@pytest.mark.parametrize(
    "header",
    [
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",  # zero trace id
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",  # zero parent
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  # forbidden version
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",  # no flags
        "00-0AF7651916CD43DD8448EB211C80319Cxx-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",  # 00 has 4 fields
    ],
)
async def test_an_invalid_traceparent_starts_a_new_trace(
    header: str, make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client()

    await client.post(
        "/graphql", json=ONE_GRAPH, headers={"traceparent": header, "tracestate": "a=b"}
    )

    ((_, _, headers),) = asgi_transport.calls
    match = TRACEPARENT.match(headers["traceparent"])
    assert match is not None
    assert match.group(1) not in header
    assert "tracestate" not in headers  # a vendor's state belongs to the trace it came with


def test_a_later_version_is_read_by_its_first_four_fields() -> None:
    parsed = parse_traceparent("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-more")

    assert parsed is not None
    assert (parsed.trace_id, parsed.parent_id, parsed.sampled) == (
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
        False,
    )


async def test_without_a_caller_trace_each_request_gets_its_own(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client()

    await client.post("/graphql", json=ONE_GRAPH)
    await client.post("/graphql", json=ONE_GRAPH)

    traces = {trace_of(headers["traceparent"]) for _, _, headers in asgi_transport.calls}
    assert len(traces) == 2


# --- Server-Timing -----------------------------------------------------------------------------


def timings(header: str) -> dict[str, float]:
    found = {}
    for part in header.split(", "):
        name, duration = part.split(";dur=")
        found[name] = float(duration)
    return found


async def test_server_timing_names_every_stage_of_a_first_request(
    make_client: ClientFactory,
) -> None:
    client = make_client(GatewaySettings(server_timing=True))

    first = await client.post("/graphql", json=TWO_GRAPHS, headers={"x-server-timing": "1"})
    again = await client.post("/graphql", json=TWO_GRAPHS, headers={"x-server-timing": "1"})

    stages = timings(first.headers["server-timing"])
    assert list(stages) == [
        "parse",
        "validate",
        "plan",
        "fetch.directory",
        "merge",
        "fetch.sessions",
        "shape",
        "total",
    ]
    assert stages["total"] >= stages["fetch.directory"] + stages["fetch.sessions"]
    # a cached document and plan: nothing parsed, validated or planned
    assert list(timings(again.headers["server-timing"])) == [
        "fetch.directory",
        "merge",
        "fetch.sessions",
        "shape",
        "total",
    ]


async def test_server_timing_only_when_asked_and_allowed(make_client: ClientFactory) -> None:
    allowed = make_client(GatewaySettings(server_timing=True))
    default = make_client()

    unasked = await allowed.post("/graphql", json=ONE_GRAPH)
    refused = await default.post("/graphql", json=ONE_GRAPH, headers={"x-server-timing": "1"})

    assert "server-timing" not in unasked.headers
    assert "server-timing" not in refused.headers


# --- Prometheus /metrics -----------------------------------------------------------------------


async def test_metrics_count_requests_errors_latency_fetches_and_the_plan_cache(
    make_client: ClientFactory,
) -> None:
    client = make_client()

    for _ in range(3):
        await client.post("/graphql", json=TWO_GRAPHS)
    flaky = await client.post("/graphql", json={"query": "{ sessions { id flaky } }"})
    await client.post("/graphql", json={"query": "{ nope }"})
    await client.post("/graphql", content=b"{", headers={"content-type": "application/json"})
    scrape = await client.get("/metrics")

    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    text = scrape.text
    assert metric(text, "gateway_requests_total", method="POST", status="200") == 5
    assert metric(text, "gateway_requests_total", method="POST", status="400") == 1
    downstream = len(flaky.json()["errors"])  # one per session
    assert downstream == 3
    assert metric(text, "gateway_graphql_errors_total", code="DOWNSTREAM_SERVICE_ERROR") == 3
    assert metric(text, "gateway_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert metric(text, "gateway_graphql_errors_total", code="BAD_USER_INPUT") == 1
    assert metric(text, "gateway_request_duration_seconds_count") == 6
    assert metric(text, "gateway_subgraph_fetch_duration_seconds_count", subgraph="sessions") == 4
    assert metric(text, "gateway_subgraph_fetch_duration_seconds_count", subgraph="directory") == 3
    assert metric(text, "gateway_stage_duration_seconds_count", stage="plan") == 2
    # three runs of one operation and one of another: two plans built, two found in the cache
    assert metric(text, "gateway_plan_cache_hits_total") == 2
    assert metric(text, "gateway_plan_cache_misses_total") == 2
    assert metric(text, "gateway_requests_in_flight") == 0


async def test_an_unreachable_subgraph_counts_as_a_fetch_error() -> None:
    transport = AsgiTransport({"directory": asgi_app(SCHEMAS["directory"])})  # no sessions app
    app = create_gateway_app(supergraph_sdl(), transport)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
    ) as client:
        await client.post("/graphql", json=TWO_GRAPHS)
        text = (await client.get("/metrics")).text
    await transport.aclose()

    assert metric(text, "gateway_subgraph_fetch_errors_total", subgraph="sessions") == 1
    assert metric(text, "gateway_subgraph_fetch_errors_total", subgraph="directory") == 0
    assert metric(text, "gateway_graphql_errors_total", code="SUBGRAPH_UNAVAILABLE") == 1


async def test_metrics_never_carry_operation_names_or_variables(
    make_client: ClientFactory,
) -> None:
    client = make_client()

    await client.post(
        "/graphql",
        json={
            "query": "query SecretName($id: ID!) { group(id: $id) { title } }",
            "variables": {"id": "person-42"},
        },
    )
    text = (await client.get("/metrics")).text

    assert "SecretName" not in text
    assert "person-42" not in text


# --- JSON logs ---------------------------------------------------------------------------------


async def test_one_json_line_per_request_with_its_ids_and_nothing_personal(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)

    await client.post(
        "/graphql",
        json={
            "query": "query Find($id: ID!) { group(id: $id) { title } }",
            "variables": {"id": "ana-secret-id"},
        },
        headers={
            "x-request-id": "req-1",
            "traceparent": CALLER,
            "authorization": "Bearer token-secret",
        },
    )

    (record,) = [r for r in caplog.records if r.name == REQUEST_LOGGER]
    with_context = JsonFormatter().format(record)
    line = json.loads(with_context)
    assert line["message"] == "request"
    assert line["status"] == 200
    assert line["operation"] == "Find"
    assert line["kind"] == "query"
    assert line["plan_cache"] == "miss"
    assert line["error_codes"] == []
    assert set(line["stages_ms"]) == {
        "parse",
        "validate",
        "plan",
        "fetch.directory",
        "merge",
        "shape",
    }
    for secret in ("ana-secret-id", "token-secret", "group(id"):
        assert secret not in with_context


async def test_log_lines_carry_the_request_id_and_trace_id_of_their_request(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()
    lines: list[dict[str, object]] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:  # formatted while the request runs
            lines.append(json.loads(JsonFormatter().format(record)))

    handler = Capture()
    logging.getLogger(REQUEST_LOGGER).addHandler(handler)
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    try:
        await client.post(
            "/graphql", json=ONE_GRAPH, headers={"x-request-id": "req-7", "traceparent": CALLER}
        )
    finally:
        logging.getLogger(REQUEST_LOGGER).removeHandler(handler)

    (line,) = lines
    assert line["request_id"] == "req-7"
    assert line["trace_id"] == "0af7651916cd43dd8448eb211c80319c"


async def test_a_request_id_that_could_forge_a_log_line_is_replaced(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client()

    response = await client.post(
        "/graphql", json=ONE_GRAPH, headers={"x-request-id": 'x"}\\n{"level":"error'}
    )

    request_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    ((_, _, headers),) = asgi_transport.calls
    assert headers["x-request-id"] == request_id


def test_free_text_operation_names_are_not_logged() -> None:
    from gateway.logs import safe_operation_name

    assert safe_operation_name("FindGroup") == "FindGroup"
    assert safe_operation_name("ana@example.org") is None
    assert safe_operation_name("x" * 101) is None


# --- OpenTelemetry -----------------------------------------------------------------------------


async def test_spans_go_to_opentelemetry_with_the_ids_sent_to_subgraphs(
    asgi_transport: RecordingTransport,
) -> None:
    exporter = InMemorySpanExporter()
    otel = OtelExport(SimpleSpanProcessor(exporter), "gateway-under-test")
    app = create_gateway_app(supergraph_sdl(), asgi_transport, otel=otel)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
    ) as client:
        await client.post("/graphql", json=TWO_GRAPHS, headers={"traceparent": CALLER})
    await asgi_transport.inner.aclose()

    spans = exporter.get_finished_spans()
    by_name: dict[str, list[ReadableSpan]] = {}
    for span in spans:
        by_name.setdefault(span.name, []).append(span)
    (request,) = by_name["request"]
    assert request.kind is SpanKind.SERVER
    assert request.parent is not None
    assert request.parent.span_id == int("b7ad6b7169203331", 16)
    assert request.attributes is not None
    assert request.attributes["operation"] == "Upcoming"
    assert request.attributes["http.response.status_code"] == 200
    assert request.resource.attributes["service.name"] == "gateway-under-test"
    assert {span_context(s).trace_id for s in spans} == {
        int("0af7651916cd43dd8448eb211c80319c", 16)
    }
    fetches = by_name["fetch"]
    assert {(s.attributes or {}).get("subgraph") for s in fetches} == {"directory", "sessions"}
    sent = {parent_of(headers["traceparent"]) for _, _, headers in asgi_transport.calls}
    assert {f"{span_context(s).span_id:016x}" for s in fetches} == sent
    for span in spans:
        if span is not request:
            assert span.parent is not None
            assert span.parent.span_id == span_context(request).span_id
    assert {"parse", "validate", "plan", "merge", "shape"} <= set(by_name)


# --- /health and /ready ------------------------------------------------------------------------


async def test_health_answers_while_ready_needs_every_subgraph() -> None:
    full = AsgiTransport({name: asgi_app(schema) for name, schema in SCHEMAS.items()})
    partial = AsgiTransport({name: asgi_app(s) for name, s in SCHEMAS.items() if name != "ratings"})
    try:
        for transport, status, ratings in ((full, 200, True), (partial, 503, False)):
            app = create_gateway_app(supergraph_sdl(), transport)
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
            ) as client:
                health = await client.get("/health")
                ready = await client.get("/ready")
            assert health.status_code == 200
            assert ready.status_code == status
            assert ready.json()["subgraphs"]["ratings"] is ratings
            assert ready.json()["subgraphs"]["directory"] is True
    finally:
        await full.aclose()
        await partial.aclose()


async def test_ready_asks_each_subgraph_at_most_once_per_interval(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client(GatewaySettings(ready_cache_seconds=60))

    for _ in range(5):
        assert (await client.get("/ready")).status_code == 200

    assert sorted(asgi_transport.services()) == sorted(SCHEMAS)


async def test_an_otlp_endpoint_receives_the_requests_trace() -> None:
    # given a collector: an HTTP server keeping what is posted to /v1/traces
    received: list[bytes] = []

    async def collector(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        received.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    with serve_asgi(collector) as base:
        transport = AsgiTransport({name: asgi_app(schema) for name, schema in SCHEMAS.items()})
        settings = GatewaySettings(otel_endpoint=f"{base}/v1/traces", otel_service_name="gw-x")
        app = create_gateway_app(supergraph_sdl(), transport, settings=settings)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
        ) as client:
            await client.post("/graphql", json=ONE_GRAPH, headers={"traceparent": CALLER})
        await transport.aclose()

        # when the app shuts down, its batched spans are flushed
        app.state.otel.shutdown()

    # then the collector got them, in OTLP protobuf: the trace id and the service name are in it
    (payload,) = received
    assert bytes.fromhex("0af7651916cd43dd8448eb211c80319c") in payload
    assert b"gw-x" in payload
    assert b"fetch" in payload
