"""Consents and consent requests: derived statuses, readable reasons, signed receipts.

A receipt is the consent artefact: a compact JWS (EdDSA, ``kid`` header) signed with the
network key, whose claims carry ``iat``/``exp`` = the consent's validity, so any standard JWT
library verifies it against the JWKS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt

from saathi.consent_terms import ConsentPurpose, DataCategory
from saathi.keys import SigningKey
from saathi.keystore import KeyStore
from saathi.tokens import ALGORITHM
from services.consent.domain.personal import open_field
from services.consent.domain.records import (
    ConsentRecord,
    ConsentRequestRecord,
    ConsentRequestStatus,
    ConsentStatus,
    ParticipantRecord,
)

REASON_FIELD = "consent_request.reason"
# The JOSE ``typ`` of a receipt (RFC 8725 explicit typing), so it cannot pass for another JWT.
RECEIPT_TYPE = "consent-receipt+jwt"


def consent_status(consent: ConsentRecord, now: datetime) -> ConsentStatus:
    if consent.revoked_at is not None:
        return ConsentStatus.REVOKED
    if consent.valid_until <= now:
        return ConsentStatus.EXPIRED
    return ConsentStatus.ACTIVE


def request_status(request: ConsentRequestRecord, now: datetime) -> ConsentRequestStatus:
    if request.status is ConsentRequestStatus.PENDING and request.requested_until <= now:
        return ConsentRequestStatus.EXPIRED
    return request.status


@dataclass(frozen=True)
class ConsentRequestView:
    """A request as its participant sees it: the derived status and the reason in clear."""

    record: ConsentRequestRecord
    status: ConsentRequestStatus
    reason: str


def requests_for(
    participant: ParticipantRecord,
    requests: list[ConsentRequestRecord],
    keys: KeyStore,
    now: datetime,
    status: ConsentRequestStatus | None = None,
) -> list[ConsentRequestView]:
    """The participant's requests (only those with ``status`` when given), reasons opened."""
    views = []
    for request in requests:
        derived = request_status(request, now)
        if status is not None and derived is not status:
            continue
        reason = open_field(keys, participant.id, REASON_FIELD, request.reason_sealed) or ""
        views.append(ConsentRequestView(record=request, status=derived, reason=reason))
    return views


def sign_receipt(
    key: SigningKey,
    *,
    issuer: str,
    consent_id: str,
    participant_id: str,
    grantee_centre_id: str,
    categories: tuple[DataCategory, ...],
    purpose: ConsentPurpose,
    valid_from: datetime,
    valid_until: datetime,
) -> str:
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": participant_id,
        "jti": consent_id,
        "consent": consent_id,
        "iat": int(valid_from.timestamp()),
        "exp": int(valid_until.timestamp()),
        "participant": participant_id,
        "grantee": grantee_centre_id,
        "categories": [category.value for category in categories],
        "purpose": purpose.value,
    }
    return key.encode(claims, {"typ": RECEIPT_TYPE})


class ReceiptInvalid(Exception):
    """A receipt that this network did not sign, or that is malformed or expired."""


def verify_receipt(
    receipt: str, jwks: Mapping[str, Any] | None, jwks_url: str | None
) -> dict[str, Any]:
    """The verified claims of a consent receipt, against a JWKS (given, or fetched from a URL).

    A valid receipt proves that the participant gave the consent; whether it has been revoked
    since is a live question only the consent service answers.
    """
    try:
        kid = jwt.get_unverified_header(receipt).get("kid")
        if jwks_url is not None:
            key = jwt.PyJWKClient(jwks_url).get_signing_key_from_jwt(receipt).key
        else:
            assert jwks is not None
            keys = {entry["kid"]: entry for entry in jwks["keys"]}
            if kid not in keys:
                raise ReceiptInvalid("it was not signed by this network's key")
            key = jwt.PyJWK(dict(keys[kid]), algorithm=ALGORITHM).key
        claims: dict[str, Any] = jwt.decode(
            receipt,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["iss", "sub", "iat", "exp", "jti"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError:
        raise ReceiptInvalid("the consent period has ended (exp is in the past)") from None
    except jwt.PyJWKClientError as exc:
        raise ReceiptInvalid(f"no key of this network verifies it ({exc})") from None
    except jwt.InvalidTokenError as exc:
        raise ReceiptInvalid(f"not a valid receipt: {exc}") from None
    _require_receipt(jwt.get_unverified_header(receipt), claims)
    return claims


def _require_receipt(header: Mapping[str, Any], claims: Mapping[str, Any]) -> None:
    """Refuse any other JWT signed with the same key: access tokens carry ``aud`` and ``role``,
    receipts carry neither but a ``consent`` claim equal to their ``jti`` (and, since explicit
    typing, ``typ`` = ``consent-receipt+jwt``; receipts made before it say ``JWT``)."""
    if "role" in claims or "aud" in claims:
        raise ReceiptInvalid("this is not a consent receipt (it is an access token)")
    if header.get("typ", RECEIPT_TYPE) not in (RECEIPT_TYPE, "JWT"):
        raise ReceiptInvalid(f"this is not a consent receipt (typ {header.get('typ')!r})")
    if claims.get("consent") != claims["jti"]:
        raise ReceiptInvalid("this is not a consent receipt (it names no consent)")
