"""Where "now" comes from: one ``Clock`` a service carries in its context.

Services never call ``datetime.now`` themselves, so a test moves time by handing in a
``FixedClock`` instead of waiting or patching.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Answers the current instant, timezone-aware, in UTC."""

    def __call__(self) -> datetime: ...


class SystemClock:
    """The machine's clock."""

    def __call__(self) -> datetime:
        return datetime.now(UTC)


system_clock: Clock = SystemClock()


@dataclass
class FixedClock:
    """A clock that stands still until moved: for tests, and for anything replayed."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def set(self, now: datetime) -> None:
        self.now = now
