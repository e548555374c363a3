"""The arithmetic of the login rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.consent.domain.limits import wait_seconds

NOW = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)


def _ago(*seconds: float) -> list[datetime]:
    return [NOW - timedelta(seconds=value) for value in seconds]


def test_nothing_sent_means_no_wait() -> None:
    assert wait_seconds([], NOW, per_window=5, window=3600, interval=30) == 0


def test_the_interval_counts_from_the_latest() -> None:
    assert wait_seconds(_ago(100, 10), NOW, per_window=5, window=3600, interval=30) == 20


def test_a_full_window_waits_for_the_oldest_that_counts() -> None:
    sent = _ago(3000, 2000, 1000, 500, 100)

    assert wait_seconds(sent, NOW, per_window=5, window=3600) == 600
    assert wait_seconds(sent, NOW, per_window=4, window=3600) == 1600


def test_partial_seconds_round_up() -> None:
    assert wait_seconds(_ago(29.5), NOW, per_window=5, window=3600, interval=30) == 1
