"""Queries on the hash-chained data-access log and its per-participant heads."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from saathi.consent_terms import ConsentPurpose, DataCategory
from services.consent import models
from services.consent.domain.records import DataAccessRecord


def _entry(row: models.DataAccess) -> DataAccessRecord:
    assert isinstance(row.categories, list)
    return DataAccessRecord(
        participant_id=row.participant_id,
        seq=row.seq,
        at=row.at,
        accessor_centre_id=row.accessor_centre_id,
        categories=tuple(DataCategory(value) for value in row.categories),
        purpose=ConsentPurpose(row.purpose),
        consent_id=row.consent_id,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


async def head(participant_id: str) -> tuple[int, str] | None:
    """(seq, hash) of the participant's newest entry, or ``None`` for an empty log."""
    row = await models.DataAccessHead.get_or_none(participant_id=participant_id)
    return None if row is None else (row.seq, row.hash)


async def append(entry: DataAccessRecord) -> bool:
    """Store ``entry`` and move the head to it; ``False`` when another append won the race.

    The head moves by a conditional update (or a first insert) and ``(participant, seq)`` is
    unique, so two concurrent appends cannot both extend the same entry.
    """
    try:
        if entry.seq == 0:
            await models.DataAccessHead.create(
                participant_id=entry.participant_id, seq=0, hash=entry.hash
            )
        else:
            moved = await models.DataAccessHead.filter(
                participant_id=entry.participant_id, seq=entry.seq - 1, hash=entry.prev_hash
            ).update(seq=entry.seq, hash=entry.hash)
            if moved != 1:
                return False
        await models.DataAccess.create(
            participant_id=entry.participant_id,
            seq=entry.seq,
            at=entry.at,
            accessor_centre_id=entry.accessor_centre_id,
            categories=[category.value for category in entry.categories],
            purpose=entry.purpose.value,
            consent_id=entry.consent_id,
            prev_hash=entry.prev_hash,
            hash=entry.hash,
        )
    except IntegrityError:
        return False
    return True


async def page(participant_id: str, before_seq: int | None, limit: int) -> list[DataAccessRecord]:
    """Up to ``limit`` entries, newest first, older than ``before_seq`` when given."""
    query = models.DataAccess.filter(participant_id=participant_id)
    if before_seq is not None:
        query = query.filter(seq__lt=before_seq)
    rows = await query.order_by("-seq").limit(limit)
    return [_entry(row) for row in rows]


async def chain(participant_id: str) -> list[DataAccessRecord]:
    """Every entry of one participant's log in storage order (row id), oldest first."""
    rows = await models.DataAccess.filter(participant_id=participant_id).order_by("id")
    return [_entry(row) for row in rows]


async def participants_with_logs() -> list[str]:
    """Every participant with a log entry or a head, sorted."""
    entries = await models.DataAccess.all().distinct().values_list("participant_id", flat=True)
    heads = await models.DataAccessHead.all().values_list("participant_id", flat=True)
    return sorted({str(value) for value in [*entries, *heads]})


async def participant_ids() -> list[str]:
    """Every participant's id (to name a log the anchor file knows by its pseudonym)."""
    ids = await models.Participant.all().values_list("id", flat=True)
    return [str(value) for value in ids]
