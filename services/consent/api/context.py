"""The typed request context every resolver sees as ``strawberry.Info[Context]``."""

from __future__ import annotations

from dataclasses import dataclass

from saathi.auth import Viewer
from saathi.errors import Unauthenticated
from saathi.tokens import Principal, Role, TokenVerifier
from services.consent.api.loaders import Loaders
from services.consent.domain.deps import Deps
from services.consent.domain.login_sessions import SIGN_IN_ENDED, token_is_live


class SignedInViewer(Viewer):
    """The participant who proved their contact earlier in this very request."""

    def __init__(self, principal: Principal, verifier: TokenVerifier) -> None:
        super().__init__(None, verifier)
        self.signed_in = principal

    def optional(self) -> Principal | None:
        return self.signed_in


class EndedViewer(Viewer):
    """A caller whose token verifies but whose sign-in has ended (signed out, reused refresh
    token, erased account): refused wherever the token is looked at."""

    def optional(self) -> Principal | None:
        raise Unauthenticated(SIGN_IN_ENDED)


async def live_viewer(viewer: Viewer) -> Viewer:
    """``viewer``, or an ``EndedViewer`` when its token belongs to a sign-in that has ended."""
    try:
        principal = viewer.optional()
    except Unauthenticated:
        return viewer  # refused again, with its own reason, where a field needs it
    if principal is None or await token_is_live(
        principal.subject, principal.role, principal.session_id, principal.supporter_id
    ):
        return viewer
    return EndedViewer(viewer.authorization, viewer.verifier)


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
