"""The signed head of the data-access log, end to end: a centre reads a shared record through
the gateway, the participant fetches the head the consent service signed for that read."""

from __future__ import annotations

from network.demo import description as demo
from saathi.tokens import Role
from services.consent.domain.access_log import audit
from services.consent.domain.audit_key import load_audit_key
from tests.saathi.conftest import Network

PRIYA, PUNE_CAMP = demo.PARTICIPANTS[0], demo.CENTRES[1]
SIGNED_HEAD = """query { me { dataAccessLog(first: 1) {
  edges { node { consentId } }
  signedHead { sequence headHash signedAt keyId signature } } } }"""


async def test_a_read_through_the_gateway_is_signed_into_the_anchor(network: Network) -> None:
    reader = network.token(f"stf_{PUNE_CAMP.id[4:]}", Role.FACILITATOR, PUNE_CAMP.id)
    key = load_audit_key(network.settings.data_dir)
    assert key is not None

    shared = await network.run(
        "centre",
        "SharedParticipantRecord",
        reader,
        participantId=PRIYA.id,
        categories=["ATTENDANCE"],
        purpose="CARE_CONTINUITY",
    )
    response = await network.client.post(
        "/graphql",
        json={"query": SIGNED_HEAD},
        headers={"authorization": f"Bearer {network.token(PRIYA.id, Role.PARTICIPANT)}"},
    )

    assert shared["data"]["sharedRecord"]["error"] is None
    log = response.json()["data"]["me"]["dataAccessLog"]
    head = log["signedHead"]
    claims = key.verify(head["signature"])
    assert log["edges"][0]["node"]["consentId"] == shared["data"]["sharedRecord"]["consentId"]
    assert (head["sequence"], head["keyId"]) == (3, key.kid)
    assert (claims["seq"], claims["head"], claims["at"]) == (3, head["headHash"], head["signedAt"])
    assert claims["log"] == key.pseudonym(PRIYA.id)
    assert (await audit(key, network.settings.data_dir)).breaks == []
