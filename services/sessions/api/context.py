"""The typed context every resolver receives as ``strawberry.Info[Context]``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from saathi.auth import Viewer
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.service.clock import Clock, system_clock
from services.sessions.api.loaders import Loaders
from services.sessions.domain.seats import SeatPusher


@dataclass
class Context:
    """The caller (verified on demand), the request id for logs, this request's loaders, and
    what the resolvers call out to: the other services, the participants' data keys. ``now`` is
    read from ``clock`` once, so every field of the request sees the same instant."""

    viewer: Viewer
    request_id: str
    peers: Peers
    keys: KeyStore
    clock: Clock = system_clock
    seats: SeatPusher | None = None
    """Kicked after every mutation: the directory hears of changed seats."""
    now: datetime = field(init=False)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.now = self.clock()
        self.loaders = Loaders(self.now)
