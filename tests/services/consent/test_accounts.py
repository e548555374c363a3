"""The command line's account helpers: participants, staff and their tokens."""

from __future__ import annotations

import jwt
import pytest

from network.demo import description as demo
from saathi.errors import BadUserInput, NotFound
from saathi.keystore import SqliteKeyStore
from saathi.tokens import Role, TokenVerifier
from services.consent import models
from services.consent.domain.accounts import add_participants, add_staff, token_for
from services.consent.domain.personal import DISPLAY_NAME_FIELD, open_field
from tests.services.consent.conftest import Consent

CENTRE = demo.CENTRES[0].id


def _claims(consent: Consent, token: str) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(
        token, consent.key.public_key, algorithms=["EdDSA"], audience="saathi-network"
    )
    return claims


async def test_participants_are_added_in_order_without_a_contact(
    consent: Consent, keys: SqliteKeyStore
) -> None:
    ids = await add_participants(["Asha", " Ravi "], keys)

    rows = {row.id: row for row in await models.Participant.all()}
    assert len(ids) == 2
    assert all(value.startswith("par_") for value in ids)
    names = [
        open_field(keys, value, DISPLAY_NAME_FIELD, rows[value].display_name_sealed)
        for value in ids
    ]
    assert names == ["Asha", "Ravi"]
    assert all(b"Asha" not in row.display_name_sealed for row in rows.values())
    assert {(row.contact_index, row.contact_sealed) for row in rows.values()} == {(None, None)}


async def test_a_participant_token_signs_them_in(consent: Consent, keys: SqliteKeyStore) -> None:
    (participant,) = await add_participants(["Asha"], keys)

    token = await token_for(participant, consent.key, consent.settings)
    body = await consent.post("{ me { id displayName consentRequests { id } } }", token=token)

    claims = _claims(consent, token)
    assert (claims["sub"], claims["role"], "centre" in claims) == (
        participant,
        "participant",
        False,
    )
    assert body == {
        "data": {"me": {"id": participant, "displayName": "Asha", "consentRequests": []}}
    }


async def test_staff_tokens_carry_their_role_and_centre(consent: Consent) -> None:
    ids = await add_staff(CENTRE, Role.CENTRE_ADMIN, ["Meera", "Imran"])

    token = await token_for(ids[1], consent.key, consent.settings)

    claims = _claims(consent, token)
    assert all(value.startswith("stf_") for value in ids)
    assert (claims["sub"], claims["role"], claims["centre"]) == (ids[1], "centre_admin", CENTRE)
    names = {row.id: row.display_name for row in await models.Staff.all()}
    assert [names[value] for value in ids] == ["Meera", "Imran"]


async def test_a_staff_member_who_is_a_peer_supporter_has_it_in_their_tokens(
    consent: Consent,
) -> None:
    supporter = demo.SUPPORTERS[0].id
    (mentor,) = await add_staff(CENTRE, Role.FACILITATOR, ["Kiran"], supporter_id=supporter)
    (other,) = await add_staff(CENTRE, Role.FACILITATOR, ["Sunita"])

    tied = _claims(consent, await token_for(mentor, consent.key, consent.settings))
    untied = _claims(consent, await token_for(other, consent.key, consent.settings))
    verifier = TokenVerifier(
        issuer=consent.settings.issuer, audience=consent.settings.audience, key_ring=consent.key
    )
    principal = verifier.verify(await token_for(mentor, consent.key, consent.settings))

    assert (tied["sub"], tied["role"], tied["supporter"]) == (mentor, "facilitator", supporter)
    assert "supporter" not in untied
    assert principal.supporter_id == supporter
    # one staff member a supporter, one supporter a staff member
    with pytest.raises(BadUserInput):
        await add_staff(CENTRE, Role.FACILITATOR, ["Again"], supporter_id=supporter)
    with pytest.raises(BadUserInput):
        await add_staff(CENTRE, Role.FACILITATOR, ["A", "B"], supporter_id=demo.SUPPORTERS[1].id)
    with pytest.raises(BadUserInput):
        await add_staff(CENTRE, Role.FACILITATOR, ["A"], supporter_id="stf_not-a-supporter")
    assert await models.Staff.all().count() == 2


@pytest.mark.parametrize(
    ("centre", "role", "names"),
    [
        (CENTRE, Role.PARTICIPANT, ["X"]),
        (CENTRE, Role.PARTNER, ["X"]),
        ("ctr_x", Role.FACILITATOR, ["X"]),
        (CENTRE, Role.FACILITATOR, []),
        (CENTRE, Role.FACILITATOR, ["  "]),
    ],
)
async def test_bad_staff_input_is_refused_and_adds_nobody(
    consent: Consent, centre: str, role: Role, names: list[str]
) -> None:
    with pytest.raises(BadUserInput):
        await add_staff(centre, role, names)

    assert await models.Staff.all().count() == 0


async def test_a_too_long_name_adds_no_participant(consent: Consent, keys: SqliteKeyStore) -> None:
    with pytest.raises(BadUserInput):
        await add_participants(["Asha", "x" * 101], keys)

    assert await models.Participant.all().count() == 0


@pytest.mark.parametrize(
    "subject", ["par_00000000000000000000000000", "stf_00000000000000000000000000", "nobody"]
)
async def test_a_token_for_an_unknown_id_is_not_found(consent: Consent, subject: str) -> None:
    with pytest.raises(NotFound):
        await token_for(subject, consent.key, consent.settings)
