"""Strawberry permission classes over ``saathi.service.permissions``.

Declared on the field (``permission_classes``, or inside ``mutation`` for mutations); each
raises the kernel error itself, so the code and message are the same in every subgraph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.permission import BasePermission

from saathi.service import permissions
from saathi.service.permissions import HasViewer
from saathi.tokens import Role

CentreOf = Callable[[Any, dict[str, Any]], str]
"""Which centre a field is about, from its parent object and its arguments."""


class IsParticipant(BasePermission):
    """A signed-in participant; no token is ``UNAUTHENTICATED``, staff are ``FORBIDDEN``."""

    message = "Only a participant may do this."

    def has_permission(self, source: Any, info: strawberry.Info[HasViewer], **kwargs: Any) -> bool:
        permissions.participant(info.context.viewer)
        return True


class IsSelf(BasePermission):
    """The participant the parent object is: their own records, no one else's."""

    message = permissions.NOT_SELF

    def has_permission(self, source: Any, info: strawberry.Info[HasViewer], **kwargs: Any) -> bool:
        permissions.the_participant(info.context.viewer, getattr(source, "id", None))
        return True


class ActsFor(BasePermission):
    """A token of one of ``roles``, bound to the centre the field is about when ``centre``
    names it: another centre's records are ``FORBIDDEN``, anonymous is ``UNAUTHENTICATED``.

    Fields that find their centre only by reading a record (a session by id) check the role
    here and the centre in the domain, once the record is read.
    """

    message = "Your role may not do this."

    def __init__(self, *roles: Role, centre: CentreOf | None = None) -> None:
        super().__init__()
        self.roles = roles or permissions.STAFF_ROLES
        self.centre = centre

    def has_permission(self, source: Any, info: strawberry.Info[HasViewer], **kwargs: Any) -> bool:
        centre_id = None if self.centre is None else self.centre(source, kwargs)
        permissions.acts_for(info.context.viewer, self.roles, centre_id)
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
