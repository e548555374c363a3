"""Sign-up and sign-in, one flow: a one-time code sent to a contact, then verified.

A code is 6 random digits from ``secrets``, stored only as a keyed digest bound to the contact,
valid for ``settings.login_code_ttl`` seconds and for at most ``settings.login_code_attempts``
tries; asking for a new code spends the previous one. Every answer is the same whether or not
the contact already has an account: the account is found, or made, only once the code is right.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from saathi.crypto import MasterKey
from saathi.errors import BadUserInput, Unauthenticated
from services.consent import repository
from services.consent.domain import lockout
from services.consent.domain.contacts import normalise_contact
from services.consent.domain.deps import Deps
from services.consent.domain.limits import take_login_slot
from services.consent.domain.login_sessions import SessionTokens, start_session
from services.consent.domain.participants import find_or_create_by_contact
from services.consent.domain.personal import contact_index
from services.consent.domain.records import ParticipantRecord

CODE_DIGITS = 6
_CODE = re.compile(rf"[0-9]{{{CODE_DIGITS}}}")
_NO_LIVE_CODE = "This code has expired or was already used. Ask for a new code."


@dataclass(frozen=True)
class SignedIn:
    tokens: SessionTokens
    participant: ParticipantRecord


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_digest(master: MasterKey, contact: str, code: str) -> str:
    """The keyed digest of ``code`` bound to ``contact``: one contact's code fails for another."""
    return master.blind_index(f"login-code\x00{contact}\x00{code}")


def _bucket(kind: str, master: MasterKey, value: str) -> str:
    return f"{kind}:{master.blind_index(f'{kind}:{value}')}"


def contact_bucket(master: MasterKey, contact: str) -> str:
    """The rate-limit bucket of a normalised contact (erasure deletes it with the account)."""
    return _bucket("contact", master, contact)


async def request_code(deps: Deps, raw_contact: str, client_address: str | None) -> int:
    """Send a new code to the contact; the seconds until it may ask again."""
    contact = normalise_contact(raw_contact)
    now = deps.clock()
    master = deps.master_key
    index = contact_index(master, contact)
    bucket = contact_bucket(master, contact)
    await lockout.refuse_if_locked(bucket, now)
    retry_after = await take_login_slot(
        deps.limits,
        now,
        contact_bucket=bucket,
        address_bucket=_bucket("address", master, client_address or "unknown"),
    )
    code = new_code()
    async with repository.transaction():
        await repository.supersede_login_codes(index, now)
        await repository.add_login_code(
            contact_index=index,
            digest=code_digest(master, contact, code),
            now=now,
            expires_at=now + timedelta(seconds=deps.settings.login_code_ttl),
        )
    await deps.delivery.send_login_code(to=raw_contact, normalised=contact, code=code, at=now)
    return retry_after


async def verify_code(deps: Deps, raw_contact: str, code: str) -> SignedIn:
    """Spend a right code and sign the contact's participant in, creating them on first use."""
    contact = normalise_contact(raw_contact)
    code = code.strip()
    if not _CODE.fullmatch(code):
        raise BadUserInput(f"A sign-in code is {CODE_DIGITS} digits.")
    now = deps.clock()
    master = deps.master_key
    max_attempts = deps.settings.login_code_attempts
    index = contact_index(master, contact)
    bucket = contact_bucket(master, contact)
    await lockout.refuse_if_locked(bucket, now)
    live = await repository.live_login_code(index, now, max_attempts)
    # Claiming the try before comparing bounds the guesses even when requests run in parallel.
    if live is None or not await repository.claim_login_attempt(live.id, now, max_attempts):
        raise Unauthenticated(_NO_LIVE_CODE)
    if not hmac.compare_digest(live.digest, code_digest(master, contact, code)):
        await lockout.count_failure(bucket, now)
        left = max_attempts - live.attempts - 1
        raise Unauthenticated(
            f"That code is not right. {left} more {'try' if left == 1 else 'tries'} with this code."
            if left > 0
            else "That code is not right, and it has been tried too often. Ask for a new code."
        )
    async with repository.transaction():
        if not await repository.spend_login_code(live.id, now):
            raise Unauthenticated(_NO_LIVE_CODE)
        participant = await find_or_create_by_contact(deps, contact, now)
        tokens = await start_session(deps, participant.id, now)
        await lockout.clear(bucket)
    return SignedIn(tokens=tokens, participant=participant)
