"""Sign-in lockout per contact: wrong codes earn ever longer waits, across hours and days.

The per-hour limit on sending codes alone allows 25 guesses an hour for ever. Here every wrong
code counts against the contact (its rate-limit bucket, never the contact itself), in the
database; after ``FAILURES_BEFORE_LOCKOUT`` the contact is locked out for the next step of
``LOCKOUT_SECONDS`` (15 minutes, 1 hour, 6 hours, then 24 hours each time), during which no code
is sent nor checked. A right code clears the count and the steps. Someone who knows a contact
can lock its owner out for a while; that is the price of bounding guesses, and the owner's
existing sessions are not touched.
"""

from __future__ import annotations

import math
from datetime import datetime

from saathi.errors import RateLimited
from services.consent import repository

FAILURES_BEFORE_LOCKOUT = 5
LOCKOUT_SECONDS = (15 * 60, 3600, 6 * 3600, 24 * 3600)


def _locked(seconds: int, reason: str) -> RateLimited:
    return RateLimited(f"{reason} Try again in {seconds} seconds.", seconds)


async def refuse_if_locked(bucket: str, now: datetime) -> None:
    """Raise ``RateLimited`` (with the seconds left) while the contact is locked out."""
    until = await repository.login_locked_until(bucket)
    if until is not None and until > now:
        seconds = math.ceil((until - now).total_seconds())
        raise _locked(seconds, "Too many wrong codes were tried for this contact.")


async def count_failure(bucket: str, now: datetime) -> None:
    """Count a wrong code; raise ``RateLimited`` when it starts a lockout."""
    failures = await repository.count_login_failure(bucket)
    if failures < FAILURES_BEFORE_LOCKOUT:
        return
    seconds = await repository.lock_login(bucket, FAILURES_BEFORE_LOCKOUT, LOCKOUT_SECONDS, now)
    if seconds:
        raise _locked(seconds, "That code is not right, and too many wrong codes were tried.")
    await refuse_if_locked(bucket, now)


async def clear(bucket: str) -> None:
    await repository.clear_login_failures(bucket)
