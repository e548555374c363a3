"""The data-access log: who read a participant's records, when, under which consent.

Each participant's log is a keyed hash chain. Entry ``n`` stores ``prev_hash`` (entry
``n - 1``'s hash, or 64 zeros for the first) and ``hash = HMAC-SHA256(entry key, prev_hash ||
canonical JSON of the entry)``, the key derived from the audit key in the data dir, never in the
database; the participant's head row records the newest ``(seq, hash)``. Editing an entry
changes its hash (and without the key it cannot be recomputed), removing or reordering entries
breaks a ``prev_hash`` link or a ``seq``, so ``verify_chain`` names each.

What the database alone cannot show (the newest entries removed with the head moved back, a
whole log removed with its head) the anchor file does: every append also signs the new head
into it (``services.consent.domain.anchor``), and ``audit_logs`` compares the two. See
docs/access-log.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from saathi.consent_terms import ConsentPurpose, DataCategory
from saathi.service.connections import Page, decode_cursor, encode_cursor, page_of, page_size
from services.consent import repository
from services.consent.domain.anchor import (
    ANCHOR_FILE,
    APPEND,
    ERASE,
    AnchorBreak,
    AnchoredHead,
    line_hash,
    parse_line,
    read_anchors,
)
from services.consent.domain.audit_key import AuditKey
from services.consent.domain.deps import Deps
from services.consent.domain.records import ConsentRecord, DataAccessRecord
from services.consent.repository import access_log

GENESIS = "0" * 64
DEFAULT_PAGE = 20
MAX_PAGE = 100
_APPEND_ATTEMPTS = 5


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


def entry_hash(entry: DataAccessRecord, key: AuditKey) -> str:
    """HMAC-SHA256(entry key, prev_hash || canonical JSON), hex."""
    return key.mac(entry.prev_hash.encode() + canonical(entry))


def chained(
    key: AuditKey,
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
    return DataAccessRecord(**{**draft.__dict__, "hash": entry_hash(draft, key)})


class _Contended(Exception):
    """Another append extended the chain first: roll back and try again."""


async def append_entry(
    deps: Deps,
    participant_id: str,
    *,
    at: datetime,
    accessor_centre_id: str,
    categories: Sequence[DataCategory],
    purpose: ConsentPurpose,
    consent_id: str,
) -> DataAccessRecord:
    """Append one entry inside the caller's transaction and sign the new head into the anchor
    file; raises ``_Contended`` on a lost race.

    The anchor line is on disk before the transaction commits: a read is never served with its
    entry unanchored, and if the line cannot be written the read fails with it.
    """
    audit = deps.audit
    entry = chained(
        audit.key,
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
    await audit.anchor.append(
        audit.key.pseudonym(participant_id),
        event=APPEND,
        seq=entry.seq,
        head=entry.hash,
        at=deps.clock(),
    )
    return entry


async def anchor_erasure(deps: Deps, participant_id: str, last: tuple[int, str] | None) -> None:
    """Sign into the anchor file that the participant's log was erased on their request (inside
    the erasure's transaction), so that its absence afterwards is not a removal."""
    log = deps.audit.key.pseudonym(participant_id)
    if last is None and await deps.audit.anchor.latest(log) is None:
        return  # the anchor never knew this log: nothing to account for
    await deps.audit.anchor.append(
        log,
        event=ERASE,
        seq=None if last is None else last[0],
        head=None if last is None else last[1],
        at=deps.clock(),
    )


async def log_head(participant_id: str) -> tuple[int, str] | None:
    return await access_log.head(participant_id)


async def signed_head(deps: Deps, participant_id: str) -> AnchoredHead | None:
    """The newest head of the participant's log as the consent service signed it into the
    anchor file (not as the database says it is now); ``None`` for an empty log."""
    anchored = await deps.audit.anchor.latest(deps.audit.key.pseudonym(participant_id))
    return anchored if anchored is not None and anchored.event == APPEND else None


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
                    deps,
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


async def log_release(
    deps: Deps,
    consent: ConsentRecord,
    accessor_centre_id: str,
    categories: Sequence[DataCategory],
) -> None:
    """Log a release the caller has already checked ``consent`` for (an aggregate figure built
    from the participant's records), in a transaction of its own, retried like a read."""
    for _ in range(_APPEND_ATTEMPTS):
        try:
            async with repository.transaction():
                await append_entry(
                    deps,
                    consent.participant_id,
                    at=deps.clock(),
                    accessor_centre_id=accessor_centre_id,
                    categories=categories,
                    purpose=consent.purpose,
                    consent_id=consent.id,
                )
                return
        except _Contended:
            continue
    raise RuntimeError(f"the access log of {consent.participant_id} stayed contended; retry")


def cursor_of(entry: DataAccessRecord) -> str:
    return encode_cursor("log", entry.seq)


async def log_page(
    participant_id: str, first: int | None, after: str | None
) -> Page[DataAccessRecord]:
    """Up to ``first`` entries, newest first, after the entry ``after`` points at."""
    size = page_size(first, default=DEFAULT_PAGE, maximum=MAX_PAGE, minimum=0)
    before = None if after is None else int(decode_cursor(after, "log", (int,))[0])
    found = await access_log.page(participant_id, before, size + 1)
    return page_of(found, size, lambda entry: entry, cursor_of)


@dataclass(frozen=True)
class ChainBreak:
    """One place where a participant's log is not what was written."""

    participant_id: str
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = "head" if self.seq is None else f"entry {self.seq}"
        return f"{self.participant_id} {where}: {self.reason}"


async def verify_chain(participant_id: str, key: AuditKey) -> list[ChainBreak]:
    """Every break in one participant's log as the database holds it, in storage order; empty
    when its entries, their keyed hashes, their links and its head row agree."""
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
        if entry_hash(entry, key) != entry.hash:
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


@dataclass
class _Anchored:
    """What the anchor files say about one log: every head signed for it (a ``seq`` signed twice
    means the log was rolled back in between: both are checked), and its newest head, or its
    erasure (participant ids are never reused, so an erased log stays erased)."""

    heads: dict[int, list[AnchoredHead]] = field(default_factory=dict)
    latest: AnchoredHead | None = None


def _by_log(lines: Sequence[AnchoredHead]) -> dict[str, _Anchored]:
    """Lines of several files merge: the newest head is the longest, not the last written."""
    logs: dict[str, _Anchored] = {}
    for line in lines:
        anchored = logs.setdefault(line.log, _Anchored())
        latest = anchored.latest
        if line.event == APPEND and line.seq is not None:
            anchored.heads.setdefault(line.seq, []).append(line)
        if latest is not None and latest.event == ERASE:
            continue
        if line.event == ERASE or latest is None or (line.seq or 0) >= (latest.seq or 0):
            anchored.latest = line
    return logs


async def _against_anchor(participant_id: str, anchored: _Anchored | None) -> list[ChainBreak]:
    """Where the database's log differs from what the anchor file signed about it."""
    entries = {entry.seq: entry.hash for entry in await access_log.chain(participant_id)}
    newest = max(entries, default=-1)
    latest = None if anchored is None else anchored.latest
    if anchored is None or latest is None:
        return [
            ChainBreak(
                participant_id,
                None,
                "no line of the anchor file signs this log (written around the consent service, "
                "or the anchor file was cut short)",
            )
        ]
    if latest.event == ERASE:
        return [
            ChainBreak(
                participant_id,
                None,
                f"the log was erased (anchor line {latest.line}) but has entries in the database",
            )
        ]
    breaks = [
        ChainBreak(
            participant_id,
            seq,
            f"differs from the entry the anchor signed at line {line.line} (rewritten)",
        )
        for seq, lines in sorted(anchored.heads.items())
        for line in lines
        if seq in entries and entries[seq] != line.head
    ]
    assert latest.seq is not None
    if newest < latest.seq:
        held = "has no entries" if newest < 0 else f"ends at entry {newest}"
        breaks.append(
            ChainBreak(
                participant_id,
                None,
                f"the log {held} but the anchor signed entry {latest.seq} as its newest "
                "(entries removed)",
            )
        )
    elif newest > latest.seq:
        breaks.append(
            ChainBreak(
                participant_id,
                None,
                f"entries {latest.seq + 1} to {newest} were never signed into the anchor file "
                "(written around the consent service, or the anchor file was cut short)",
            )
        )
    return breaks


@dataclass(frozen=True)
class LogAudit:
    """The outcome of auditing every log against the anchor files: how many logs, and the
    length and last line's hash of this data dir's own anchor file (to write down elsewhere)."""

    checked: int
    anchor_lines: int
    anchor_tail: str
    breaks: list[ChainBreak | AnchorBreak]


async def audit_logs(key: AuditKey, anchor_lines: Sequence[AnchoredHead]) -> list[ChainBreak]:
    """Every break in every participant's log, in the database and against the anchor's lines:
    per participant (sorted) their chain's breaks then the anchor's, then every log the anchor
    knows that the database lost, named by participant id when the participant row is left,
    else by its pseudonym."""
    logs = _by_log(anchor_lines)
    breaks: list[ChainBreak] = []
    seen: set[str] = set()
    for participant_id in await access_log.participants_with_logs():
        log = key.pseudonym(participant_id)
        seen.add(log)
        breaks += await verify_chain(participant_id, key)
        breaks += await _against_anchor(participant_id, logs.get(log))
    names = {key.pseudonym(pid): pid for pid in await access_log.participant_ids()}
    for log, anchored in sorted(logs.items()):
        latest = anchored.latest
        if log in seen or latest is None or latest.event == ERASE:
            continue
        breaks.append(
            ChainBreak(
                names.get(log, log),
                None,
                f"the anchor signed entry {latest.seq} as its newest but the whole log is gone "
                "(entries removed)",
            )
        )
    return breaks


async def audit(key: AuditKey, data_dir: Path) -> LogAudit:
    """Audit the data dir's anchor files themselves, then every log against them."""
    lines, anchor_breaks = read_anchors(data_dir, key)
    breaks: list[ChainBreak | AnchorBreak] = [*anchor_breaks]
    breaks += await audit_logs(key, lines)
    checked = len(await access_log.participants_with_logs())
    own = [line for line in lines if line.file == ANCHOR_FILE]
    tail = line_hash(own[-1].token) if own else GENESIS
    return LogAudit(checked, len(own), tail, breaks)


async def check_held_head(key: AuditKey, data_dir: Path, token: str) -> list[str]:
    """Why a signed head a participant kept shows their log was rewritten since (empty when the
    anchor and the database still hold what it signed). Raises ``LineInvalid`` when it is not
    a head this key signed."""
    held = parse_line(key, token)
    lines, _ = read_anchors(data_dir, key)
    problems = []
    if not any(line.line == held.line and line.token == token for line in lines):
        problems.append(
            f"the anchor file no longer holds line {held.line} that was signed "
            "(cut short or rewritten)"
        )
    if held.event == APPEND and held.seq is not None:
        latest = _by_log(lines).get(held.log)
        erased = latest is not None and latest.latest is not None and latest.latest.event == ERASE
        names = {key.pseudonym(pid): pid for pid in await access_log.participants_with_logs()}
        participant_id = names.get(held.log)
        entries = (
            {}
            if participant_id is None
            else {entry.seq: entry.hash for entry in await access_log.chain(participant_id)}
        )
        if not erased and entries.get(held.seq) != held.head:
            problems.append(
                f"the log no longer holds entry {held.seq} as it was signed (removed or rewritten)"
            )
    return problems


async def participants_with_logs() -> list[str]:
    return await access_log.participants_with_logs()


async def participants_log_is_empty(participant_id: str) -> bool:
    return await access_log.head(participant_id) is None
