"""The access log against someone who holds the database, or the data dir: keyed entries, the
anchor file of signed heads, erasure markers, and the signed head a participant keeps."""

from __future__ import annotations

import hashlib
import json
import logging
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import seed_demo
from saathi.consent_terms import ConsentPurpose, DataCategory
from saathi.runtime import key_store_for, master_key_for
from services.consent import models
from services.consent.domain.access_log import (
    ChainBreak,
    audit,
    audit_logs,
    authorise_read,
    check_held_head,
    verify_chain,
)
from services.consent.domain.anchor import (
    ANCHOR_FILE,
    APPEND,
    ERASE,
    AnchorBreak,
    AnchorFile,
    AuditTrail,
    parse_line,
    read_anchor,
)
from services.consent.domain.audit_key import AUDIT_KEY_FILE, AuditKey, generate_audit_key
from services.consent.domain.delivery import OutboxDelivery
from services.consent.domain.deps import Deps
from tests.services.consent.conftest import Consent, FakeSessions, MakeConsent

PRIYA, RAVI, MEERA = demo.PARTICIPANTS[0], demo.PARTICIPANTS[1], demo.PARTICIPANTS[2]
HEAD = """query { me { dataAccessLog(first: 1) {
  edges { node { at } }
  signedHead { sequence headHash signedAt keyId signature } } } }"""


@pytest.fixture
async def seeded(make_consent: MakeConsent, sessions: FakeSessions) -> Consent:
    consent = await make_consent(sessions=sessions)
    await seed_demo(consent.settings, signing_key=consent.key)
    return consent


def _trail(consent: Consent) -> AuditTrail:
    return AuditTrail.for_data_dir(consent.settings.data_dir)


def _anchor_path(consent: Consent) -> Path:
    return consent.settings.data_dir / ANCHOR_FILE


def _deps(consent: Consent) -> Deps:
    return Deps(
        settings=consent.settings,
        signing_key=consent.key,
        master_key=master_key_for(consent.settings),
        delivery=OutboxDelivery(consent.settings.outbox_path),
        audit=_trail(consent),
        keys=key_store_for(consent.settings, "consent"),
        clock=consent.clock,
    )


async def _audit(consent: Consent) -> list[Any]:
    trail = _trail(consent)
    return (await audit(trail.key, consent.settings.data_dir)).breaks


async def _rows(participant_id: str = PRIYA.id) -> list[models.DataAccess]:
    return list(await models.DataAccess.filter(participant_id=participant_id).order_by("seq"))


def _plain_sha256(prev_hash: str, row: models.DataAccess) -> str:
    """The chain hash as the code computed it before entries were keyed."""
    content = {
        "participant": row.participant_id,
        "seq": row.seq,
        "at": row.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "accessor": row.accessor_centre_id,
        "categories": row.categories,
        "purpose": row.purpose,
        "consent": row.consent_id,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(prev_hash.encode() + canonical).hexdigest()


def _lines(consent: Consent) -> list[str]:
    return _anchor_path(consent).read_text().splitlines()


async def test_an_untouched_log_and_anchor_audit_clean(seeded: Consent) -> None:
    lines, breaks = read_anchor(_anchor_path(seeded), _trail(seeded).key)

    assert await _audit(seeded) == []
    assert breaks == []
    assert [(line.line, line.event, line.seq) for line in lines] == [
        (0, APPEND, 0),
        (1, APPEND, 1),
        (2, APPEND, 2),
        (3, APPEND, 0),
        (4, APPEND, 1),
        (5, APPEND, 2),
    ]


async def test_the_anchor_file_and_audit_key_are_private_and_name_no_participant(
    seeded: Consent,
) -> None:
    data_dir = seeded.settings.data_dir
    text = _anchor_path(seeded).read_text()
    decoded = [parse_line(_trail(seeded).key, line) for line in text.splitlines()]

    assert stat.S_IMODE((data_dir / ANCHOR_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE((data_dir / AUDIT_KEY_FILE).stat().st_mode) == 0o600
    assert all(person.id not in text for person in demo.PARTICIPANTS)
    assert all(line.token.count(".") == 2 for line in decoded)  # compact JWS, nothing in clear
    assert {line.log for line in decoded} == {
        _trail(seeded).key.pseudonym(PRIYA.id),
        _trail(seeded).key.pseudonym(RAVI.id),
    }


async def test_a_chain_rehashed_with_plain_sha256_fails_before_the_anchor_is_read(
    seeded: Consent,
) -> None:
    first, middle, last = await _rows()
    await middle.delete()
    await models.DataAccess.filter(id=last.id).update(seq=1)
    moved = await models.DataAccess.get(id=last.id)
    rehashed = _plain_sha256(first.hash, moved)
    await models.DataAccess.filter(id=last.id).update(prev_hash=first.hash, hash=rehashed)
    await models.DataAccessHead.filter(participant_id=PRIYA.id).update(seq=1, hash=rehashed)

    breaks = await verify_chain(PRIYA.id, _trail(seeded).key)

    assert breaks == [ChainBreak(PRIYA.id, 1, "edited: its content does not match its hash")]


async def test_a_removed_newest_entry_with_its_head_moved_back_is_named(seeded: Consent) -> None:
    *kept, newest = await _rows()
    await newest.delete()
    await models.DataAccessHead.filter(participant_id=PRIYA.id).update(
        seq=kept[-1].seq, hash=kept[-1].hash
    )
    assert await verify_chain(PRIYA.id, _trail(seeded).key) == []

    breaks = await _audit(seeded)

    assert breaks == [
        ChainBreak(
            PRIYA.id,
            None,
            "the log ends at entry 1 but the anchor signed entry 2 as its newest (entries removed)",
        )
    ]


async def test_a_whole_log_removed_with_its_head_is_named(seeded: Consent) -> None:
    await models.DataAccess.filter(participant_id=RAVI.id).delete()
    await models.DataAccessHead.filter(participant_id=RAVI.id).delete()

    breaks = await _audit(seeded)

    assert breaks == [
        ChainBreak(
            RAVI.id,
            None,
            "the anchor signed entry 2 as its newest but the whole log is gone (entries removed)",
        )
    ]


async def test_a_removed_newest_entry_hidden_by_a_later_read_is_named(
    seeded: Consent, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="services.consent.domain.anchor")
    *kept, newest = await _rows()
    await newest.delete()
    await models.DataAccessHead.filter(participant_id=PRIYA.id).update(
        seq=kept[-1].seq, hash=kept[-1].hash
    )
    allowed = await authorise_read(
        _deps(seeded),
        PRIYA.id,
        demo.CENTRES[1].id,
        [DataCategory.ATTENDANCE],
        ConsentPurpose.CARE_CONTINUITY,
    )
    assert allowed is not None
    assert await verify_chain(PRIYA.id, _trail(seeded).key) == []

    breaks = await _audit(seeded)

    assert breaks == [
        ChainBreak(PRIYA.id, 2, "differs from the entry the anchor signed at line 2 (rewritten)")
    ]
    assert [record.getMessage() for record in caplog.records] == [
        f"access log {_trail(seeded).key.pseudonym(PRIYA.id)} grows to entry 2 but this anchor "
        "file signed entry 2 last: entries were removed from the database (run saathi audit "
        "verify)"
    ]


async def test_a_whole_log_removed_with_its_participant_is_named_by_its_pseudonym(
    seeded: Consent,
) -> None:
    await models.DataAccess.filter(participant_id=PRIYA.id).delete()
    await models.DataAccessHead.filter(participant_id=PRIYA.id).delete()
    await models.Participant.filter(id=PRIYA.id).delete()

    breaks = await _audit(seeded)

    assert breaks == [
        ChainBreak(
            _trail(seeded).key.pseudonym(PRIYA.id),
            None,
            "the anchor signed entry 2 as its newest but the whole log is gone (entries removed)",
        )
    ]


async def test_entries_written_around_the_service_are_named(seeded: Consent) -> None:
    await models.DataAccess.filter(participant_id=MEERA.id).delete()
    (row,) = (await _rows())[:1]
    await models.DataAccess.create(
        participant_id=MEERA.id,
        seq=0,
        at=row.at,
        accessor_centre_id=row.accessor_centre_id,
        categories=row.categories,
        purpose=row.purpose,
        consent_id=row.consent_id,
        prev_hash="0" * 64,
        hash="f" * 64,
    )
    await models.DataAccessHead.create(participant_id=MEERA.id, seq=0, hash="f" * 64)

    breaks = await _audit(seeded)

    assert breaks == [
        ChainBreak(MEERA.id, 0, "edited: its content does not match its hash"),
        ChainBreak(
            MEERA.id,
            None,
            "no line of the anchor file signs this log (written around the consent service, "
            "or the anchor file was cut short)",
        ),
    ]


async def test_an_edited_anchor_line_is_named(seeded: Consent) -> None:
    lines = _lines(seeded)
    header, payload, signature = lines[1].split(".")
    lines[1] = f"{header}.{payload}.{signature[:-4]}AAAA"
    _anchor_path(seeded).write_text("\n".join(lines) + "\n")

    breaks = await _audit(seeded)

    assert [str(found) for found in breaks[:2]] == [
        "anchor line 1: edited or forged: not a valid signed head: its signature does not verify",
        "anchor line 2: does not follow the line before it",
    ]


async def test_a_removed_anchor_line_is_named(seeded: Consent) -> None:
    lines = _lines(seeded)
    del lines[3]
    _anchor_path(seeded).write_text("\n".join(lines) + "\n")

    breaks = await _audit(seeded)

    assert breaks == [AnchorBreak(4, "lines 3 to 3 are missing here (removed)")]


async def test_a_cut_short_anchor_file_is_named_against_the_database(seeded: Consent) -> None:
    _anchor_path(seeded).write_text("\n".join(_lines(seeded)[:4]) + "\n")

    breaks = await _audit(seeded)

    assert breaks == [
        ChainBreak(
            RAVI.id,
            None,
            "entries 1 to 2 were never signed into the anchor file (written around the consent "
            "service, or the anchor file was cut short)",
        )
    ]


async def test_a_signed_head_forged_with_another_key_is_refused(seeded: Consent) -> None:
    trail = _trail(seeded)
    forged = AnchorFile(_anchor_path(seeded), generate_audit_key())
    line = await forged.append(
        trail.key.pseudonym(PRIYA.id), event=ERASE, seq=2, head="0" * 64, at=seeded.clock()
    )

    breaks = await _audit(seeded)

    assert breaks == [
        AnchorBreak(6, "edited or forged: it was not signed by this network's audit key")
    ]
    assert line.line == 6


async def test_erasure_signs_a_marker_and_the_audit_stays_clean(seeded: Consent) -> None:
    signed_in = await seeded.sign_in(PRIYA.contact)

    body = await seeded.post(
        "mutation { deleteMyAccount { deleted } }", token=signed_in["accessToken"]
    )

    lines, _ = read_anchor(_anchor_path(seeded), _trail(seeded).key)
    assert body == {"data": {"deleteMyAccount": {"deleted": True}}}
    assert (lines[-1].log, lines[-1].event, lines[-1].seq) == (
        _trail(seeded).key.pseudonym(PRIYA.id),
        ERASE,
        2,
    )
    assert await _audit(seeded) == []


async def test_entries_back_after_an_erasure_are_named(seeded: Consent) -> None:
    saved = await _rows()
    signed_in = await seeded.sign_in(PRIYA.contact)
    await seeded.post("mutation { deleteMyAccount { deleted } }", token=signed_in["accessToken"])
    for row in saved:
        await models.DataAccess.create(
            **{name: getattr(row, name) for name in ("participant_id", "seq", "at", "purpose")},
            accessor_centre_id=row.accessor_centre_id,
            categories=row.categories,
            consent_id=row.consent_id,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )
    await models.DataAccessHead.create(participant_id=PRIYA.id, seq=2, hash=saved[-1].hash)

    breaks = await _audit(seeded)

    assert breaks == [
        ChainBreak(
            PRIYA.id, None, "the log was erased (anchor line 6) but has entries in the database"
        )
    ]


async def test_the_participant_reads_the_head_the_service_signed(seeded: Consent) -> None:
    trail = _trail(seeded)
    (newest,) = (await _rows())[-1:]

    body = await seeded.post(HEAD, token=seeded.token(PRIYA.id))

    head = body["data"]["me"]["dataAccessLog"]["signedHead"]
    claims = trail.key.verify(head["signature"])
    assert (head["sequence"], head["headHash"], head["keyId"]) == (2, newest.hash, trail.key.kid)
    assert (claims["log"], claims["seq"], claims["head"], claims["event"]) == (
        trail.key.pseudonym(PRIYA.id),
        2,
        newest.hash,
        APPEND,
    )
    assert head["signedAt"] == claims["at"]


async def test_the_signed_head_is_null_for_an_empty_log(seeded: Consent) -> None:
    body = await seeded.post(HEAD, token=seeded.token(MEERA.id))

    assert body == {"data": {"me": {"dataAccessLog": {"edges": [], "signedHead": None}}}}


async def test_the_signed_head_stays_what_was_signed_after_the_database_is_rewritten(
    seeded: Consent,
) -> None:
    before = await seeded.post(HEAD, token=seeded.token(PRIYA.id))
    await models.DataAccess.filter(participant_id=PRIYA.id, seq=2).delete()
    await models.DataAccessHead.filter(participant_id=PRIYA.id).update(
        seq=1, hash=(await _rows())[-1].hash
    )

    after = await seeded.post(HEAD, token=seeded.token(PRIYA.id))

    assert after["data"]["me"]["dataAccessLog"]["signedHead"]["sequence"] == 2
    assert after == before | {
        "data": {
            "me": {
                "dataAccessLog": {
                    "edges": [{"node": {"at": (await _rows())[-1].at.isoformat()}}],
                    "signedHead": before["data"]["me"]["dataAccessLog"]["signedHead"],
                }
            }
        }
    }


async def test_a_kept_signed_head_proves_a_later_rewrite(seeded: Consent) -> None:
    trail = _trail(seeded)
    body = await seeded.post(HEAD, token=seeded.token(PRIYA.id))
    kept = body["data"]["me"]["dataAccessLog"]["signedHead"]["signature"]
    assert await check_held_head(trail.key, seeded.settings.data_dir, kept) == []
    await models.DataAccess.filter(participant_id=PRIYA.id, seq=2).delete()
    _anchor_path(seeded).write_text("\n".join(_lines(seeded)[:2]) + "\n")

    problems = await check_held_head(trail.key, seeded.settings.data_dir, kept)

    assert problems == [
        "the anchor file no longer holds line 2 that was signed (cut short or rewritten)",
        "the log no longer holds entry 2 as it was signed (removed or rewritten)",
    ]


async def test_two_writers_on_one_anchor_file_keep_one_chain(tmp_path: Path) -> None:
    key: AuditKey = generate_audit_key()
    one, other = AnchorFile(tmp_path / ANCHOR_FILE, key), AnchorFile(tmp_path / ANCHOR_FILE, key)
    at = datetime.now(UTC)

    for index in range(3):
        await one.append("log_a", event=APPEND, seq=index, head=f"{index:064x}", at=at)
        await other.append("log_b", event=APPEND, seq=index, head=f"{index:064x}", at=at)

    lines, breaks = read_anchor(tmp_path / ANCHOR_FILE, key)
    assert breaks == []
    assert [(line.line, line.log) for line in lines] == [
        (0, "log_a"),
        (1, "log_b"),
        (2, "log_a"),
        (3, "log_b"),
        (4, "log_a"),
        (5, "log_b"),
    ]
    assert (await one.latest("log_b"), await other.latest("log_a")) == (lines[5], lines[4])


async def test_audit_logs_with_an_empty_anchor_names_every_log(seeded: Consent) -> None:
    breaks = await audit_logs(_trail(seeded).key, [])

    assert [(found.participant_id, found.seq) for found in breaks] == [
        (participant_id, None) for participant_id in sorted([PRIYA.id, RAVI.id])
    ]


async def _read_on_replica(consent: Consent, name: str) -> None:
    """One logged read by a consent replica whose data dir has its own anchor file, copied in
    beside this one's as ``name``."""
    trail = _trail(consent)
    replica = AuditTrail(trail.key, AnchorFile(consent.settings.data_dir / name, trail.key))
    deps = Deps(**{**_deps(consent).__dict__, "audit": replica})
    assert await authorise_read(
        deps,
        PRIYA.id,
        demo.CENTRES[1].id,
        [DataCategory.ATTENDANCE],
        ConsentPurpose.CARE_CONTINUITY,
    )


async def test_anchor_files_of_replicas_audit_together(seeded: Consent) -> None:
    await _read_on_replica(seeded, "audit-heads.replica-b.jsonl")

    report = await audit(_trail(seeded).key, seeded.settings.data_dir)

    assert report.breaks == []
    assert (report.checked, report.anchor_lines) == (2, 6)


async def test_a_replicas_anchor_file_left_out_is_named(seeded: Consent) -> None:
    await _read_on_replica(seeded, "elsewhere.jsonl")

    breaks = await _audit(seeded)

    assert breaks == [
        ChainBreak(
            PRIYA.id,
            None,
            "entries 3 to 3 were never signed into the anchor file (written around the consent "
            "service, or the anchor file was cut short)",
        )
    ]


async def test_an_edited_line_in_a_replicas_anchor_file_names_that_file(seeded: Consent) -> None:
    await _read_on_replica(seeded, "audit-heads.replica-b.jsonl")
    path = seeded.settings.data_dir / "audit-heads.replica-b.jsonl"
    header, payload, signature = path.read_text().strip().split(".")
    path.write_text(f"{header}.{payload}.{signature[:-4]}AAAA\n")

    breaks = await _audit(seeded)

    assert [str(found) for found in breaks] == [
        "anchor audit-heads.replica-b.jsonl line 0: edited or forged: not a valid signed head: "
        "its signature does not verify",
        f"{PRIYA.id} head: entries 3 to 3 were never signed into the anchor file (written "
        "around the consent service, or the anchor file was cut short)",
    ]


async def test_the_service_says_at_once_that_its_anchor_file_was_cut_short(
    seeded: Consent, caplog: pytest.LogCaptureFixture
) -> None:
    trail = _trail(seeded)
    await trail.anchor.latest(trail.key.pseudonym(PRIYA.id))
    size = _anchor_path(seeded).stat().st_size
    _anchor_path(seeded).write_text("\n".join(_lines(seeded)[:4]) + "\n")
    caplog.set_level(logging.ERROR, logger="services.consent.domain.anchor")

    latest = await trail.anchor.latest(trail.key.pseudonym(RAVI.id))

    assert (None if latest is None else latest.seq) == 0
    assert [record.getMessage() for record in caplog.records] == [
        f"anchor file {_anchor_path(seeded)} shrank from {size} to "
        f"{_anchor_path(seeded).stat().st_size} bytes: it was cut short (run saathi audit verify)"
    ]


async def test_entries_removed_but_the_head_row_left_are_named(seeded: Consent) -> None:
    await models.DataAccess.filter(participant_id=RAVI.id).delete()

    breaks = await _audit(seeded)

    assert [str(found) for found in breaks] == [
        f"{RAVI.id} head: the log ends at entry -1 but entry 2 was written last (newest entries "
        "removed)",
        f"{RAVI.id} head: the log has no entries but the anchor signed entry 2 as its newest "
        "(entries removed)",
    ]
