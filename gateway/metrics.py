"""Prometheus metrics of one gateway, served at `/metrics` in the text exposition format.

Each gateway app owns its registry (two apps in one process, as in the tests, never share
counters). What is counted says nothing about who asked or what they asked for: labels are the
HTTP method and status, GraphQL error codes, stage names and subgraph names, all from small
fixed sets. Operation names, variables and tokens never become labels.

    gateway_requests_total{method,status}             HTTP requests to /graphql
    gateway_graphql_errors_total{code}                errors in answers, by extensions.code
    gateway_request_duration_seconds                  histogram, per HTTP request
    gateway_stage_duration_seconds{stage}             parse, validate, plan, merge, shape
    gateway_subgraph_fetch_duration_seconds{subgraph} histogram, per subgraph fetch
    gateway_subgraph_fetch_errors_total{subgraph}     fetches that got no answer
    gateway_requests_in_flight                        gauge
    gateway_plan_cache_{hits,misses}_total            read from the operation cache at scrape
    gateway_document_cache_{hits,misses}_total        likewise
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector

from gateway.tracing import Trace

# Request latency from well under a millisecond (cached plans over fast subgraphs) to timeouts.
LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)

CONTENT_TYPE = CONTENT_TYPE_LATEST
CacheCounts = Callable[[], tuple[int, int]]  # (hits, misses) so far


class _CacheCollector(Collector):
    """Reads cache hit and miss counts when scraped, so a cache lookup costs no metric call."""

    def __init__(self, caches: dict[str, CacheCounts]) -> None:
        self._caches = caches

    def collect(self) -> Iterable[Metric]:
        for name, counts in self._caches.items():
            hits, misses = counts()
            hit = CounterMetricFamily(f"gateway_{name}_cache_hits", f"{name} cache hits")
            hit.add_metric([], hits)
            miss = CounterMetricFamily(f"gateway_{name}_cache_misses", f"{name} cache misses")
            miss.add_metric([], misses)
            yield hit
            yield miss


class GatewayMetrics:
    """The gateway's counters and histograms, and the text a scrape of `/metrics` returns."""

    def __init__(self, caches: dict[str, CacheCounts] | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.requests = Counter(
            "gateway_requests", "HTTP requests to /graphql", ["method", "status"], registry=registry
        )
        self.errors = Counter(
            "gateway_graphql_errors",
            "GraphQL errors in answers, by extensions.code",
            ["code"],
            registry=registry,
        )
        self.latency = Histogram(
            "gateway_request_duration_seconds",
            "Time to answer one HTTP request to /graphql",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.stages = Histogram(
            "gateway_stage_duration_seconds",
            "Time spent in one pipeline stage of a request",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.fetches = Histogram(
            "gateway_subgraph_fetch_duration_seconds",
            "Time of one subgraph fetch, from send to decoded answer",
            ["subgraph"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.fetch_errors = Counter(
            "gateway_subgraph_fetch_errors",
            "Subgraph fetches that got no usable answer",
            ["subgraph"],
            registry=registry,
        )
        self.in_flight = Gauge(
            "gateway_requests_in_flight", "Requests to /graphql being answered", registry=registry
        )
        if caches:
            registry.register(_CacheCollector(caches))
        # Label lookups cost more than the observation: keep the children.
        self._children: dict[tuple[str, str], Any] = {}
        self._requests: dict[tuple[str, int], Any] = {}

    def _child(self, family: str, label: str) -> Any:
        key = (family, label)
        child = self._children.get(key)
        if child is None:
            child = getattr(self, family).labels(label)
            self._children[key] = child
        return child

    def observe(self, method: str, status: int, trace: Trace, codes: Iterable[str]) -> None:
        """Count one finished request from its trace."""
        key = (method, status)
        counter = self._requests.get(key)
        if counter is None:
            counter = self._requests[key] = self.requests.labels(method, str(status))
        counter.inc()
        self.latency.observe(trace.root.seconds)
        for code in codes:
            self._child("errors", code).inc()
        for span in trace.spans:
            if span.name == "fetch":
                subgraph = str(span.attributes.get("subgraph", ""))
                self._child("fetches", subgraph).observe(span.seconds)
                if span.attributes.get("failed"):
                    self._child("fetch_errors", subgraph).inc()
            else:
                self._child("stages", span.name).observe(span.seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
