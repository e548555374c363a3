"""Every query of the practice records. Rows leave as ``records`` values, never ORM objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.functions import Max
from tortoise.transactions import in_transaction

from saathi.ids import storable
from services.directory import models
from services.directory.domain.records import (
    AttentionNoticeRecord,
    CentreKind,
    Practice,
    Profile,
    SupervisionRecord,
    Training,
    TrainingModule,
)
from services.directory.models import PeerSupporter as SupporterRow

CONNECTION = "directory"


async def profiles(supporter_ids: Sequence[str]) -> dict[str, Profile]:
    """The practice record of each supporter listed in the directory (three queries in all);
    a supporter with no practice row yet has an empty one."""
    wanted = storable(supporter_ids)
    listed = await SupporterRow.filter(id__in=wanted).values("id", "centre_id")
    rows = {
        row.supporter_id: row
        for row in await models.SupporterProfile.filter(supporter_id__in=wanted)
    }
    training: dict[str, list[Training]] = {}
    for done in await models.TrainingCompletion.filter(supporter_id__in=wanted).order_by("module"):
        training.setdefault(done.supporter_id, []).append(
            Training(TrainingModule(done.module), done.completed_on)
        )
    last = {
        str(row["supporter_id"]): row["last"]
        for row in await models.Supervision.filter(supporter_id__in=wanted)
        .group_by("supporter_id")
        .annotate(last=Max("held_on"))
        .values("supporter_id", "last")
    }
    found: dict[str, Profile] = {}
    for listing in listed:
        supporter_id, centre_id = str(listing["id"]), str(listing["centre_id"])
        row = rows.get(supporter_id)
        found[supporter_id] = Profile(
            supporter_id=supporter_id,
            centre_id=centre_id,
            languages=tuple(row.languages) if row else (),
            statement_sealed=bytes(row.statement_sealed) if row and row.statement_sealed else None,
            certified_on=row.certified_on if row else None,
            certified_until=row.certified_until if row else None,
            supervisor_id=row.supervisor_id if row else None,
            training=tuple(training.get(supporter_id, ())),
            last_supervised_on=_as_date(last.get(supporter_id)),
        )
    return found


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite answers an aggregate as text


async def supporter_ids_of_centres(centre_ids: Sequence[str]) -> dict[str, list[str]]:
    """The ids of each centre's supporters, by name then id (one query); centres without any
    are left out."""
    rows = await (
        SupporterRow.filter(centre_id__in=storable(centre_ids))
        .order_by("display_name", "id")
        .values_list("centre_id", "id")
    )
    found: dict[str, list[str]] = {}
    for centre_id, supporter_id in rows:
        found.setdefault(str(centre_id), []).append(str(supporter_id))
    return found


async def centres_noticed(week: str) -> set[str]:
    """The centres whose notice for ``week`` is queued already (sent or not)."""
    rows = await models.AttentionNotice.filter(week=week).values_list("centre_id", flat=True)
    return {str(centre_id) for centre_id in rows}


async def supporters_of_centre(centre_id: str) -> list[tuple[str, str]]:
    """``(id, display name)`` of the centre's supporters, by name then id."""
    rows = await SupporterRow.filter(centre_id=centre_id).order_by("display_name", "id")
    return [(row.id, row.display_name) for row in rows]


async def save_profile(
    supporter_id: str,
    centre_id: str,
    *,
    languages: Sequence[str] | None = None,
    statement_sealed: bytes | None = None,
    certified: tuple[date, date] | None = None,
    supervisor_id: str | None = None,
) -> None:
    """Create the supporter's practice row if needed and set the values given."""
    row, _ = await models.SupporterProfile.get_or_create(
        supporter_id=supporter_id, defaults={"centre_id": centre_id}
    )
    if languages is not None:
        row.languages = list(languages)
    if statement_sealed is not None:
        row.statement_sealed = statement_sealed
    if certified is not None:
        row.certified_on, row.certified_until = certified
    if supervisor_id is not None:
        row.supervisor_id = supervisor_id
    await row.save()


async def record_training(
    supporter_id: str, module: TrainingModule, completed_on: date, label: str
) -> None:
    """Store the completion (a later one replaces an earlier) and add the module's label to the
    supporter's public ``trainedIn`` list, in one transaction."""
    async with in_transaction(CONNECTION):
        await models.TrainingCompletion.update_or_create(
            supporter_id=supporter_id,
            module=module.value,
            defaults={"completed_on": completed_on},
        )
        listing = await SupporterRow.get(id=supporter_id)
        if label not in listing.trained_in:
            listing.trained_in = [*listing.trained_in, label]
            await listing.save(update_fields=["trained_in"])


async def add_supervision(record: SupervisionRecord, at: datetime) -> None:
    async with in_transaction(CONNECTION):
        await models.Supervision.create(
            id=record.id,
            supporter_id=record.supporter_id,
            centre_id=record.centre_id,
            supervisor_id=record.supervisor_id,
            held_on=record.held_on,
            minutes=record.minutes,
            notes_sealed=record.notes_sealed,
            recorded_at=at,
        )
        await save_profile(
            record.supporter_id, record.centre_id, supervisor_id=record.supervisor_id
        )


async def supervisions(supporter_id: str) -> list[SupervisionRecord]:
    rows = await models.Supervision.filter(supporter_id=supporter_id).order_by("-held_on", "-id")
    return [
        SupervisionRecord(
            id=row.id,
            supporter_id=row.supporter_id,
            centre_id=row.centre_id,
            supervisor_id=row.supervisor_id,
            held_on=row.held_on,
            minutes=row.minutes,
            notes_sealed=bytes(row.notes_sealed) if row.notes_sealed else None,
        )
        for row in rows
    ]


async def practices(centre_ids: Sequence[str]) -> dict[str, Practice]:
    """Each centre's practice; a centre without a row gets the defaults."""
    wanted = storable(centre_ids)
    rows = {r.centre_id: r for r in await models.CentrePractice.filter(centre_id__in=wanted)}
    return {
        centre_id: (
            Practice(
                centre_id,
                CentreKind(row.kind),
                row.code_of_conduct,
                row.supervision_interval_days,
            )
            if (row := rows.get(centre_id))
            else Practice(centre_id)
        )
        for centre_id in wanted
    }


async def save_practice(practice: Practice) -> None:
    await models.CentrePractice.update_or_create(
        centre_id=practice.centre_id,
        defaults={
            "kind": practice.kind.value,
            "code_of_conduct": practice.code_of_conduct,
            "supervision_interval_days": practice.supervision_interval_days,
        },
    )


async def centre_ids_of_kind(kind: CentreKind) -> set[str]:
    """Centres of ``kind``; a centre without a practice row is ``COMMUNITY``."""
    rows = await models.CentrePractice.all().values("centre_id", "kind")
    stated = {str(r["centre_id"]): str(r["kind"]) for r in rows}
    if kind is not CentreKind.COMMUNITY:
        return {c for c, k in stated.items() if k == kind.value}
    from services.directory.models import Centre as CentreRow

    every = await CentreRow.all().values_list("id", flat=True)
    return {str(c) for c in every if stated.get(str(c), CentreKind.COMMUNITY.value) == kind.value}


async def queue_attention_notice(centre_id: str, week: str, message: str, at: datetime) -> bool:
    """Queue the centre's notice for ``week``; ``False`` when it already was (by this replica
    or another: the pair is unique)."""
    if await models.AttentionNotice.exists(centre_id=centre_id, week=week):
        return False
    try:
        await models.AttentionNotice.create(
            centre_id=centre_id, week=week, message=message, queued_at=at
        )
    except IntegrityError:  # another replica queued it in between
        return False
    return True


def _notice(row: models.AttentionNotice) -> AttentionNoticeRecord:
    return AttentionNoticeRecord(row.id, row.centre_id, row.week, row.message, row.attempts)


async def pending_attention_notices(now: datetime, limit: int) -> list[AttentionNoticeRecord]:
    """Notices not sent and not claimed by a live sender, oldest first."""
    rows = (
        await models.AttentionNotice.filter(sent_at=None)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .order_by("id")
        .limit(limit)
    )
    return [_notice(row) for row in rows]


async def claim_attention_notice(notice_id: int, now: datetime, until: datetime) -> bool:
    """Take the notice to send it until ``until``; ``False`` when it is sent or another sender
    holds it (one conditional update: two replicas never both win)."""
    taken = (
        await models.AttentionNotice.filter(id=notice_id, sent_at=None)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(claimed_until=until)
    )
    return bool(taken)


async def attention_notice_sent(notice_id: int, at: datetime) -> None:
    await models.AttentionNotice.filter(id=notice_id).update(sent_at=at, claimed_until=None)


async def attention_notice_failed(notice_id: int, error: str) -> None:
    await models.AttentionNotice.filter(id=notice_id).update(
        attempts=F("attempts") + 1, last_error=error[:500], claimed_until=None
    )


async def centres_with_supporters() -> list[str]:
    rows = await SupporterRow.all().distinct().values_list("centre_id", flat=True)
    return sorted({str(c) for c in rows})


async def mentoring_group_ids() -> list[str]:
    """Every MENTORING group with a facilitator."""
    from services.directory.models import PeerGroup as GroupRow

    ids = await GroupRow.filter(kind="MENTORING", facilitator_id__not_isnull=True).values_list(
        "id", flat=True
    )
    return sorted(str(i) for i in ids)


async def mentoring_group_ids_of(supporter_id: str, centre_id: str) -> list[str]:
    """The MENTORING groups of ``centre_id`` that ``supporter_id`` facilitates, when the
    supporter is of that centre (none otherwise)."""
    from services.directory.models import PeerGroup as GroupRow

    if not await SupporterRow.filter(id=supporter_id, centre_id=centre_id).exists():
        return []
    ids = await GroupRow.filter(
        kind="MENTORING", facilitator_id=supporter_id, centre_id=centre_id
    ).values_list("id", flat=True)
    return sorted(str(i) for i in ids)


async def residents_only_ids() -> frozenset[str]:
    """The groups left out of public search (a small table: read whole)."""
    rows = await models.ResidentsOnly.all().values_list("group_id", flat=True)
    return frozenset(str(r) for r in rows)


async def set_residents_only(group_id: str, centre_id: str, residents_only: bool) -> None:
    if residents_only:
        await models.ResidentsOnly.update_or_create(
            group_id=group_id, defaults={"centre_id": centre_id}
        )
    else:
        await models.ResidentsOnly.filter(group_id=group_id).delete()
