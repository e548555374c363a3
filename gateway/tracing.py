"""Per-request trace: W3C trace context and the timings of the pipeline's stages.

A `Trace` is made for each HTTP request to the gateway: it continues the caller's `traceparent`
when that header is valid (W3C Trace Context, version 00) and starts a new trace otherwise. The
pipeline and the executor record their stages with `stage(name)` (parse, validate, plan, each
subgraph fetch, merge, shape) into the trace of the running request, found through a context
variable so that no signature between the stages changes. Each fetch gets its own span id and
the subgraph receives `traceparent: 00-<trace id>-<fetch span id>-<flags>`, so its own spans hang
under the gateway's fetch in any tracing backend.

The recorded spans feed the `Server-Timing` header, the Prometheus stage histograms, the
request's log line and, when configured, the OpenTelemetry exporter (`gateway.otel`). Recording
is a few list appends per request; nothing here blocks or allocates per field.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

Attribute = str | int | float | bool | None  # None: unknown, left out of exports

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16
_random = random.Random()  # ids need to be unique, not secret: no syscall per id


def new_trace_id() -> str:
    return f"{_random.getrandbits(128) or 1:032x}"


def new_span_id() -> str:
    return f"{_random.getrandbits(64) or 1:016x}"


@dataclass(frozen=True)
class TraceParent:
    """A parsed `traceparent` header."""

    trace_id: str
    parent_id: str
    flags: str

    @property
    def sampled(self) -> bool:
        return bool(int(self.flags, 16) & 1)


def parse_traceparent(header: str | None) -> TraceParent | None:
    """The caller's trace context, or None when the header is absent or invalid.

    Version ff is forbidden; a higher version than 00 is read as 00 (its first four fields keep
    their meaning, as the specification asks); all-zero ids are invalid.
    """
    if not header:
        return None
    match = _TRACEPARENT.match(header.strip().lower())
    if match is None:
        return None
    version, trace_id, parent_id, flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest):
        return None
    if trace_id == _ZERO_TRACE or parent_id == _ZERO_SPAN:
        return None
    return TraceParent(trace_id, parent_id, flags)


@dataclass(slots=True)
class Span:
    """One timed stage: wall-clock start (ns since the epoch) and duration (ns)."""

    name: str
    span_id: str
    parent_id: str
    start_ns: int
    duration_ns: int = 0
    attributes: dict[str, Attribute] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.duration_ns / 1e9


class Trace:
    """The trace of one request: its ids, its root span and the stages recorded under it."""

    __slots__ = (
        "codes",
        "flags",
        "parent_id",
        "request_id",
        "root",
        "spans",
        "trace_id",
        "tracestate",
    )

    def __init__(
        self,
        caller: TraceParent | None = None,
        tracestate: str | None = None,
        request_id: str = "",
    ) -> None:
        self.request_id = request_id
        self.trace_id = caller.trace_id if caller else new_trace_id()
        self.parent_id = caller.parent_id if caller else None  # the caller's span, if any
        self.flags = caller.flags if caller else "01"
        # A caller's vendor state only means something with its own trace id.
        self.tracestate = tracestate if caller else None
        self.root = Span(
            "request", new_span_id(), self.parent_id or "", time.time_ns(), attributes={}
        )
        self.spans: list[Span] = []
        self.codes: list[str] = []  # extensions.code of every error in the answer

    def traceparent(self, span_id: str) -> str:
        """The `traceparent` header naming `span_id` as the parent of the callee's spans."""
        return f"00-{self.trace_id}-{span_id}-{self.flags}"

    @contextmanager
    def span(self, name: str, **attributes: Attribute) -> Iterator[Span]:
        started = time.perf_counter_ns()
        span = Span(name, new_span_id(), self.root.span_id, time.time_ns(), 0, attributes)
        try:
            yield span
        finally:
            span.duration_ns = time.perf_counter_ns() - started
            self.spans.append(span)

    def add(self, name: str, duration_ns: int, **attributes: Attribute) -> None:
        """Record a stage timed elsewhere (for instance merges summed over several fetches)."""
        start = time.time_ns() - duration_ns
        span = Span(name, new_span_id(), self.root.span_id, start, duration_ns, attributes)
        self.spans.append(span)

    def finish(self) -> None:
        self.root.duration_ns = time.time_ns() - self.root.start_ns

    def totals(self) -> dict[str, float]:
        """Milliseconds per stage name, summed (fetches are named `fetch.<subgraph>`)."""
        totals: dict[str, float] = {}
        for span in self.spans:
            name = span.name
            if name == "fetch":
                name = f"fetch.{span.attributes.get('subgraph', '')}"
            totals[name] = totals.get(name, 0.0) + span.duration_ns / 1e6
        return totals

    def server_timing(self) -> str:
        """The `Server-Timing` header value: one metric per stage, then the total."""
        parts = [f"{_token(name)};dur={ms:.3f}" for name, ms in self.totals().items()]
        parts.append(f"total;dur={self.root.duration_ns / 1e6:.3f}")
        return ", ".join(parts)


def _token(name: str) -> str:
    """A Server-Timing metric name is an HTTP token: no spaces, commas or quotes."""
    return re.sub(r"[^A-Za-z0-9!#$%&'*+.^_`|~-]", "_", name)


_current: ContextVar[Trace | None] = ContextVar("gateway_trace", default=None)


def current_trace() -> Trace | None:
    """The trace of the request being handled, if the gateway app started one."""
    return _current.get()


@contextmanager
def active(trace: Trace) -> Iterator[Trace]:
    """Make `trace` the current one for the code (and the tasks it starts) inside the block."""
    token = _current.set(trace)
    try:
        yield trace
    finally:
        _current.reset(token)


@contextmanager
def stage(name: str, **attributes: Attribute) -> Iterator[Span | None]:
    """Time a stage into the current trace; a no-op outside a traced request."""
    trace = _current.get()
    if trace is None:
        yield None
        return
    with trace.span(name, **attributes) as span:
        yield span


def annotate(**attributes: Attribute) -> None:
    """Describe the current request (operation name and kind, plan cache hit) for its log line
    and its root span; a no-op outside a traced request."""
    trace = _current.get()
    if trace is not None:
        trace.root.attributes.update(attributes)


def note_errors(answer: object) -> None:
    """Keep the `extensions.code` of every error in an answer (or a batch of answers)."""
    trace = _current.get()
    if trace is None:
        return
    for item in answer if isinstance(answer, list) else (answer,):
        errors = item.get("errors") if isinstance(item, dict) else None
        for error in errors if isinstance(errors, list) else ():
            extensions = error.get("extensions") if isinstance(error, dict) else None
            code = extensions.get("code") if isinstance(extensions, dict) else None
            # Codes become metric labels: subgraphs' own codes are kept only when they look
            # like codes, so a label set stays small whatever a subgraph sends.
            trace.codes.append(code if isinstance(code, str) and _CODE.match(code) else "OTHER")


@contextmanager
def subgraph_fetch(service: str, headers: dict[str, str]) -> Iterator[Span | None]:
    """Time one subgraph fetch and put its `traceparent` (and the caller's `tracestate`) in the
    headers sent to the subgraph. Outside a traced request, a fresh trace id is still sent, so a
    subgraph's logs can be joined for any fetch."""
    trace = _current.get()
    if trace is None:
        headers["traceparent"] = f"00-{new_trace_id()}-{new_span_id()}-01"
        yield None
        return
    with trace.span("fetch", subgraph=service) as span:
        headers["traceparent"] = trace.traceparent(span.span_id)
        if trace.tracestate:
            headers["tracestate"] = trace.tracestate
        yield span


def record(name: str, duration_ns: int, **attributes: Attribute) -> None:
    """Add a stage timed by the caller to the current trace, if any."""
    trace = _current.get()
    if trace is not None:
        trace.add(name, duration_ns, **attributes)
