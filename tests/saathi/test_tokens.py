from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest

from saathi.errors import Unauthenticated
from saathi.keys import generate_signing_key
from saathi.tokens import Principal, Role, TokenVerifier, mint_access_token

ISSUER = "saathi"
AUDIENCE = "saathi-network"


def _mint(key=None, **overrides):
    key = key or KEY
    args: dict[str, Any] = {
        "subject": "par_1",
        "role": Role.PARTICIPANT,
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "ttl_seconds": 900,
    }
    args.update(overrides)
    return mint_access_token(key, **args)


KEY = generate_signing_key()
VERIFIER = TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=KEY.jwks())


def test_a_minted_token_verifies_to_its_principal():
    token = _mint(subject="stf_7", role=Role.CENTRE_ADMIN, centre_id="ctr_1")

    principal = VERIFIER.verify(token)

    assert principal == Principal("stf_7", Role.CENTRE_ADMIN, "ctr_1", principal.token_id)
    assert principal.token_id.startswith("tok_")


def test_the_token_header_names_eddsa_and_the_key_id():
    header = jwt.get_unverified_header(_mint())

    assert header["alg"] == "EdDSA"
    assert header["kid"] == KEY.kid


def test_every_registered_claim_is_present():
    claims = VERIFIER.claims(_mint())

    assert {"iss", "aud", "sub", "exp", "iat", "jti"} <= set(claims)
    assert claims["exp"] - claims["iat"] == 900


def test_an_expired_token_is_unauthenticated():
    token = _mint(now=time.time() - 3600)

    with pytest.raises(Unauthenticated, match="expired"):
        VERIFIER.verify(token)


def test_a_token_signed_by_another_key_is_refused():
    forged = _mint(key=generate_signing_key())

    with pytest.raises(Unauthenticated, match="not signed by this network"):
        VERIFIER.verify(forged)


def test_a_token_for_another_audience_is_refused():
    with pytest.raises(Unauthenticated):
        VERIFIER.verify(_mint(audience="someone-else"))


def test_an_unsigned_token_with_a_known_kid_is_refused():
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = VERIFIER.claims(_mint())
    unsigned = f"{part({'alg': 'none', 'kid': KEY.kid})}.{part(claims)}."

    with pytest.raises(Unauthenticated):
        VERIFIER.verify(unsigned)


def test_a_tampered_payload_is_refused():
    header, payload, signature = _mint().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "par_someone_else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    with pytest.raises(Unauthenticated):
        VERIFIER.verify(f"{header}.{forged_payload}.{signature}")


def test_a_staff_token_must_name_a_centre():
    with pytest.raises(ValueError, match="bound to a centre"):
        _mint(role=Role.FACILITATOR)


@pytest.mark.parametrize("header", ["Token abc", "Bearer ", "Basic dXNlcjpwYXNz"])
def test_a_malformed_authorization_header_is_unauthenticated(header):
    with pytest.raises(Unauthenticated):
        VERIFIER.principal_from_header(header)


def test_no_authorization_header_is_anonymous():
    assert VERIFIER.principal_from_header(None) is None
    assert VERIFIER.principal_from_header("") is None


def test_only_a_staff_token_names_a_peer_supporter() -> None:
    key = generate_signing_key()
    verifier = TokenVerifier(issuer="iss", audience="aud", jwks=key.jwks())
    staff = mint_access_token(
        key,
        subject="stf_1",
        role=Role.FACILITATOR,
        centre_id="ctr_1",
        supporter_id="sup_1",
        issuer="iss",
        audience="aud",
        ttl_seconds=60,
    )

    assert verifier.verify(staff).supporter_id == "sup_1"
    with pytest.raises(ValueError, match="peer supporter"):
        mint_access_token(
            key,
            subject="par_1",
            role=Role.PARTICIPANT,
            supporter_id="sup_1",
            issuer="iss",
            audience="aud",
            ttl_seconds=60,
        )
    # a token signed by the network that still pairs a participant with a supporter is refused
    forged = key.encode(
        {
            "iss": "iss",
            "aud": "aud",
            "sub": "par_1",
            "iat": 0,
            "exp": 2**40,
            "jti": "tok_1",
            "role": "participant",
            "supporter": "sup_1",
        }
    )
    with pytest.raises(Unauthenticated):
        verifier.verify(forged)
