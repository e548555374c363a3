"""Gateway settings: limits, caches, introspection and development features."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.limits import DocumentLimits


@dataclass(frozen=True)
class GatewaySettings:
    """Configuration of the gateway's HTTP app; defaults suit production."""

    introspection: bool = True
    development: bool = False  # serves GraphiQL to browsers on GET /graphql
    # Document limits (see gateway.limits and docs/limits.md), checked before validation.
    max_tokens: int = 2000
    max_depth: int = 15
    max_aliases: int = 30
    max_root_fields: int = 20
    max_directives: int = 50
    max_selections: int = 500
    max_field_repeats: int = 10
    max_fragments: int = 30
    max_cost: int = 10_000
    default_list_size: int = 20
    max_list_size: int = 100
    max_batch: int = 10
    max_body_bytes: int = 2 * 1024 * 1024
    document_cache_size: int = 1024
    plan_cache_size: int = 1024
    # Automatic persisted queries: how many (hash → query) registrations are kept (LRU).
    persisted_query_cache_size: int = 4096
    # `cache-control: public, max-age=N` on error-free GET query answers to anonymous callers.
    get_cache_seconds: int = 60
    forwarded_headers: tuple[str, ...] = ("authorization",)
    request_id_header: str = "x-request-id"
    # Peers whose X-Forwarded-For is believed (a load balancer in front of the gateway). Any other
    # caller's header is replaced by its own address, so sign-in rate limits per address cannot
    # be dodged by sending a made-up header.
    trusted_proxies: frozenset[str] = frozenset()
    # Observability (docs/observability.md). `Server-Timing` goes only to callers that send
    # `X-Server-Timing: 1`, and only when this is on: stage timings tell a caller whether a plan
    # was cached or which subgraph was slow, which is for the people running the network.
    server_timing: bool = False
    # One JSON line per request on the `gateway.request` logger (INFO).
    request_log: bool = True
    # `/ready` asks every subgraph `{ __typename }`; the answer is kept this long, so probes
    # (or anyone) hitting `/ready` cannot multiply load onto the subgraphs.
    ready_cache_seconds: float = 1.0
    # OTLP/HTTP traces endpoint (`http://collector:4318/v1/traces`); needs the `otel` extra.
    otel_endpoint: str | None = None
    otel_service_name: str = "saathi-gateway"

    @property
    def limits(self) -> DocumentLimits:
        return DocumentLimits(
            max_tokens=self.max_tokens,
            max_depth=self.max_depth,
            max_aliases=self.max_aliases,
            max_root_fields=self.max_root_fields,
            max_directives=self.max_directives,
            max_selections=self.max_selections,
            max_field_repeats=self.max_field_repeats,
            max_fragments=self.max_fragments,
            max_cost=self.max_cost,
            default_list_size=self.default_list_size,
            max_list_size=self.max_list_size,
        )
