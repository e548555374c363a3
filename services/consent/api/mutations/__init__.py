"""Root mutation fields, one module each."""

from __future__ import annotations

import strawberry

from services.consent.api.mutations.delete_my_account import delete_my_account
from services.consent.api.mutations.grant_consent import grant_consent
from services.consent.api.mutations.record_wellbeing_checkin import record_wellbeing_checkin
from services.consent.api.mutations.refresh_session import refresh_session
from services.consent.api.mutations.request_consent import request_consent
from services.consent.api.mutations.request_login_code import request_login_code
from services.consent.api.mutations.respond_to_consent_request import (
    respond_to_consent_request,
)
from services.consent.api.mutations.revoke_consent import revoke_consent
from services.consent.api.mutations.set_goal import set_goal
from services.consent.api.mutations.sign_out import sign_out
from services.consent.api.mutations.update_goal_progress import update_goal_progress
from services.consent.api.mutations.verify_login_code import verify_login_code


@strawberry.type
class Mutation:
    request_login_code = strawberry.mutation(
        resolver=request_login_code,
        description="Send a one-time sign-in code to a phone number (E.164) or e-mail address.",
    )
    verify_login_code = strawberry.mutation(
        resolver=verify_login_code,
        description="Sign in (or sign up, the first time) with the code that was sent.",
    )
    refresh_session = strawberry.mutation(
        resolver=refresh_session,
        description="Trade a refresh token for new tokens; the old refresh token is spent.",
    )
    sign_out = strawberry.mutation(
        resolver=sign_out,
        description="End this sign-in: its access and refresh tokens stop working at once.",
    )
    grant_consent = strawberry.mutation(
        resolver=grant_consent,
        description="Let a centre read categories of my records, for a purpose, until a time.",
    )
    respond_to_consent_request = strawberry.mutation(
        resolver=respond_to_consent_request,
        description="Approve or deny a centre's pending request for a consent.",
    )
    revoke_consent = strawberry.mutation(
        resolver=revoke_consent,
        description="Take a consent back; it counts from the next read.",
    )
    request_consent = strawberry.mutation(
        resolver=request_consent,
        description="Staff: ask a participant for a consent to this centre.",
    )
    delete_my_account = strawberry.mutation(
        resolver=delete_my_account,
        description="Erase everything the network holds about me.",
    )
    record_wellbeing_checkin = strawberry.mutation(
        resolver=record_wellbeing_checkin,
        description="Record my WHO-5 (and, in addiction recovery, BARC-10) for myself; sealed "
        "under my own key.",
    )
    set_goal = strawberry.mutation(
        resolver=set_goal, description="Set one of my recovery goals: a new one, or a change."
    )
    update_goal_progress = strawberry.mutation(
        resolver=update_goal_progress, description="Record how far I have come with a goal."
    )
