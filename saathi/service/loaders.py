"""Per-request batching on strawberry's DataLoader, for both GraphQL flavours.

``by_key(fetch)`` is a loader whose batch function is a lookup by keys (``fetch(keys)`` → a
mapping): every key asked for before the event loop turns is fetched in one call, a key the
mapping lacks loads as ``None``, and a failed fetch fails every waiting field without being
cached, so a later field of the same request asks again. A loader is made per request: its
cache must not outlive the request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Fetch = Callable[[list[K]], Awaitable[Mapping[K, V]]]


def by_key(fetch: Fetch[K, V]) -> DataLoader[K, V | None]:
    async def load(keys: Sequence[K]) -> list[V | None]:
        try:
            found = await fetch(list(keys))
        except Exception:
            loader.clear_many(keys)  # the waiting fields fail; the next load asks again
            raise
        return [found.get(key) for key in keys]

    loader: DataLoader[K, V | None] = DataLoader(load_fn=load)
    return loader
