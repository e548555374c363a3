"""``POST /internal/staff/notify``: tell a centre's staff of some roles something through the
delivery channel (a concern for its supervisors, supporters needing attention for its admins).

``{centreId, roles, kind, message}`` → ``{delivered}``; directory and sessions, by their service
tokens. Staff hold no contact in this database: the embedded outbox addresses the line to the
staff id, which the centre's own tools read. The senders put no personal data in the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.routing import Route

from saathi import internal
from saathi.errors import BadUserInput
from saathi.service_trust import ServiceTrust
from saathi.tokens import Role
from services.consent import models
from services.consent.domain.deps import Deps

MAX_MESSAGE = 1000
CALLERS = ("directory", "sessions")


def _roles(body: internal.Body) -> list[str]:
    names = internal.strings(body, "roles", max_items=3)
    try:
        roles = [Role(name) for name in names]
    except ValueError:
        raise BadUserInput("roles must be staff roles.") from None
    if not roles or not all(role.is_staff for role in roles):
        raise BadUserInput("roles must be staff roles.")
    return [role.value for role in roles]


def routes(deps: Deps, trust: ServiceTrust) -> list[Route]:
    async def tell_staff(body: internal.Body) -> Mapping[str, Any]:
        centre_id = internal.an_id(body, "centreId", "ctr")
        roles = _roles(body)
        kind = internal.text(body, "kind", max_length=64)
        message = internal.text(body, "message", max_length=MAX_MESSAGE)
        staff = await models.Staff.filter(centre_id=centre_id, role__in=roles).order_by("id")
        now = deps.clock()
        for member in staff:
            await deps.delivery.send_message(to=member.id, kind=kind, message=message, at=now)
        return {"delivered": len(staff)}

    return [
        Route(
            "/internal/staff/notify",
            internal.internal_endpoint(trust, CALLERS, tell_staff),
            methods=["POST"],
        )
    ]
