"""The typed context every resolver receives as ``strawberry.Info[Context]``."""

from __future__ import annotations

from dataclasses import dataclass, field

from saathi.auth import Viewer
from saathi.keystore import KeyStore
from saathi.peers import Peers
from services.sessions.api.loaders import Loaders


@dataclass
class Context:
    """The caller (verified on demand), the request id for logs, this request's loaders, and
    what the resolvers call out to: the other services, the participants' data keys."""

    viewer: Viewer
    request_id: str
    peers: Peers
    keys: KeyStore
    loaders: Loaders = field(default_factory=Loaders)
