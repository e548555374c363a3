"""The permission checks every service declares, with real signed tokens."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from saathi.errors import Forbidden, Unauthenticated
from saathi.service import permissions
from saathi.service_trust import ServiceTokens, ServiceTrust
from saathi.tokens import Role
from tests.saathi.service.conftest import ViewerFor


def test_a_participant_passes_and_anonymous_or_staff_do_not(viewer_for: ViewerFor) -> None:
    assert permissions.participant(viewer_for("par_1")).subject == "par_1"
    with pytest.raises(Unauthenticated):
        permissions.participant(viewer_for(None))
    with pytest.raises(Forbidden):
        permissions.participant(viewer_for("stf_1", Role.FACILITATOR, "ctr_a"))


def test_the_participant_themselves_alone(viewer_for: ViewerFor) -> None:
    assert permissions.the_participant(viewer_for("par_1"), "par_1").subject == "par_1"
    with pytest.raises(Forbidden) as refused:
        permissions.the_participant(viewer_for("par_2"), "par_1")
    assert refused.value.message == "Only the participant themselves may read this."
    with pytest.raises(Forbidden):
        permissions.the_participant(viewer_for("par_1"), None)


def test_staff_act_for_their_own_centre_alone(viewer_for: ViewerFor) -> None:
    admin = viewer_for("stf_1", Role.CENTRE_ADMIN, "ctr_a")

    assert permissions.acts_for(admin, (Role.CENTRE_ADMIN,), "ctr_a").subject == "stf_1"
    with pytest.raises(Forbidden) as other_centre:
        permissions.acts_for(admin, (Role.CENTRE_ADMIN,), "ctr_b")
    assert other_centre.value.message == "These records belong to another centre."
    with pytest.raises(Forbidden) as other_role:
        permissions.acts_for(admin, (Role.SUPERVISOR,))
    assert other_role.value.message == "Your role may not do this."
    with pytest.raises(Forbidden):
        permissions.acts_for(viewer_for("par_1"))  # any staff role: a participant is none


def test_a_forged_token_is_unauthenticated_not_anonymous(viewer_for: ViewerFor) -> None:
    viewer = viewer_for("stf_1", Role.CENTRE_ADMIN, "ctr_a")
    viewer.authorization = (viewer.authorization or "")[:-4] + "AAAA"

    with pytest.raises(Unauthenticated):
        permissions.acts_for(viewer)


def test_a_service_caller_must_be_among_the_callers(
    trust_for: Callable[[str, set[str]], ServiceTrust],
    tokens_of: Callable[[str], ServiceTokens],
) -> None:
    trust = trust_for("sessions", {"directory", "consent"})

    assert permissions.service_caller(trust, tokens_of("consent")("sessions"), ["consent"]) == (
        "consent"
    )
    with pytest.raises(Forbidden) as refused:
        permissions.service_caller(trust, tokens_of("directory")("sessions"), ["consent"])
    assert refused.value.message == "The directory service may not call this endpoint."
    with pytest.raises(Unauthenticated):
        permissions.service_caller(trust, None, ["consent"])
