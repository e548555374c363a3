"""What the domain needs from outside: settings, keys, delivery, a clock, limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from saathi.crypto import MasterKey
from saathi.keys import SigningKey
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.service.clock import Clock, system_clock
from saathi.settings import Settings
from services.consent.domain.anchor import AuditTrail
from services.consent.domain.delivery import Delivery


@dataclass(frozen=True)
class LoginLimits:
    """How often a login code may be sent: per contact and per client address."""

    contact_interval: int = 30
    contact_per_window: int = 5
    address_per_window: int = 20
    window: int = 3600


@dataclass(frozen=True)
class Deps:
    """The service's collaborators, built once by the app and passed down explicitly."""

    settings: Settings
    signing_key: SigningKey
    master_key: MasterKey
    delivery: Delivery
    audit: AuditTrail
    keys: KeyStore
    clock: Clock = system_clock
    limits: LoginLimits = field(default_factory=LoginLimits)
    peers: Peers = field(default_factory=Peers)
