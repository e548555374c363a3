"""Queries on partner systems and the client assertions they have spent."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError

from services.consent import models
from services.consent.domain.records import PartnerRecord


async def add_partner(
    *, partner_id: str, centre_id: str, public_key_pem: str, now: datetime
) -> PartnerRecord:
    await models.Partner.create(
        id=partner_id, centre_id=centre_id, public_key_pem=public_key_pem, created_at=now
    )
    return PartnerRecord(id=partner_id, centre_id=centre_id, public_key_pem=public_key_pem)


async def partner_by_id(partner_id: str) -> PartnerRecord | None:
    row = await models.Partner.get_or_none(id=partner_id)
    if row is None:
        return None
    return PartnerRecord(id=row.id, centre_id=row.centre_id, public_key_pem=row.public_key_pem)


async def spend_assertion(key: str, expires_at: datetime, now: datetime) -> bool:
    """Record an assertion's ``jti``; ``False`` when it was seen before (a replay)."""
    await models.SeenAssertion.filter(expires_at__lte=now).delete()
    try:
        await models.SeenAssertion.create(key=key, expires_at=expires_at)
    except IntegrityError:
        return False
    return True
