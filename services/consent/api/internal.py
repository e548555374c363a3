"""Consent's internal endpoints (``saathi.service.internal.contracts``; docs/internal-api.md).

``POST /internal/consents/authorise-read`` (sessions) checks for a live consent given for the
purpose the reader names and logs the read with it (with the participant's check-ins and goals
when it grants WELLBEING or GOALS); ``POST /internal/wellbeing/programme-change`` (sessions)
answers each group's average WHO-5 change from consenting attendees, withheld below 11;
``POST /internal/notify`` (sessions) tells participants something through the delivery
channel; ``POST /internal/tokens/check`` (the gateway) says whether a verified access token's
sign-in is still live.
"""

from __future__ import annotations

from starlette.routing import Route

from saathi.consent_terms import ConsentPurpose, DataCategory
from saathi.errors import BadUserInput
from saathi.service.internal import contracts as api
from saathi.service.internal.server import route
from saathi.service_trust import ServiceTrust
from saathi.tokens import Role
from services.consent.domain.access_log import authorise_read
from services.consent.domain.deps import Deps
from services.consent.domain.evaluation import who5_changes
from services.consent.domain.login_sessions import token_is_live
from services.consent.domain.notify import notify
from services.consent.domain.outcomes import released


def _categories(names: list[str]) -> list[DataCategory]:
    try:
        return [DataCategory(name) for name in names]
    except ValueError:
        raise BadUserInput(
            f"categories must be among {', '.join(c.value for c in DataCategory)}."
        ) from None


def _purpose(value: str) -> ConsentPurpose:
    try:
        return ConsentPurpose(value)
    except ValueError:
        raise BadUserInput(
            f"purpose must be one of {', '.join(p.value for p in ConsentPurpose)}."
        ) from None


def routes(deps: Deps, trust: ServiceTrust) -> list[Route]:
    async def authorise(request: api.AuthoriseReadRequest) -> api.ReadAuthorised:
        allowed = await authorise_read(
            deps,
            request.participant_id,
            request.accessor_centre_id,
            _categories(request.categories),
            _purpose(request.purpose),
        )
        if allowed is None:
            return api.ReadAuthorised(consent_id=None, categories=[])
        wellbeing, goals = await released(deps, request.participant_id, allowed.categories)
        return api.ReadAuthorised(
            consent_id=allowed.consent_id,
            categories=[category.value for category in allowed.categories],
            purpose=allowed.purpose.value,
            valid_until=allowed.valid_until.isoformat(),
            wellbeing=wellbeing,
            goals=goals,
        )

    async def programme_change(request: api.ProgrammeChangeRequest) -> api.ProgrammeChanges:
        if request.start.tzinfo is None or request.end.tzinfo is None:
            raise BadUserInput("start and end must carry a UTC offset.")
        changes = await who5_changes(
            deps,
            request.centre_id,
            request.start,
            request.end,
            {group.group_id: group.participant_ids for group in request.groups},
        )
        return api.ProgrammeChanges(
            groups=[
                api.GroupChange(
                    group_id=change.group_id,
                    suppressed=change.suppressed,
                    average_who5_change=change.average_change,
                )
                for change in changes
            ]
        )

    async def tell(request: api.NotifyRequest) -> api.Notified:
        done = await notify(deps, request.participant_ids, request.kind, request.message)
        return api.Notified(delivered=done.delivered, skipped=done.skipped)

    async def check_token(request: api.TokenCheckRequest) -> api.TokenLive:
        try:
            role = Role(request.role)
        except ValueError:
            raise BadUserInput("role is not a known role.") from None
        live = await token_is_live(request.subject, role, request.session_id, request.supporter_id)
        return api.TokenLive(live=live)

    return [
        route(trust, api.TOKENS_CHECK, check_token),
        route(trust, api.AUTHORISE_READ, authorise),
        route(trust, api.NOTIFY, tell),
        route(trust, api.PROGRAMME_CHANGE, programme_change),
    ]
