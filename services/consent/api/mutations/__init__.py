"""Root mutation fields, one module each."""

from __future__ import annotations

import strawberry

from services.consent.api.mutations.refresh_session import refresh_session
from services.consent.api.mutations.request_login_code import request_login_code
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
