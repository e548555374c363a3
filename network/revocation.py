"""Access tokens of ended sign-ins, stopped at the gateway on the very next request.

An access token lives 15 minutes, but the sign-in it belongs to can end sooner: its refresh
family was revoked because a refresh token was reused, the participant signed out, or erased
their account. ``RevocationCheck`` asks the consent service, which holds the refresh families,
whether each participant token is still live (``POST /internal/tokens/check``, one indexed
lookup there) on every operation, without caching: a replica's memory is not where a revocation
is recorded, the consent database is.

When the consent service cannot answer, the token is not trusted and not refused either: the
operation runs as anonymous (the ``Authorization`` header is not forwarded), so public fields
such as the directory and crisis lines keep working while every field that needs the caller's
identity answers UNAUTHENTICATED. Fail closed for identity, open for what anyone may read.

A staff token that names a peer supporter (claim ``supporter``) is asked about too: it is live
only while consent still ties that staff member to that supporter, so the claim (which lets a
peer mentor read their mentees' goals) ends with ``saathi staff unlink``. Other staff, partner and
service tokens have no sign-in in the consent service and are not asked about.
"""

from __future__ import annotations

import logging

from gateway import GatewayHooks, OperationContext
from saathi.errors import Unauthenticated
from saathi.peers import Peers, PeerUnavailable
from saathi.service.internal.client import call
from saathi.service.internal.contracts import TOKENS_CHECK, TokenCheckRequest
from saathi.tokens import Role, TokenVerifier

logger = logging.getLogger("network.revocation")


class RevocationCheck(GatewayHooks):
    """Refuses a participant token whose sign-in has ended, and a staff token whose peer
    supporter tie has ended; see the module docstring."""

    def __init__(self, verifier: TokenVerifier, peers: Peers) -> None:
        self._verifier = verifier
        self._peers = peers

    async def on_operation(self, context: OperationContext) -> None:
        authorization = context.headers.get("authorization")
        try:
            principal = self._verifier.principal_from_header(authorization)
        except Unauthenticated:
            return  # a bad token is the subgraphs' to judge: anonymous for public fields
        if principal is None or not (
            principal.role is Role.PARTICIPANT or principal.supporter_id is not None
        ):
            return
        request = TokenCheckRequest(
            subject=principal.subject,
            role=principal.role.value,
            session_id=principal.session_id,
            supporter_id=principal.supporter_id,
        )
        try:
            live = (await call(self._peers, TOKENS_CHECK, request)).live
        except PeerUnavailable as error:
            logger.warning("cannot check a token's sign-in (%s); serving as anonymous", error)
            del context.headers["authorization"]
            return
        if not live:
            # Public fields (crisis lines first) answer as for anyone; fields that need to know
            # who is asking answer UNAUTHENTICATED, because the token is not passed on.
            logger.info("a token of an ended sign-in was sent; serving as anonymous")
            del context.headers["authorization"]
