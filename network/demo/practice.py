"""The demo network's peer-support practice (idempotent: seeding twice changes nothing).

- every demo facilitator trained (as their ``trainedIn`` lists) and certified for a year, with
  supervision every four weeks, the last twelve days ago;
- at the first centre, one facilitator whose certification ends in three weeks;
- at every centre, a trainee: active listening done, not yet certified, never supervised (so
  every centre has someone in ``supportersNeedingAttention``);
- centre kinds: Nagpur's a residential de-addiction centre, Mumbai's a hospital unit, the rest
  community centres;
- each centre's families-and-carers group run as a community programme with a partner
  organisation (a school, a workplace, a community group).

Concerns in each status are written by ``network.demo.sessions_practice``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from network.demo.consent import demo_staff_id
from network.demo.description import CENTRES, GROUPS, SUPPORTERS
from saathi.ids import stable_id
from saathi.tokens import Role
from services.directory import models
from services.directory import repository as listing
from services.directory.domain.community import save_programme
from services.directory.domain.records import (
    CentreKind,
    PartnerKind,
    Practice,
    ProgrammeRecord,
    Supporter,
    TrainingModule,
)
from services.directory.repository.practice import save_practice

_BY_LABEL = {module.label: module for module in TrainingModule}
# The demo's older names for two modules.
_BY_LABEL.update(
    {
        "recovery planning": TrainingModule.RECOVERY_ORIENTED_PRACTICE,
        "trauma-informed practice": TrainingModule.TRAUMA_INFORMED_CARE,
    }
)
_KINDS = {"Nagpur": CentreKind.RESIDENTIAL, "Mumbai": CentreKind.HOSPITAL_UNIT}
_PARTNERS = (
    ("Families Together", "Sahyadri Parents' Association", PartnerKind.COMMUNITY_GROUP),
    ("Carers at Work", "Deccan Textiles staff welfare cell", PartnerKind.WORKPLACE),
    ("Schools that Care", "Modern High School", PartnerKind.SCHOOL),
)
_TRAINEE_NAMES = ("Tara", "Imran", "Leela", "Jaspreet", "Arjun", "Fatima", "Kavya")


def trainee_id(centre_id: str) -> str:
    return stable_id("sup", f"{centre_id}:trainee")


async def _supporter(
    supporter_id: str,
    centre_id: str,
    trained: list[tuple[TrainingModule, date]],
    certified: tuple[date, date] | None,
    supervised: list[date],
) -> None:
    for module, on in trained:
        await models.TrainingCompletion.get_or_create(
            supporter_id=supporter_id, module=module.value, defaults={"completed_on": on}
        )
    await models.SupporterProfile.get_or_create(
        supporter_id=supporter_id,
        defaults={
            "centre_id": centre_id,
            "languages": ["en", "hi"],
            "certified_on": certified[0] if certified else None,
            "certified_until": certified[1] if certified else None,
            "supervisor_id": demo_staff_id(centre_id, Role.SUPERVISOR) if supervised else None,
        },
    )
    for index, held_on in enumerate(supervised):
        await models.Supervision.get_or_create(
            id=stable_id("spv", f"{supporter_id}:{index}"),
            defaults={
                "supporter_id": supporter_id,
                "centre_id": centre_id,
                "supervisor_id": demo_staff_id(centre_id, Role.SUPERVISOR),
                "held_on": held_on,
                "minutes": 45 + 15 * (index % 2),
                "recorded_at": datetime.combine(held_on, datetime.min.time(), UTC),
            },
        )


async def seed_demo(today: date | None = None) -> None:
    today = today or datetime.now(UTC).date()
    for index, supporter in enumerate(SUPPORTERS):
        trained = [
            (module, today - timedelta(days=400 - 10 * offset))
            for offset, label in enumerate(supporter.trained_in)
            if (module := _BY_LABEL.get(label)) is not None
        ]
        ends = today + timedelta(days=21 if index == 1 else 65 + 20 * index)
        supervised = [today - timedelta(days=12 + 28 * n) for n in range(4)]
        await _supporter(
            supporter.id,
            supporter.centre_id,
            trained,
            (today - timedelta(days=300), ends),
            supervised,
        )
    for index, centre in enumerate(CENTRES):
        trainee = Supporter(
            trainee_id(centre.id),
            centre.id,
            f"{_TRAINEE_NAMES[index % len(_TRAINEE_NAMES)]} ({centre.city}, in training)",
            (TrainingModule.ACTIVE_LISTENING.label,),
        )
        if not (await listing.supporters_by_ids([trainee.id])):
            await listing.save_supporter(trainee)
        await _supporter(
            trainee.id,
            centre.id,
            [(TrainingModule.ACTIVE_LISTENING, today - timedelta(days=20))],
            None,
            [],
        )
        if not await models.CentrePractice.exists(centre_id=centre.id):
            await save_practice(Practice(centre.id, _KINDS.get(centre.city, CentreKind.COMMUNITY)))
        group = next(
            g for g in GROUPS if g.centre_id == centre.id and g.kind == "COMMUNITY_PROGRAMME"
        )
        name, partner, kind = _PARTNERS[index % len(_PARTNERS)]
        await save_programme(
            ProgrammeRecord(
                id=stable_id("prg", centre.id),
                centre_id=centre.id,
                name=f"{name} ({centre.city})",
                description="Peer circles for families and carers, run with a partner in the "
                "community.",
                partner_name=partner,
                partner_kind=kind,
                audience=("FAMILIES",),
                group_ids=(group.id,),
            )
        )
