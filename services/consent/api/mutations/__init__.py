"""Root mutation fields, one module each: each behind its permission, errors as its payload."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import ActsFor, IsParticipant, mutation
from services.consent.api.mutations.delete_my_account import (
    DeleteMyAccountPayload,
    delete_my_account,
)
from services.consent.api.mutations.grant_consent import GrantConsentPayload, grant_consent
from services.consent.api.mutations.refresh_session import RefreshSessionPayload, refresh_session
from services.consent.api.mutations.request_consent import RequestConsentPayload, request_consent
from services.consent.api.mutations.request_login_code import (
    RequestLoginCodePayload,
    request_login_code,
)
from services.consent.api.mutations.respond_to_consent_request import (
    RespondToConsentRequestPayload,
    respond_to_consent_request,
)
from services.consent.api.mutations.revoke_consent import RevokeConsentPayload, revoke_consent
from services.consent.api.mutations.sign_out import SignOutPayload, sign_out
from services.consent.api.mutations.verify_login_code import (
    VerifyLoginCodePayload,
    verify_login_code,
)


@strawberry.type
class Mutation:
    request_login_code = mutation(
        request_login_code,
        RequestLoginCodePayload,
        description="Send a one-time sign-in code to a phone number (E.164) or e-mail address.",
    )
    verify_login_code = mutation(
        verify_login_code,
        VerifyLoginCodePayload,
        description="Sign in (or sign up, the first time) with the code that was sent.",
    )
    refresh_session = mutation(
        refresh_session,
        RefreshSessionPayload,
        description="Trade a refresh token for new tokens; the old refresh token is spent.",
    )
    sign_out = mutation(
        sign_out,
        SignOutPayload,
        IsParticipant(),
        description="End this sign-in: its access and refresh tokens stop working at once.",
    )
    grant_consent = mutation(
        grant_consent,
        GrantConsentPayload,
        IsParticipant(),
        description="Let a centre read categories of my records, for a purpose, until a time.",
    )
    respond_to_consent_request = mutation(
        respond_to_consent_request,
        RespondToConsentRequestPayload,
        IsParticipant(),
        description="Approve or deny a centre's pending request for a consent.",
    )
    revoke_consent = mutation(
        revoke_consent,
        RevokeConsentPayload,
        IsParticipant(),
        description="Take a consent back; it counts from the next read.",
    )
    request_consent = mutation(
        request_consent,
        RequestConsentPayload,
        ActsFor(),
        description="Staff: ask a participant for a consent to this centre.",
    )
    delete_my_account = mutation(
        delete_my_account,
        DeleteMyAccountPayload,
        IsParticipant(),
        description="Erase everything the network holds about me.",
    )
