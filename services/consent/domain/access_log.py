"""The data-access log: who read a participant's records, when, under which consent.

Each participant's log is a hash chain. Entry ``n`` stores ``prev_hash`` (entry ``n - 1``'s hash,
or 64 zeros for the first) and ``hash = sha256(prev_hash || canonical JSON of the entry)``; the
participant's head records the newest ``(seq, hash)``. Editing an entry changes its hash,
removing or reordering entries breaks a ``prev_hash`` link or a ``seq``, and removing the newest
entry leaves the head pointing at nothing, so ``verify_chain`` names each.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from saathi.errors import BadUserInput
from services.consent import repository
from services.consent.domain.deps import Deps
from services.consent.records import (
    ConsentPurpose,
    ConsentRecord,
    DataAccessRecord,
    DataCategory,
)
from services.consent.repository import access_log

GENESIS = "0" * 64
DEFAULT_PAGE = 20
MAX_PAGE = 100
_APPEND_ATTEMPTS = 5
_CURSOR_PREFIX = "log:"


def canonical(entry: DataAccessRecord) -> bytes:
    """The entry's content as canonical JSON (sorted keys, no spaces, UTC microseconds)."""
    content = {
        "participant": entry.participant_id,
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "accessor": entry.accessor_centre_id,
        "categories": [category.value for category in entry.categories],
        "purpose": entry.purpose.value,
        "consent": entry.consent_id,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(entry: DataAccessRecord) -> str:
    """sha256(prev_hash || canonical JSON), hex."""
    return hashlib.sha256(entry.prev_hash.encode() + canonical(entry)).hexdigest()


def chained(
    *,
    participant_id: str,
    head: tuple[int, str] | None,
    at: datetime,
    accessor_centre_id: str,
    categories: Sequence[DataCategory],
    purpose: ConsentPurpose,
    consent_id: str,
) -> DataAccessRecord:
    """The next entry after ``head`` (``None`` for an empty log), its hash computed."""
    seq, prev_hash = (0, GENESIS) if head is None else (head[0] + 1, head[1])
    draft = DataAccessRecord(
        participant_id=participant_id,
        seq=seq,
        at=at,
        accessor_centre_id=accessor_centre_id,
        categories=tuple(categories),
        purpose=purpose,
        consent_id=consent_id,
        prev_hash=prev_hash,
        hash="",
    )
    return DataAccessRecord(**{**draft.__dict__, "hash": entry_hash(draft)})


class _Contended(Exception):
    """Another append extended the chain first: roll back and try again."""


async def append_entry(
    participant_id: str,
    *,
    at: datetime,
    accessor_centre_id: str,
    categories: Sequence[DataCategory],
    purpose: ConsentPurpose,
    consent_id: str,
) -> DataAccessRecord:
    """Append one entry inside the caller's transaction; raises ``_Contended`` on a lost race."""
    entry = chained(
        participant_id=participant_id,
        head=await access_log.head(participant_id),
        at=at,
        accessor_centre_id=accessor_centre_id,
        categories=categories,
        purpose=purpose,
        consent_id=consent_id,
    )
    if not await access_log.append(entry):
        raise _Contended
    return entry


@dataclass(frozen=True)
class Authorisation:
    """A read that a live consent allows: which consent, the granted categories, why, until."""

    consent_id: str
    categories: tuple[DataCategory, ...]
    purpose: ConsentPurpose
    valid_until: datetime


def covering(
    consents: Sequence[ConsentRecord], wanted: Sequence[DataCategory]
) -> tuple[ConsentRecord, tuple[DataCategory, ...]] | None:
    """The consent that grants the most of ``wanted`` (then the longest-lived), and what it
    grants, in the order asked; ``None`` when none grants any."""
    best: tuple[ConsentRecord, tuple[DataCategory, ...]] | None = None
    for consent in consents:
        granted = tuple(category for category in wanted if category in consent.categories)
        if granted and (best is None or len(granted) > len(best[1])):
            best = (consent, granted)
    return best


async def authorise_read(
    deps: Deps,
    participant_id: str,
    accessor_centre_id: str,
    categories: Sequence[DataCategory],
    purpose: ConsentPurpose,
) -> Authorisation | None:
    """Check for a live consent given for ``purpose`` now and, in the same transaction, log the
    read it allows (with that purpose).

    ``None`` (and no entry) when no live consent for ``purpose`` covers any of ``categories``: a
    consent for care continuity never releases records for research. Nothing is cached: a
    revocation counts from the very next call.
    """
    wanted = tuple(dict.fromkeys(categories))
    for _ in range(_APPEND_ATTEMPTS):
        now = deps.clock()
        try:
            async with repository.transaction():
                live = await repository.live_consents([participant_id], accessor_centre_id, now)
                found = covering([c for c in live if c.purpose is purpose], wanted)
                if found is None:
                    return None
                consent, granted = found
                await append_entry(
                    participant_id,
                    at=now,
                    accessor_centre_id=accessor_centre_id,
                    categories=granted,
                    purpose=consent.purpose,
                    consent_id=consent.id,
                )
                return Authorisation(consent.id, granted, consent.purpose, consent.valid_until)
        except _Contended:
            continue
    raise RuntimeError(f"the access log of {participant_id} stayed contended; retry the read")


@dataclass(frozen=True)
class LogPage:
    entries: list[DataAccessRecord]
    has_next_page: bool


def cursor_of(entry: DataAccessRecord) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{entry.seq}".encode()).decode()


_MAX_SEQ = 2**31 - 1  # the seq column is a 32-bit integer


def _seq_of(cursor: str) -> int:
    """The entry a cursor points at; ``BadUserInput`` for anything ``cursor_of`` did not make
    (a negative or too wide number included, which the database would refuse)."""
    text = ""
    if 0 < len(cursor) <= 64:
        try:
            text = base64.urlsafe_b64decode(cursor.encode()).decode()
        except (binascii.Error, UnicodeError, ValueError):
            text = ""
    digits = text.removeprefix(_CURSOR_PREFIX)
    if text.startswith(_CURSOR_PREFIX) and digits.isascii() and digits.isdigit():
        seq = int(digits[:12])
        if len(digits) <= 12 and seq <= _MAX_SEQ:
            return seq
    raise BadUserInput("This cursor is not one this list gave out.")


async def log_page(participant_id: str, first: int | None, after: str | None) -> LogPage:
    """Up to ``first`` entries, newest first, after the entry ``after`` points at."""
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise BadUserInput(f"first must be between 0 and {MAX_PAGE}.")
    before = None if after is None else _seq_of(after)
    found = await access_log.page(participant_id, before, size + 1)
    return LogPage(entries=found[:size], has_next_page=len(found) > size)


@dataclass(frozen=True)
class ChainBreak:
    """One place where a participant's log is not what was written."""

    participant_id: str
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = "head" if self.seq is None else f"entry {self.seq}"
        return f"{self.participant_id} {where}: {self.reason}"


async def verify_chain(participant_id: str) -> list[ChainBreak]:
    """Every break in one participant's log, in storage order; empty when it is intact."""
    breaks: list[ChainBreak] = []
    expected_seq, prev_hash = 0, GENESIS
    for entry in await access_log.chain(participant_id):
        reasons = []
        if entry.seq != expected_seq or entry.prev_hash != prev_hash:
            if entry.seq > expected_seq:
                reasons.append(
                    f"entries {expected_seq} to {entry.seq - 1} are missing here (removed or moved)"
                )
            elif entry.seq < expected_seq:
                reasons.append(f"out of order (expected entry {expected_seq})")
            else:
                reasons.append("does not follow the entry before it (removed or reordered)")
        if entry_hash(entry) != entry.hash:
            reasons.append("edited: its content does not match its hash")
        if reasons:
            breaks.append(ChainBreak(participant_id, entry.seq, "; ".join(reasons)))
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    head = await access_log.head(participant_id)
    if head is None and expected_seq > 0:
        breaks.append(ChainBreak(participant_id, None, "the head of the log was removed"))
    if head is not None and head != (expected_seq - 1, prev_hash):
        breaks.append(
            ChainBreak(
                participant_id,
                None,
                f"the log ends at entry {expected_seq - 1} but entry {head[0]} was written last "
                "(newest entries removed)",
            )
        )
    return breaks


async def participants_with_logs() -> list[str]:
    return await access_log.participants_with_logs()


async def participants_log_is_empty(participant_id: str) -> bool:
    return await access_log.head(participant_id) is None
