"""The typed context every resolver receives as ``strawberry.Info[Context]``."""

from __future__ import annotations

from dataclasses import dataclass, field

from saathi.auth import Viewer
from services.sessions.api.loaders import Loaders


@dataclass
class Context:
    """The caller (verified on demand), the request id for logs, and this request's loaders."""

    viewer: Viewer
    request_id: str
    loaders: Loaders = field(default_factory=Loaders)
