"""Gateway settings: limits, caches, introspection and development features."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GatewaySettings:
    """Configuration of the gateway's HTTP app; defaults suit production."""

    introspection: bool = True
    development: bool = False  # serves GraphiQL to browsers on GET /graphql
    max_depth: int = 15
    max_aliases: int = 30
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
