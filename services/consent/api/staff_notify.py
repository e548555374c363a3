"""``POST /internal/staff/notify`` (``contracts.STAFF_NOTIFY``; directory and sessions): tell a
centre's staff of some roles something through the delivery channel. The senders put no
personal data in the message."""

from __future__ import annotations

from starlette.routing import Route

from saathi.errors import BadUserInput
from saathi.service.internal import contracts as api
from saathi.service.internal.server import route
from saathi.service_trust import ServiceTrust
from saathi.tokens import Role
from services.consent.domain.deps import Deps
from services.consent.domain.notify import notify_staff


def _roles(names: list[str]) -> list[Role]:
    try:
        roles = [Role(name) for name in names]
    except ValueError:
        raise BadUserInput("roles must be staff roles.") from None
    if not all(role.is_staff for role in roles):
        raise BadUserInput("roles must be staff roles.")
    return roles


def routes(deps: Deps, trust: ServiceTrust) -> list[Route]:
    async def tell_staff(request: api.StaffNotifyRequest) -> api.StaffNotified:
        delivered = await notify_staff(
            deps, request.centre_id, _roles(request.roles), request.kind, request.message
        )
        return api.StaffNotified(delivered=delivered)

    return [route(trust, api.STAFF_NOTIFY, tell_staff)]
