"""Session tokens: a short-lived access token and a rotating refresh token.

Refresh tokens are 32 random bytes, stored only as a digest, in families: each use spends the
token and issues the next one of the same family. Presenting a spent token means a copy is in
someone else's hands, so the whole family is revoked, the newest live token included.

Every access token carries its family id as ``sid``. A token is live only while its family has a
row that is not revoked: reuse, signing out and erasure (which deletes the rows) all end it on
the next request, in every replica, because the answer is read from the database each time
(``token_is_live``, asked by the gateway and by this service's own requests).
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from saathi.crypto import secret_digest
from saathi.errors import Unauthenticated
from saathi.ids import new_id
from saathi.tokens import Principal, Role, mint_access_token
from services.consent import repository
from services.consent.domain.deps import Deps

SIGN_IN_ENDED = "This sign-in has ended (signed out, or the account was closed). Sign in again."


@dataclass(frozen=True)
class SessionTokens:
    access_token: str
    refresh_token: str
    expires_in: int


def access_token_for(deps: Deps, participant_id: str, now: datetime, family_id: str) -> str:
    settings = deps.settings
    return mint_access_token(
        deps.signing_key,
        subject=participant_id,
        role=Role.PARTICIPANT,
        issuer=settings.issuer,
        audience=settings.audience,
        ttl_seconds=settings.access_token_ttl,
        now=now.timestamp(),
        session_id=family_id,
    )


async def _issue(deps: Deps, participant_id: str, family_id: str, now: datetime) -> SessionTokens:
    refresh_token = secrets.token_urlsafe(32)
    await repository.add_refresh_token(
        family_id=family_id,
        participant_id=participant_id,
        digest=secret_digest(refresh_token),
        now=now,
        expires_at=now + timedelta(seconds=deps.settings.refresh_token_ttl),
    )
    return SessionTokens(
        access_token=access_token_for(deps, participant_id, now, family_id),
        refresh_token=refresh_token,
        expires_in=deps.settings.access_token_ttl,
    )


async def start_session(deps: Deps, participant_id: str, now: datetime) -> SessionTokens:
    """Tokens for a participant who just signed in: a new refresh family."""
    return await _issue(deps, participant_id, new_id("rtf"), now)


class _Refusal(enum.Enum):
    UNKNOWN = "This refresh token is not valid. Sign in again."
    EXPIRED = "This refresh token has expired. Sign in again."
    REUSED = (
        "This refresh token was already used, so every session it belongs to was ended. "
        "Sign in again."
    )


async def refresh_session(deps: Deps, refresh_token: str) -> SessionTokens:
    """Spend ``refresh_token`` and issue the next one of its family."""
    now = deps.clock()
    outcome: SessionTokens | _Refusal
    # The transaction commits a revocation before the refusal is raised outside it.
    async with repository.transaction():
        outcome = await _rotate(deps, refresh_token, now)
    if isinstance(outcome, _Refusal):
        raise Unauthenticated(outcome.value)
    return outcome


async def _rotate(deps: Deps, refresh_token: str, now: datetime) -> SessionTokens | _Refusal:
    stored = await repository.refresh_token_by_digest(secret_digest(refresh_token))
    if stored is None or stored.revoked_at is not None:
        return _Refusal.UNKNOWN
    if stored.spent_at is not None:
        await repository.revoke_refresh_family(stored.family_id, now)
        return _Refusal.REUSED
    if stored.expires_at <= now:
        return _Refusal.EXPIRED
    if not await repository.spend_refresh_token(stored.id, now):
        # Spent by a concurrent request between our read and our write: a reuse all the same.
        await repository.revoke_refresh_family(stored.family_id, now)
        return _Refusal.REUSED
    if await repository.participant_by_id(stored.participant_id) is None:
        return _Refusal.UNKNOWN
    return await _issue(deps, stored.participant_id, stored.family_id, now)


async def token_is_live(
    subject: str, role: Role, session_id: str | None, supporter_id: str | None = None
) -> bool:
    """Whether an access token (already verified) may still be used.

    A participant's token is live while its sign-in is (``sid``: the refresh family has a row
    not revoked); one without ``sid`` (minted by an operator) while the participant exists.
    A staff token that names a peer supporter (claim ``supporter``) is live while that staff
    member is still tied to that supporter (``saathi staff unlink`` ends it: the claim must not
    outlive the tie). Other staff, partner and service tokens have no sign-in here to end: live
    until they expire.
    """
    if role is not Role.PARTICIPANT:
        if supporter_id is None or not role.is_staff:
            return True
        staff = await repository.staff_by_id(subject)
        return staff is not None and staff.supporter_id == supporter_id
    if session_id is not None:
        return await repository.refresh_family_live(session_id, subject)
    return await repository.participant_exists(subject)


async def sign_out(deps: Deps, viewer: Principal, *, everywhere: bool) -> None:
    """End the caller's sign-in (or every sign-in of theirs): its refresh tokens are revoked,
    and with them every access token that names it."""
    now = deps.clock()
    if everywhere or viewer.session_id is None:
        await repository.revoke_refresh_families_of(viewer.subject, now)
    else:
        await repository.revoke_refresh_family(viewer.session_id, now)
