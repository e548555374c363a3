"""The hash-chained access log: paging it, and detecting an edited, removed or reordered entry."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import seed_demo
from services.consent import models
from services.consent.domain.access_log import ChainBreak, entry_hash, verify_chain
from services.consent.domain.audit_key import AuditKey, load_audit_key
from services.consent.repository.access_log import _entry
from tests.conftest import operation
from tests.services.consent.conftest import Consent

PRIYA, RAVI = demo.PARTICIPANTS[0], demo.PARTICIPANTS[1]
# The contract's MyDataAccessLog as the gateway sends it to consent (Centre's name is directory's).
LOG = operation("consent", "MyDataAccessLog").replace(
    "accessor { id name city }", "accessor { id }"
)


@pytest.fixture
async def seeded(consent: Consent) -> Consent:
    await seed_demo(consent.settings, signing_key=consent.key)
    return consent


def _key(consent: Consent) -> AuditKey:
    key = load_audit_key(consent.settings.data_dir)
    assert key is not None
    return key


async def _page(consent: Consent, **variables: Any) -> dict[str, Any]:
    body = await consent.post(LOG, variables, token=consent.token(PRIYA.id))
    assert "errors" not in body, body
    log: dict[str, Any] = body["data"]["me"]["dataAccessLog"]
    return log


async def _rows() -> list[models.DataAccess]:
    return list(await models.DataAccess.filter(participant_id=PRIYA.id).order_by("seq"))


async def test_the_log_pages_newest_first(seeded: Consent) -> None:
    rows = await _rows()

    first = await _page(seeded, first=2)
    rest = await _page(seeded, first=2, after=first["pageInfo"]["endCursor"])

    nodes = [edge["node"] for edge in first["edges"] + rest["edges"]]
    assert [node["at"] for node in nodes] == [row.at.isoformat() for row in reversed(rows)]
    assert nodes[0] == {
        "at": rows[-1].at.isoformat(),
        "accessor": {"id": demo.CENTRES[1].id},
        "categories": ["ATTENDANCE", "FEEDBACK"],
        "purpose": "CARE_CONTINUITY",
        "consentId": rows[-1].consent_id,
    }
    assert first["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": rest["pageInfo"]["endCursor"]}


async def test_a_bad_cursor_or_size_is_bad_user_input(seeded: Consent) -> None:
    bad_cursor = await seeded.post(LOG, {"after": "nope"}, token=seeded.token(PRIYA.id))
    too_many = await seeded.post(LOG, {"first": 101}, token=seeded.token(PRIYA.id))

    assert bad_cursor["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
    assert too_many["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("log:" + "9" * 30),  # wider than any integer column
        _cursor("log:" + "9" * 5000),  # wider than Python parses
        _cursor("log:-1"),
        _cursor("log: 1"),
        _cursor("log:1_0"),
        _cursor("log:\u0661"),  # a non-ASCII digit
        "\u00e9\u00e9\u00e9\u00e9",
        "bG9n" + "=" * 10_000,
    ],
)
async def test_every_bad_cursor_is_bad_user_input(seeded: Consent, cursor: str) -> None:
    body = await seeded.post(LOG, {"after": cursor}, token=seeded.token(PRIYA.id))

    assert body["data"] == {"me": None}
    assert [error["extensions"] for error in body["errors"]] == [{"code": "BAD_USER_INPUT"}]


async def test_another_participants_log_is_forbidden(seeded: Consent) -> None:
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Participant { dataAccessLog { edges { cursor } } } } }"""

    body = await seeded.post(
        query, {"r": [{"__typename": "Participant", "id": PRIYA.id}]}, token=seeded.token(RAVI.id)
    )

    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN"}


async def test_an_untouched_chain_verifies(seeded: Consent) -> None:
    rows = await _rows()

    assert await verify_chain(PRIYA.id, _key(seeded)) == []
    assert rows[0].prev_hash == "0" * 64
    assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]


async def test_an_edited_entry_is_named(seeded: Consent) -> None:
    rows = await _rows()
    await models.DataAccess.filter(id=rows[1].id).update(accessor_centre_id=demo.CENTRES[4].id)

    assert await verify_chain(PRIYA.id, _key(seeded)) == [
        ChainBreak(PRIYA.id, 1, "edited: its content does not match its hash")
    ]


async def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(seeded: Consent) -> None:
    rows = await _rows()
    await models.DataAccess.filter(id=rows[1].id).update(categories=["WELLBEING"])
    (edited,) = [r for r in await _rows() if r.id == rows[1].id]
    await models.DataAccess.filter(id=edited.id).update(
        hash=entry_hash(_entry(edited), _key(seeded))
    )

    breaks = await verify_chain(PRIYA.id, _key(seeded))

    assert breaks == [
        ChainBreak(PRIYA.id, 2, "does not follow the entry before it (removed or reordered)")
    ]


async def test_a_removed_entry_is_named(seeded: Consent) -> None:
    rows = await _rows()
    await models.DataAccess.filter(id=rows[1].id).delete()

    assert await verify_chain(PRIYA.id, _key(seeded)) == [
        ChainBreak(PRIYA.id, 2, "entries 1 to 1 are missing here (removed or moved)")
    ]


async def test_removing_the_newest_entry_is_caught_by_the_head(seeded: Consent) -> None:
    rows = await _rows()
    await models.DataAccess.filter(id=rows[-1].id).delete()

    assert await verify_chain(PRIYA.id, _key(seeded)) == [
        ChainBreak(
            PRIYA.id,
            None,
            "the log ends at entry 1 but entry 2 was written last (newest entries removed)",
        )
    ]


async def test_reordered_entries_are_named(seeded: Consent) -> None:
    first, second, _ = await _rows()
    await models.DataAccess.filter(id=first.id).update(seq=99)
    await models.DataAccess.filter(id=second.id).update(seq=0)
    await models.DataAccess.filter(id=first.id).update(seq=1)

    breaks = await verify_chain(PRIYA.id, _key(seeded))

    assert breaks == [
        ChainBreak(
            PRIYA.id,
            1,
            "entries 0 to 0 are missing here (removed or moved); "
            "edited: its content does not match its hash",
        ),
        ChainBreak(
            PRIYA.id,
            0,
            "out of order (expected entry 2); edited: its content does not match its hash",
        ),
        ChainBreak(PRIYA.id, 2, "entries 1 to 1 are missing here (removed or moved)"),
    ]
    assert await verify_chain(RAVI.id, _key(seeded)) == []
