"""Backup and restore of the embedded default: consistent under booking load, restorable into a
new data dir that serves the same people, with the key stores and secrets in parts of their
own (so that erasure stays erasure)."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from network.assembly import EmbeddedNetwork
from network.cli import app
from network.demo import description as demo
from saathi.backup import DATABASES, KEY_STORES, PARTS, SECRETS, BackupRefused, backup, restore
from saathi.settings import Settings, load_settings
from tests.conftest import operation
from tests.saathi.conftest import Network

CONTACTS = [f"+91980000{n:04d}" for n in range(4)]


def _bookings(database: Path) -> dict[str, str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT id, status FROM sessions_booking").fetchall()
    connection.close()
    return {str(booking): str(status) for booking, status in rows}


async def _sessions(network: Network) -> list[str]:
    found: list[str] = []
    for group in demo.GROUPS[:12]:
        detail = await network.run("mobile", "GroupDetail", id=group.id)
        found += [session["id"] for session in detail["data"]["group"]["upcomingSessions"]]
    return found


async def test_a_backup_under_booking_load_holds_every_booking_confirmed_before_it(
    network: Network, tmp_path: Path
) -> None:
    # given participants who keep booking while the backup runs
    tokens = [(await network.sign_in(contact))["accessToken"] for contact in CONTACTS]
    sessions = await _sessions(network)
    confirmed: list[tuple[int, str]] = []  # (sequence number when confirmed, booking id)
    backup_started: list[int] = []
    stop = asyncio.Event()
    twenty = asyncio.Event()

    async def book(token: str, offset: int) -> None:
        for n, session in enumerate(sessions[offset:] + sessions[:offset]):
            if stop.is_set():
                return
            body = await network.run(
                "mobile", "BookSession", token=token, sessionId=session, idempotencyKey=f"k{n}"
            )
            booking = body["data"]["bookSession"]["booking"]
            if booking is not None and booking["status"] == "CONFIRMED":
                confirmed.append((len(confirmed), booking["id"]))
                if len(confirmed) >= 20:
                    twenty.set()

    async def back_up_midway() -> None:
        await twenty.wait()
        backup_started.append(len(confirmed))
        await asyncio.to_thread(backup, network.settings, tmp_path / "backup")
        stop.set()

    await asyncio.gather(*(book(token, 7 * i) for i, token in enumerate(tokens)), back_up_midway())

    # then the backup's three parts are there
    assert {path.name for path in (tmp_path / "backup").iterdir()} == set(PARTS)
    # and restored into a new data dir, it holds every booking confirmed before it began
    restored = replace(network.settings, data_dir=tmp_path / "restored")
    restore(tmp_path / "backup", restored)
    found = _bookings(restored.data_dir / "sessions.sqlite3")
    before = [booking for n, booking in confirmed if n < backup_started[0]]
    assert len(before) >= 20
    assert all(found.get(booking) == "CONFIRMED" for booking in before)
    # and nothing the network wrote during the backup is half there: every booking found is
    # one the live database holds too, with a session the copy holds
    live = _bookings(network.settings.data_dir / "sessions.sqlite3")
    assert set(found) <= set(live)
    with sqlite3.connect(restored.data_dir / "sessions.sqlite3") as connection:
        (orphans,) = connection.execute(
            "SELECT COUNT(*) FROM sessions_booking b LEFT JOIN sessions_session s "
            "ON s.id = b.session_id WHERE s.id IS NULL"
        ).fetchone()
    connection.close()
    assert orphans == 0


def _settings(data_dir: Path) -> Settings:
    return load_settings({}, data_dir=data_dir)


async def _graphql(
    app: object, name: str, token: str | None = None, **variables: object
) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://saathi") as client:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await client.post(
            "/graphql",
            json={"query": operation("mobile", name), "variables": variables},
            headers=headers,
        )
    return dict(response.json())


async def _sign_in(app: object, settings: Settings, contact: str) -> str:
    sent = await _graphql(app, "RequestLoginCode", contact=contact)
    assert sent["data"]["requestLoginCode"]["sent"] is True, sent
    lines = settings.outbox_path.read_text().splitlines()
    code = [json.loads(line) for line in lines if json.loads(line)["to"] == contact][-1]["code"]
    verified = await _graphql(app, "VerifyLoginCode", contact=contact, code=code)
    return str(verified["data"]["verifyLoginCode"]["accessToken"])


async def test_a_restored_data_dir_serves_the_same_people_with_their_sealed_data(
    seeded_dir: Path, tmp_path: Path
) -> None:
    # given a network where a participant signed in and booked
    live = _settings(tmp_path / "live")
    shutil.copytree(seeded_dir, live.data_dir)
    app_live = EmbeddedNetwork(live, demo=False).build()
    async with app_live.router.lifespan_context(app_live):
        token = await _sign_in(app_live, live, "+919811111111")
        detail = await _graphql(app_live, "GroupDetail", id=demo.GROUPS[0].id)
        session = detail["data"]["group"]["upcomingSessions"][0]["id"]
        await _graphql(app_live, "BookSession", token, sessionId=session, idempotencyKey="k")
        before = await _graphql(app_live, "Me", token)
        # when it is backed up through the CLI while serving
        result = CliRunner().invoke(
            app, ["backup", str(tmp_path / "b"), "--data-dir", str(live.data_dir)]
        )
    assert result.exit_code == 0, result.output
    assert "not backed up" not in result.output  # every file of the data dir is accounted for
    assert before["data"]["me"]["bookings"], before

    # then restored into a new data dir, the participant's token (signed by the restored key)
    # still works, and their name, sealed under their key in the key store, reads back
    result = CliRunner().invoke(
        app, ["restore", str(tmp_path / "b"), "--data-dir", str(tmp_path / "new")]
    )
    assert result.exit_code == 0, result.output
    restored = _settings(tmp_path / "new")
    app_restored = EmbeddedNetwork(restored, demo=False).build()
    async with app_restored.router.lifespan_context(app_restored):
        after = await _graphql(app_restored, "Me", token)
    assert after["data"] == before["data"]
    assert not (restored.data_dir / "outbox.jsonl").exists()  # contacts and codes stay behind


def test_the_key_stores_and_secrets_are_apart_from_the_databases(
    seeded_dir: Path, tmp_path: Path
) -> None:
    settings = _settings(seeded_dir)
    report = backup(settings, tmp_path / "b")

    assert all(name.endswith(".keys.sqlite3") for name in report.files[KEY_STORES])
    assert report.files[KEY_STORES]
    assert "master.key" in report.files[SECRETS]
    assert "signing-key.pem" in report.files[SECRETS]
    assert not any(
        "keys" in name or name.endswith((".pem", ".key")) for name in report.files[DATABASES]
    )
    assert "outbox.jsonl" not in {name for names in report.files.values() for name in names}
    assert report.unknown == []


def test_restore_refuses_a_used_data_dir_a_missing_part_and_an_altered_file(
    seeded_dir: Path, tmp_path: Path
) -> None:
    backup(_settings(seeded_dir), tmp_path / "b")

    with pytest.raises(BackupRefused, match="not empty"):
        restore(tmp_path / "b", _settings(seeded_dir))

    (tmp_path / "b" / "databases" / "directory.sqlite3").write_bytes(b"tampered")
    with pytest.raises(BackupRefused, match="altered"):
        restore(tmp_path / "b", _settings(tmp_path / "one"))

    shutil.rmtree(tmp_path / "b" / KEY_STORES)
    with pytest.raises(BackupRefused, match="key-stores"):
        restore(tmp_path / "b", _settings(tmp_path / "two"))


def test_on_postgresql_the_keys_and_secrets_are_backed_up_and_the_databases_left_to_pg_dump(
    seeded_dir: Path, tmp_path: Path
) -> None:
    settings = load_settings({"SAATHI_DATABASE_URL": "postgres://x@db/saathi"}, data_dir=seeded_dir)
    report = backup(settings, tmp_path / "b")

    assert report.elsewhere == ["directory", "sessions", "consent"]
    assert not any(name.endswith(".sqlite3") for name in report.files[DATABASES])
    assert report.files[KEY_STORES]
    assert "master.key" in report.files[SECRETS]
