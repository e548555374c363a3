"""Who may resolve a field, declared on the field (strawberry ``permission_classes``).

A refusal raises the kernel's ``Unauthenticated`` or ``Forbidden``, so it goes out with the same
code and message as any other expected error (a GraphQL error on queries, the payload's
``error`` on mutations).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.permission import BasePermission

from saathi.errors import Forbidden
from saathi.tokens import Role
from services.sessions.api.context import Context
from services.sessions.domain.staff import check_centre

STAFF = (Role.FACILITATOR, Role.CENTRE_ADMIN, Role.SUPERVISOR)

CentreOf = Callable[[Any, dict[str, Any]], str]
"""Which centre a field is about, from its parent object and its arguments."""


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


class ActsFor(BasePermission):
    """A token of one of ``roles``, bound to the centre the field is about (when ``centre``
    names it): another centre's records are ``FORBIDDEN``, anonymous is ``UNAUTHENTICATED``.

    Fields that find their centre only by reading a record (a session by id) check the role
    here and the centre in the domain, once the record is read.
    """

    message = "Your role may not do this."

    def __init__(self, *roles: Role, centre: CentreOf | None = None) -> None:
        super().__init__()
        self.roles = roles
        self.centre = centre

    def has_permission(self, source: Any, info: strawberry.Info[Context], **kwargs: Any) -> bool:
        principal = info.context.viewer.required()
        if principal.role not in self.roles:
            raise Forbidden(self.message)
        if self.centre is not None:
            check_centre(principal.centre_id, self.centre(source, kwargs))
        return True


def parent_id(source: Any, kwargs: dict[str, Any]) -> str:
    """The centre is the parent object (``Centre.sessions``)."""
    return str(source.id)


def parent_centre(source: Any, kwargs: dict[str, Any]) -> str:
    """The centre that holds the parent record (``Session.bookings``)."""
    return str(source.centre_id)


def centre_argument(source: Any, kwargs: dict[str, Any]) -> str:
    """The centre named by the ``centreId`` argument (``programmeReport``)."""
    return str(kwargs["centre_id"])
