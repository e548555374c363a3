"""A short run of bench/gateway_apq.py: a hash-only request is smaller and no dearer to serve."""

from __future__ import annotations

import pytest

from bench.gateway_apq import measure

pytestmark = pytest.mark.timing  # a ratio of times: run with `pytest -m timing`


async def test_a_persisted_query_costs_no_more_than_the_full_query() -> None:
    # when
    results = await measure(repeat=50)

    # then the request is smaller
    assert results.hash_bytes < results.full_bytes
    # and the lookup adds no real cost (generous bound: noise must not fail this)
    assert results.hash_cpu < 2 * results.full_cpu
    assert results.get_cpu < 2 * results.full_cpu
