"""The caller as a subgraph sees it: the forwarded ``Authorization`` header, verified on demand.

Anonymous callers may read the directory, so a request without a token is fine until a field
needs one. A token that is present but expired, forged or malformed counts as no token for
public fields (crisis lines and the directory answer whatever the token), and is refused with
its own reason wherever a field needs to know who is calling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from saathi.errors import Forbidden, Unauthenticated
from saathi.tokens import Principal, Role, TokenVerifier


@dataclass
class Viewer:
    """Lazily verified credentials of one request."""

    authorization: str | None
    verifier: TokenVerifier
    _principal: Principal | None = field(default=None, init=False)
    _refusal: Unauthenticated | None = field(default=None, init=False)
    _checked: bool = field(default=False, init=False)

    def _check(self) -> None:
        if not self._checked:
            try:
                self._principal = self.verifier.principal_from_header(self.authorization)
            except Unauthenticated as refusal:
                self._refusal = refusal
            self._checked = True

    def optional(self) -> Principal | None:
        """The caller, or ``None`` when anonymous or the token is not valid."""
        self._check()
        return self._principal

    def required(self) -> Principal:
        """The caller; raises ``Unauthenticated`` when anonymous or the token is bad."""
        principal = self.optional()
        if self._refusal is not None:
            raise Unauthenticated(self._refusal.message)
        if principal is None:
            raise Unauthenticated("Sign in first: this needs an access token.")
        return principal

    def participant(self) -> Principal:
        """The signed-in participant; staff and partner tokens are ``Forbidden`` here."""
        principal = self.required()
        if principal.role is not Role.PARTICIPANT:
            raise Forbidden("Only a participant may do this.")
        return principal

    def staff(self, *roles: Role) -> Principal:
        """A staff member (of any of ``roles`` when given), bound to their centre."""
        principal = self.required()
        allowed = roles or (Role.FACILITATOR, Role.CENTRE_ADMIN, Role.SUPERVISOR)
        if principal.role not in allowed:
            raise Forbidden("Your role may not do this.")
        return principal
