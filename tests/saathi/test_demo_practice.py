"""The demo network holds what issue 9 lists, read through the gateway as its people would:
certified and uncertified supporters with supervision history, concerns in each status,
programmes with partner organisations, a residential centre, goals and wellbeing check-ins,
and peer mentors tied to their staff accounts."""

from __future__ import annotations

from typing import Any

from network.demo import description as demo
from network.demo.consent import MENTEE, demo_staff_id, demo_supporter_staff_id
from network.demo.members import MEMBERSHIPS
from network.demo.practice import trainee_id
from saathi.tokens import Role
from services.consent.domain.accounts import link_staff, unlink_staff
from tests.saathi.conftest import Network

MUMBAI = next(c for c in demo.CENTRES if c.city == "Mumbai")


def _staff(network: Network, centre_id: str, role: Role) -> str:
    return network.token(demo_staff_id(centre_id, role), role, centre_id)


def _data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def test_every_centre_has_certified_supporters_with_supervision_history_and_a_trainee(
    network: Network,
) -> None:
    for centre in demo.CENTRES:
        admin = _staff(network, centre.id, Role.CENTRE_ADMIN)
        body = await network.run("practice", "Supporters", admin, centreId=centre.id)
        supporters = [e["node"] for e in _data(body)["supporters"]["edges"]]
        certified = [s for s in supporters if s["certifiedUntil"] is not None]
        uncertified = [s for s in supporters if s["certifiedUntil"] is None]

        assert len(certified) == 2, centre.city
        assert len(uncertified) == 1, centre.city
        assert all(len(s["supervisions"]) >= 2 for s in certified)
        assert all(s["lastSupervisedOn"] is not None for s in certified)
    attention = _data(
        await network.run(
            "practice",
            "SupportersNeedingAttention",
            _staff(network, demo.CENTRES[0].id, Role.CENTRE_ADMIN),
            centreId=demo.CENTRES[0].id,
        )
    )["supportersNeedingAttention"]
    assert (
        attention["totalCount"] >= 1
    )  # the trainee was never supervised; one certification ends soon


async def test_the_mumbai_centre_has_concerns_in_each_status(network: Network) -> None:
    supervisor = _staff(network, MUMBAI.id, Role.SUPERVISOR)

    counts = {
        status: _data(
            await network.run(
                "concerns", "Concerns", supervisor, centreId=MUMBAI.id, status=status, first=50
            )
        )["concerns"]["totalCount"]
        for status in ("OPEN", "ACKNOWLEDGED", "RESOLVED")
    }

    assert all(count >= 1 for count in counts.values()), counts


async def test_every_centre_runs_a_programme_with_a_partner_and_nagpur_is_residential(
    network: Network,
) -> None:
    programmes = _data(await network.run("community", "Programmes", first=50))["programmes"]
    residential = _data(await network.run("community", "CentresOfKind", kind="RESIDENTIAL"))[
        "centres"
    ]

    assert programmes["totalCount"] == len(demo.CENTRES)
    assert all(e["node"]["partnerOrganisation"] for e in programmes["edges"])
    assert all(e["node"]["groups"] for e in programmes["edges"])
    assert [e["node"]["city"] for e in residential["edges"]] == ["Nagpur"]


async def test_every_participant_has_goals_and_wellbeing_check_ins(network: Network) -> None:
    for person in demo.PARTICIPANTS:
        token = network.token(person.id, Role.PARTICIPANT)
        goals = _data(await network.run("wellbeing", "MyGoals", token))["myGoals"]
        checkins = _data(await network.run("wellbeing", "MyWellbeing", token))["myWellbeing"]

        assert goals["totalCount"] >= 1, person.id
        assert checkins["totalCount"] >= 1, person.id


async def test_the_demo_mentor_reads_their_mentees_goals_and_their_colleague_does_not(
    network: Network,
) -> None:
    # a demo participant mentored at the evaluating centre shares their goals with it
    mentee = demo.PARTICIPANTS[MENTEE]
    mentoring = next(g for g in MEMBERSHIPS[mentee.id] if g.kind == "MENTORING")
    colleague = next(
        s
        for s in demo.SUPPORTERS
        if s.centre_id == mentoring.centre_id and s.id != mentoring.facilitator_id
    )

    def facilitator(supporter_id: str) -> str:
        return network.token(
            demo_supporter_staff_id(supporter_id),
            Role.FACILITATOR,
            mentoring.centre_id,
            supporter_id,
        )

    async def goals(token: str) -> dict[str, Any]:
        body = await network.run(
            "wellbeing",
            "SharedOutcomes",
            token,
            participantId=mentee.id,
            categories=["GOALS"],
            purpose="CARE_CONTINUITY",
        )
        shared: dict[str, Any] = _data(body)["sharedRecord"]
        return shared

    as_mentor = await goals(facilitator(mentoring.facilitator_id or ""))
    as_colleague = await goals(facilitator(colleague.id))

    assert as_mentor["error"] is None
    assert as_mentor["goals"]
    assert as_colleague["error"]["code"] == "FORBIDDEN"
    assert as_colleague["goals"] is None


async def test_an_unlinked_mentors_old_token_no_longer_reads_their_mentees_goals(
    network: Network,
) -> None:
    # given the demo mentor's token, issued while they are tied to their supporter record
    mentee = demo.PARTICIPANTS[MENTEE]
    mentoring = next(g for g in MEMBERSHIPS[mentee.id] if g.kind == "MENTORING")
    supporter = mentoring.facilitator_id or ""
    staff_id = demo_supporter_staff_id(supporter)
    old_token = network.token(staff_id, Role.FACILITATOR, mentoring.centre_id, supporter)

    async def goals(token: str) -> dict[str, Any]:
        return await network.run(
            "wellbeing",
            "SharedOutcomes",
            token,
            participantId=mentee.id,
            categories=["GOALS"],
            purpose="CARE_CONTINUITY",
        )

    before = _data(await goals(old_token))["sharedRecord"]

    # when an operator unties them (saathi staff unlink) and the old token is sent again
    await unlink_staff(staff_id)
    after = await goals(old_token)
    # and again, with the staff member tied back to another supporter of the centre
    colleague = next(
        s.id
        for s in demo.SUPPORTERS
        if s.centre_id == mentoring.centre_id
        and s.id != supporter
        and s.id != trainee_id(mentoring.centre_id)
    )
    await unlink_staff(demo_supporter_staff_id(colleague))
    await link_staff(staff_id, colleague, _centre_of)
    after_relink = await goals(old_token)
    fresh = network.token(staff_id, Role.FACILITATOR, mentoring.centre_id, colleague)
    as_colleague = _data(await goals(fresh))["sharedRecord"]

    # then the claim did not outlive the tie: the old token reads no goals
    assert before["error"] is None
    assert before["goals"]
    for refused in (_data(after)["sharedRecord"], _data(after_relink)["sharedRecord"]):
        assert refused["goals"] is None
        assert refused["consentId"] is None
        assert refused["error"]["code"] == "UNAUTHENTICATED"
    # and a fresh token names only the supporter they are now, who never mentored them
    assert as_colleague["goals"] is None
    assert as_colleague["error"]["code"] == "FORBIDDEN"


async def _centre_of(supporter_id: str) -> str | None:
    found = next((s for s in demo.SUPPORTERS if s.id == supporter_id), None)
    return None if found is None else found.centre_id
