"""Rate limits on sending login codes, per contact and per client address.

Each code sent is an event in a bucket (a blind index, never the contact or address itself).
A request first records its event, then counts the bucket: when concurrent requests race, each
sees the others and the limit fails closed rather than letting an extra code through. A refused
request removes its events, so only codes actually sent are counted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from saathi.errors import RateLimited
from services.consent import repository
from services.consent.domain.deps import LoginLimits


def wait_seconds(
    sent: Sequence[datetime], now: datetime, *, per_window: int, window: int, interval: int = 0
) -> int:
    """Whole seconds until one more event is allowed after ``sent`` (0: allowed now)."""
    wait = 0.0
    if interval and sent:
        wait = max(wait, (max(sent) + timedelta(seconds=interval) - now).total_seconds())
    if len(sent) >= per_window:
        oldest_counted = sorted(sent)[len(sent) - per_window]
        wait = max(wait, (oldest_counted + timedelta(seconds=window) - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


async def _record(
    bucket: str, now: datetime, *, per_window: int, window: int, interval: int = 0
) -> tuple[int, int, int]:
    """Record an event; ``(event id, wait before it, wait after it)``."""
    event_id = await repository.add_rate_event(bucket, now)
    events = await repository.rate_events(bucket, now - timedelta(seconds=window))
    others = [event.at for event in events if event.id != event_id]
    before = wait_seconds(others, now, per_window=per_window, window=window, interval=interval)
    after = wait_seconds(
        [*others, now], now, per_window=per_window, window=window, interval=interval
    )
    return event_id, before, after


async def take_login_slot(
    limits: LoginLimits, now: datetime, *, contact_bucket: str, address_bucket: str
) -> int:
    """Count one code for the contact and the address; the seconds until the contact may ask
    again. Raises ``RateLimited`` (and counts nothing) when either limit is reached."""
    await repository.prune_rate_events(now - timedelta(seconds=limits.window))
    address_event, address_wait, _ = await _record(
        address_bucket, now, per_window=limits.address_per_window, window=limits.window
    )
    if address_wait:
        await repository.delete_rate_events([address_event])
        raise RateLimited(
            f"Too many sign-in codes were asked for from this network. Try again in "
            f"{address_wait} seconds.",
            address_wait,
        )
    contact_event, contact_wait, after = await _record(
        contact_bucket,
        now,
        per_window=limits.contact_per_window,
        window=limits.window,
        interval=limits.contact_interval,
    )
    if contact_wait:
        await repository.delete_rate_events([address_event, contact_event])
        raise RateLimited(
            f"A code was sent to this contact recently. Try again in {contact_wait} seconds.",
            contact_wait,
        )
    return after
