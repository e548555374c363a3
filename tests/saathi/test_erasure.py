"""Erasure that erases: after ``deleteMyAccount`` no byte of the data dir names the person, and a
copy of the databases made before the erasure stays unreadable with every key left after it."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from network.demo.consent import demo_staff_id
from saathi.crypto import MasterKey
from saathi.ids import new_id
from saathi.keys import load_or_create_signing_key
from saathi.tokens import Role, mint_access_token
from services.sessions.models import Booking, Session
from tests.conftest import operation
from tests.saathi.conftest import Network

PHONE = "+919812398123"
PHONE_DIGITS = "9812398123"
CANARIES = {
    "name": "Canary-Name-7Q2X",
    "city": "Canary-City-4K9P",
    "named comment": "Canary-Named-Comment-relapse-8H3D",
    "anonymous comment": "Canary-Anon-Comment-relapse-2M6T",
    "request reason": "Canary-Reason-5V1B",
    "notification": "Canary-Cancel-Reason-9W4L",
    "wellbeing note": "Canary-Checkin-Note-3R8J",
    "goal": "Canary-Goal-Title-6N2C",
    "goal note": "Canary-Goal-Note-1P5Z",
    "anonymous concern": "Canary-Anon-Concern-harassed-3R8N",
    "named concern": "Canary-Named-Concern-unsafe-6J2C",
}
REPORT_CONCERN = """
mutation($input: ReportConcernInput!) {
  reportConcern(input: $input) { concern { id } error { code } }
}
"""
SUBMIT_FEEDBACK = """
mutation($input: FeedbackInput!) { submitFeedback(input: $input) { accepted error { code } } }
"""
# Every key the code derives from the master key (other than wrapping keys): an attacker with
# the master key has these too.
MASTER_PURPOSES = (b"sessions:feedback-comment",)
_ID = re.compile(rb"[a-z]{3}_[0-9A-Za-z]{10,40}")


def _staff_token(network: Network, centre_id: str) -> str:
    return mint_access_token(
        load_or_create_signing_key(network.settings.data_dir),
        subject=demo_staff_id(centre_id, Role.CENTRE_ADMIN),
        role=Role.CENTRE_ADMIN,
        centre_id=centre_id,
        issuer="saathi",
        audience="saathi-network",
        ttl_seconds=600,
    )


async def _gql(network: Network, query: str, token: str, **variables: Any) -> dict[str, Any]:
    response = await network.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def _empty_upcoming_session() -> Session:
    now = datetime.now(UTC)
    booked = {str(s) for s in await Booking.all().values_list("session_id", flat=True)}
    for session in await Session.filter(
        starts_at__gt=now + timedelta(days=2), status="SCHEDULED"
    ).order_by("starts_at", "id"):
        if session.id not in booked:
            return session
    raise AssertionError("the demo network has no upcoming session without bookings")


async def _attended(participant_id: str, count: int) -> list[Session]:
    """``count`` past sessions the participant attended (written as a facilitator would)."""
    now = datetime.now(UTC)
    past = await Session.filter(ends_at__lt=now - timedelta(days=1)).order_by("id").limit(count)
    for session in past:
        await Booking.create(
            id=new_id("bkg"),
            session_id=session.id,
            participant_id=participant_id,
            status="ATTENDED",
            waitlist_position=None,
            idempotency_key=f"attended-{session.id}",
            created_at=session.starts_at - timedelta(days=1),
            updated_at=session.ends_at,
        )
    return list(past)


@dataclass
class Person:
    id: str
    token: str


async def _person_with_canaries(network: Network) -> Person:
    """A participant with a canary in every personal field, their sessions and their messages."""
    from services.consent.domain.participants import create_participant
    from tests.saathi.erasure_support import consent_deps

    deps = consent_deps(network.settings)
    await create_participant(
        deps,
        display_name=CANARIES["name"],
        home_city=CANARIES["city"],
        contact=PHONE,
        now=datetime.now(UTC),
    )
    signed_in = await network.sign_in(PHONE)
    person = Person(signed_in["participant"]["id"], signed_in["accessToken"])
    named, anonymous = await _attended(person.id, 2)
    for session, comment, is_anonymous in (
        (named, CANARIES["named comment"], False),
        (anonymous, CANARIES["anonymous comment"], True),
    ):
        given = await _gql(
            network,
            SUBMIT_FEEDBACK,
            person.token,
            input={
                "sessionId": session.id,
                "rating": 2,
                "comment": comment,
                "anonymous": is_anonymous,
            },
        )
        assert given["data"]["submitFeedback"] == {"accepted": True, "error": None}
    upcoming = await _empty_upcoming_session()
    booked = await _gql(
        network,
        operation("mobile", "BookSession"),
        person.token,
        sessionId=upcoming.id,
        idempotencyKey="canary",
    )
    assert booked["data"]["bookSession"]["error"] is None
    staff = _staff_token(network, upcoming.centre_id)
    cancelled = await _gql(
        network,
        operation("centre", "CancelSession"),
        staff,
        sessionId=upcoming.id,
        reason=CANARIES["notification"],
    )
    assert cancelled["data"]["cancelSession"]["error"] is None
    asked = await _gql(
        network,
        operation("centre", "RequestConsent"),
        staff,
        input={
            "participantId": person.id,
            "categories": ["ATTENDANCE"],
            "purpose": "REFERRAL",
            "requestedUntil": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
            "reason": CANARIES["request reason"],
        },
    )
    assert asked["data"]["requestConsent"]["error"] is None
    checkin = await _gql(
        network,
        operation("wellbeing", "RecordWellbeingCheckin"),
        person.token,
        input={"who5": [1, 1, 1, 1, 1], "barc10": [2] * 10, "note": CANARIES["wellbeing note"]},
    )
    assert checkin["data"]["recordWellbeingCheckin"]["error"] is None
    goal = await _gql(
        network, operation("wellbeing", "SetGoal"), person.token, input={"title": CANARIES["goal"]}
    )
    progressed = await _gql(
        network,
        operation("wellbeing", "UpdateGoalProgress"),
        person.token,
        input={
            "goalId": goal["data"]["setGoal"]["goal"]["id"],
            "progress": 40,
            "note": CANARIES["goal note"],
        },
    )
    assert progressed["data"]["updateGoalProgress"]["error"] is None
    for about, text, is_anonymous in (
        ({"groupId": upcoming.group_id}, CANARIES["anonymous concern"], True),
        ({"sessionId": named.id}, CANARIES["named concern"], False),
    ):
        reported = await _gql(
            network,
            REPORT_CONCERN,
            person.token,
            input={"category": "SAFETY", "description": text, "anonymous": is_anonymous, **about},
        )
        assert reported["data"]["reportConcern"]["error"] is None
    return person


def _sqlite_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.sqlite3"))


@dataclass
class Value:
    """One stored value: its bytes, whether SQLite kept it as a BLOB, and its row's values."""

    data: bytes
    blob: bool
    row: list[bytes]


def _values(database: Path) -> list[Value]:
    """Every value of every row of every table."""
    found: list[Value] = []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                values = [
                    (value, True) if isinstance(value, bytes) else (str(value).encode(), False)
                    for value in row
                    if value is not None
                ]
                data = [value for value, _ in values]
                found += [Value(value, blob, data) for value, blob in values]
    return found


_BASE64 = re.compile(rb"[A-Za-z0-9+/]{38,}={0,2}")
_HEX = re.compile(rb"[0-9a-f]+")


def _sealed(value: Value) -> list[bytes]:
    """What in a value may be a sealed blob: a BLOB itself, or base64 text anywhere in it (a
    column, or a string inside JSON), decoded. Nonce and tag alone take 28 bytes."""
    found = [value.data] if value.blob else []
    for text in _BASE64.findall(value.data):
        if _HEX.fullmatch(text):
            continue  # a digest (blind index, once-token, hash), not sealed data
        with contextlib.suppress(binascii.Error, ValueError):
            found.append(base64.b64decode(text, validate=True))
    return [blob for blob in found if len(blob) >= 28]


def _associated(row: list[bytes]) -> list[bytes]:
    """Associated data a sealed value of this row may be bound to: any id in the row, alone,
    with a field name after a colon, or with another id of the row after a colon."""
    ids = {match for value in row for match in _ID.findall(value)}
    known = (
        b"contact",
        b"display_name",
        b"home_city",
        b"consent_request.reason",
        b"feedback.comment",
        b"notification.message",
    )
    candidates = {b"", b"data-key", *ids}
    for identifier in ids:
        candidates.update(identifier + b":" + name for name in (*known, *ids))
    return sorted(candidates)


def _open_all(databases: list[Path], keys: list[bytes]) -> tuple[bytes, list[bytes]]:
    """Every sealed value of ``databases`` that one of ``keys`` opens: the plaintexts, joined,
    and the 256-bit keys among them (a key sealed under another key)."""
    opened = bytearray()
    found_keys: list[bytes] = []
    ciphers = [AESGCM(key) for key in keys]
    for database in databases:
        for value in _values(database):
            blobs = _sealed(value)
            associated = _associated(value.row) if blobs else []
            for blob in blobs:
                for cipher in ciphers:
                    for candidate in associated:
                        try:
                            plain = cipher.decrypt(blob[:12], blob[12:], candidate)
                        except (InvalidTag, ValueError):
                            continue
                        opened += plain + b"\n"
                        if len(plain) == 32:
                            found_keys.append(plain)
    return bytes(opened), found_keys


def _keys(data_dir: Path) -> list[bytes]:
    """Every key that exists in ``data_dir``: the master key's, and every data key it unwraps
    from any file there."""
    master = MasterKey.load_or_create(data_dir)
    keys = [
        hmac.new(master.secret, purpose, hashlib.sha256).digest() for purpose in MASTER_PURPOSES
    ]
    for database in _sqlite_files(data_dir):
        for value in _values(database):
            for blob in _sealed(value):
                with contextlib.suppress(InvalidTag, ValueError):
                    keys.append(master.unwrap(blob))
    return keys


def _readable(databases: list[Path], keys: list[bytes]) -> bytes:
    """Everything in ``databases`` readable in the clear or opened with one of ``keys`` (or a
    key they open in turn)."""
    clear = b"\n".join(value.data for database in databases for value in _values(database))
    opened, inner = _open_all(databases, keys)
    if inner:
        more, _ = _open_all(databases, inner)
        opened += more
    return clear + b"\n" + opened


def _snapshot(data_dir: Path, into: Path) -> list[Path]:
    """A copy of the service databases (with their -wal), as a backup would take them."""
    into.mkdir()
    copies = []
    for database in data_dir.glob("*.sqlite3"):
        for suffix in ("", "-wal"):
            source = Path(f"{database}{suffix}")
            if source.exists():
                shutil.copyfile(source, into / source.name)
        copies.append(into / database.name)
    return copies


async def test_erasure_leaves_no_canary_in_any_byte_of_the_data_dir(network: Network) -> None:
    # given a participant with a canary in every personal field, and someone else signed in
    person = await _person_with_canaries(network)
    other = await network.sign_in("+919800011111")
    assert other["error"] is None
    data_dir = network.settings.data_dir
    everything = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert PHONE_DIGITS.encode() in everything  # the outbox holds the sign-in code's line

    # when they erase their account
    erased = await network.run("consent", "DeleteMyAccount", token=person.token)

    # then no byte of any file in the data dir holds a canary or the phone number
    assert erased["data"]["deleteMyAccount"] == {"deleted": True, "error": None}
    leaks = {
        f"{path.relative_to(data_dir)}: {name}"
        for path in data_dir.rglob("*")
        if path.is_file()
        for name, canary in [*CANARIES.items(), ("phone", PHONE_DIGITS)]
        if canary.encode() in path.read_bytes()
    }
    assert leaks == set()
    # and no row of their check-ins or goals is left, sealed or not
    from services.consent.models import Goal, WellbeingCheckin

    assert await WellbeingCheckin.filter(participant_id=person.id).count() == 0
    assert await Goal.filter(participant_id=person.id).count() == 0
    # and the other person's message stays in the outbox
    # (beside the lines for staff, which name no participant: notices of concerns to supervisors
    # and of supporters needing attention to admins)
    lines = [json.loads(line) for line in network.settings.outbox_path.read_text().splitlines()]
    to_people = [line for line in lines if not line["to"].startswith("stf_")]
    assert [line["contact"] for line in to_people] == ["+919800011111"]
    staff_kinds = {"concern_reported", "supporters_need_attention"}
    assert {line["kind"] for line in lines if line not in to_people} <= staff_kinds


async def test_a_copy_made_before_erasure_is_unreadable_with_every_key_left_after_it(
    network: Network, tmp_path: Path
) -> None:
    # given a participant with a canary in every personal field, and a copy of the databases
    person = await _person_with_canaries(network)
    data_dir = network.settings.data_dir
    copies = _snapshot(data_dir, tmp_path / "backup")
    before = _readable(copies, _keys(data_dir))
    stored = set(CANARIES) - {"notification"}  # a delivered notice is in the outbox only
    assert {name for name in stored if CANARIES[name].encode() in before} == stored
    assert PHONE.encode() in before
    assert CANARIES["notification"].encode() in network.settings.outbox_path.read_bytes()

    # when they erase their account
    erased = await network.run("consent", "DeleteMyAccount", token=person.token)

    # then the copy yields no canary with any key that still exists
    assert erased["data"]["deleteMyAccount"]["deleted"] is True
    after = _readable(copies, _keys(data_dir))
    found = {name for name, canary in CANARIES.items() if canary.encode() in after}
    assert found == set()
    assert PHONE.encode() not in after
