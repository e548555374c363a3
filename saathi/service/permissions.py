"""Who may resolve a field: the checks both GraphQL flavours and the internal API declare.

Each raises the kernel's error itself, so a refusal goes out like any other expected error:
``UNAUTHENTICATED`` without a (valid) token, ``FORBIDDEN`` with one that may not do this. The
strawberry permission classes (``saathi.service.strawberry``), the graphene field wrappers
(``saathi.service.graphene``) and the internal endpoints (``saathi.service.internal``) are
thin adapters over these functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from saathi.auth import Viewer
from saathi.errors import Forbidden
from saathi.service_trust import ServiceTrust
from saathi.tokens import Principal, Role

STAFF_ROLES = (Role.FACILITATOR, Role.CENTRE_ADMIN, Role.SUPERVISOR)
OTHER_CENTRE = "These records belong to another centre."
NOT_SELF = "Only the participant themselves may read this."


class HasViewer(Protocol):
    """What a request context must carry for the permissions: the caller."""

    @property
    def viewer(self) -> Viewer: ...


def participant(viewer: Viewer) -> Principal:
    """A signed-in participant; staff and partner tokens are ``FORBIDDEN``."""
    return viewer.participant()


def the_participant(viewer: Viewer, owner_id: object) -> Principal:
    """The participant ``owner_id`` names, and no one else (their own records)."""
    principal = viewer.participant()
    if owner_id is None or principal.subject != str(owner_id):
        raise Forbidden(NOT_SELF)
    return principal


def same_centre(centre_id: str | None, holder: str, message: str = OTHER_CENTRE) -> None:
    """Staff and partners act on their own centre's records alone (``message`` may say which
    records, where the field knows)."""
    if centre_id != holder:
        raise Forbidden(message)


def acts_for(viewer: Viewer, roles: Iterable[Role] = (), centre_id: str | None = None) -> Principal:
    """A token of one of ``roles`` (any staff role when none), bound to ``centre_id`` when
    the field names a centre: another centre's records are ``FORBIDDEN``."""
    principal = viewer.staff(*roles)
    if centre_id is not None:
        same_centre(principal.centre_id, centre_id)
    return principal


def service_caller(trust: ServiceTrust, token: str | None, callers: Iterable[str]) -> str:
    """The component whose service token this is, when it is one of ``callers``: one
    compromised component cannot reach an endpoint meant for another."""
    caller = trust.caller(token)
    if caller not in frozenset(callers):
        raise Forbidden(f"The {caller} service may not call this endpoint.")
    return caller
