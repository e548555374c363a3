"""A short run of bench/limits.py: bombs refused in time that follows their text, not 2^n."""

from __future__ import annotations

import pytest

from bench.limits import measure

pytestmark = pytest.mark.timing  # a ratio of times: run with `pytest -m timing`


async def test_bombs_are_refused_fast_at_every_depth() -> None:
    # when
    results = await measure(repeat=2)

    # then a 60-level bomb (2^60 fields) is refused as fast as any request of its size
    assert max(results.refusals.values()) < 0.1
    assert results.subgraph_refusal < 0.1
    # and the crisis line keeps its pace under one attacker (slack as in
    # tests/saathi/test_request_limits.py: a few waits behind a bomb's parse)
    assert results.one_attacker[0] <= 2 * results.reference + 0.02
