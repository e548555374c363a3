"""Per-request batching: one fetch for every key asked for in one pass."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from saathi.service.loaders import by_key


class Fetches:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.fail = fail

    async def __call__(self, keys: list[str]) -> Mapping[str, str]:
        self.calls.append(list(keys))
        if self.fail:
            raise RuntimeError("database down")
        return {key: key.upper() for key in keys if key != "missing"}


async def test_keys_asked_for_together_are_fetched_together() -> None:
    fetch = Fetches()
    loader = by_key(fetch)

    values = await asyncio.gather(loader.load("a"), loader.load("b"), loader.load("a"))

    assert list(values) == ["A", "B", "A"]
    assert fetch.calls == [["a", "b"]]


async def test_a_loaded_key_is_not_fetched_again_and_a_missing_one_is_none() -> None:
    fetch = Fetches()
    loader = by_key(fetch)
    await loader.load("a")

    assert list(await asyncio.gather(loader.load("a"), loader.load("missing"))) == ["A", None]
    assert fetch.calls == [["a"], ["missing"]]


async def test_a_failed_fetch_fails_every_waiting_key_and_is_not_cached() -> None:
    fetch = Fetches(fail=True)
    loader = by_key(fetch)

    results = await asyncio.gather(loader.load("a"), loader.load("b"), return_exceptions=True)
    fetch.fail = False

    assert [type(r) for r in results] == [RuntimeError, RuntimeError]
    assert await loader.load("a") == "A"
    assert fetch.calls == [["a", "b"], ["a"]]
