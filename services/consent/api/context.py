"""The typed request context every resolver sees as ``strawberry.Info[Context]``."""

from __future__ import annotations

from dataclasses import dataclass

from saathi.auth import Viewer
from saathi.tokens import Principal, Role, TokenVerifier
from services.consent.api.loaders import Loaders
from services.consent.domain.deps import Deps


class SignedInViewer(Viewer):
    """The participant who proved their contact earlier in this very request."""

    def __init__(self, principal: Principal, verifier: TokenVerifier) -> None:
        super().__init__(None, verifier)
        self.signed_in = principal

    def optional(self) -> Principal | None:
        return self.signed_in


@dataclass
class Context:
    """One request: who is calling, its id, where from, its loaders and the service's deps."""

    viewer: Viewer
    request_id: str
    client_address: str | None
    loaders: Loaders
    deps: Deps

    def sign_in(self, participant_id: str) -> None:
        """Read the rest of this response as the participant who has just signed in."""
        principal = Principal(subject=participant_id, role=Role.PARTICIPANT)
        self.viewer = SignedInViewer(principal, self.viewer.verifier)
