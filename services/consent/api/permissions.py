"""The one field permission that is consent's own; the rest are the toolkit's
(``saathi.service.strawberry``: ``IsParticipant``, ``IsSelf``, ``ActsFor``).

A permission raises the kernel error itself, so the caller gets ``UNAUTHENTICATED`` without a
token (or with a bad one) and ``FORBIDDEN`` with a token that may not read the field.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission

from saathi.errors import Forbidden
from services.consent.api.context import Context


class IsSelfOrStaffWhoMaySee(BasePermission):
    """The participant themselves, or staff of a centre where they booked or to which a live
    consent covers PROFILE (decided for the whole request in one batch)."""

    message = "Only the participant, or staff of a centre they booked at, may read this."

    async def has_permission(
        self, source: Any, info: strawberry.Info[Context], **kwargs: Any
    ) -> bool:
        principal = info.context.viewer.required()
        participant_id = getattr(source, "id", None)
        if principal.is_participant:
            if principal.subject != participant_id:
                raise Forbidden(self.message)
            return True
        if principal.role.is_staff and principal.centre_id and participant_id:
            key = (principal.centre_id, str(participant_id))
            if await info.context.loaders.visibility.load(key):
                return True
        raise Forbidden(self.message)
