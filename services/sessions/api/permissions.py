"""Who may resolve a field, declared on the field (strawberry ``permission_classes``).

A refusal raises the kernel's ``Unauthenticated`` or ``Forbidden``, so it goes out with the same
code and message as any other expected error (a GraphQL error on queries, the payload's
``error`` on mutations).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission

from saathi.errors import Forbidden
from services.sessions.api.context import Context


class IsParticipant(BasePermission):
    """A signed-in participant; no token is ``UNAUTHENTICATED``, staff are ``FORBIDDEN``."""

    message = "Only a signed-in participant may do this."

    def has_permission(self, source: Any, info: strawberry.Info[Context], **kwargs: Any) -> bool:
        info.context.viewer.participant()
        return True


class IsSelf(BasePermission):
    """The participant the parent object is: a participant's bookings are theirs alone."""

    message = "Only the participant themselves may read this."

    def has_permission(self, source: Any, info: strawberry.Info[Context], **kwargs: Any) -> bool:
        principal = info.context.viewer.participant()
        if principal.subject != str(source.id):
            raise Forbidden(self.message)
        return True
