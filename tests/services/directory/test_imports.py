"""Importing a partner's TSML feed into a centre's groups, idempotently."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from network.cli import app
from saathi.database import close_databases, open_databases
from saathi.settings import Settings
from services.directory import repository
from services.directory.domain.imports import import_tsml, read_feed
from services.directory.domain.records import Address, Centre, Point
from tests.running import make_instance
from tests.services.directory.conftest import MakeCentre

FEED: list[dict[str, Any]] = [
    {
        "slug": "sunrise",
        "name": "Sunrise Group",
        "day": [1, 3],
        "time": "07:00",
        "end_time": "08:00",
        "types": ["O", "W", "X", "HI"],
        "address": "12 MG Road",
        "city": "Pune",
        "postal_code": "411001",
        "latitude": "18.51",
        "longitude": "73.85",
        "notes": "Enter by the side gate.",
    },
    {
        "id": 42,
        "name": "Online Serenity",
        "day": 6,
        "time": "20:30",
        "types": ["ONL", "EN", "DD"],
        "conference_url": "https://meet.example.org/serenity",
    },
    {"slug": "no-time", "name": "Someday Group", "day": 2},
    {
        "slug": "plain-http",
        "name": "Old Link",
        "day": 2,
        "time": "10:00",
        "types": ["ONL"],
        "conference_url": "http://x.example.org",
    },
    {"name": "No slug at all", "day": 2, "time": "10:00"},
]


def write_feed(tmp_path: Path, meetings: list[dict[str, Any]]) -> str:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(meetings))
    return path.as_uri()


async def test_a_feed_becomes_the_centres_groups(make_centre: MakeCentre, tmp_path: Path) -> None:
    centre = await make_centre(languages=("mr",))
    url = write_feed(tmp_path, FEED)

    report = await import_tsml(await read_feed(url), centre.id)

    assert report.summary() == (
        "created 2, updated 0, skipped 3 (no slug or id: 1; no time: 1; "
        "onlineJoinUrl must be an https:// address, got 'http://x.example.org': 1)"
    )
    stored = await repository.groups_by_source(centre.id, ["sunrise", "42"])
    sunrise, serenity = stored["sunrise"], stored["42"]
    assert (sunrise.format, sunrise.schedule.rrule, sunrise.schedule.duration_minutes) == (
        "IN_PERSON",
        "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=7;BYMINUTE=0",
        60,
    )
    assert (sunrise.audience, sunrise.accessibility, sunrise.languages) == (
        ("WOMEN",),
        ("WHEELCHAIR",),
        ("hi",),
    )
    assert sunrise.address == Address("12 MG Road", "Pune", "411001")
    assert sunrise.location == Point(18.51, 73.85)
    assert sunrise.description == "Enter by the side gate."
    assert (serenity.format, serenity.schedule.rrule, serenity.focus) == (
        "ONLINE",
        "FREQ=WEEKLY;BYDAY=SA;BYHOUR=20;BYMINUTE=30",
        ("ADDICTION_RECOVERY", "DUAL_DIAGNOSIS"),
    )
    assert serenity.online_join_url == "https://meet.example.org/serenity"
    assert serenity.anchor == centre.location
    assert await repository.count_pending_pushes() == 2


async def test_importing_again_updates_what_changed_and_creates_nothing(
    make_centre: MakeCentre, tmp_path: Path
) -> None:
    centre = await make_centre()
    await import_tsml(FEED, centre.id)
    first = await repository.groups_by_source(centre.id, ["sunrise", "42"])
    changed = [{**FEED[0], "name": "Sunrise Group (Mon, Wed)"}, FEED[1]]

    report = await import_tsml(changed, centre.id)

    assert report.summary() == "created 0, updated 1, skipped 1 (unchanged: 1)"
    second = await repository.groups_by_source(centre.id, ["sunrise", "42"])
    assert second["sunrise"].id == first["sunrise"].id
    assert second["sunrise"].name == "Sunrise Group (Mon, Wed)"
    assert second["42"] == first["42"]
    assert (await repository.count_rows())["groups"] == 2


def test_the_command_imports_a_file_and_prints_a_summary(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    centre = Centre(
        "ctr_import",
        "Saathi Import",
        "Pune",
        Address("1 Road", "Pune", None),
        Point(18.5, 73.8),
        None,
        None,
        ("en",),
        False,
    )

    async def given() -> None:
        await open_databases(settings, ["directory"])
        await repository.save_centre(centre)
        await close_databases()

    asyncio.run(given())
    url = write_feed(tmp_path, FEED[:2])
    runner = CliRunner()

    first = runner.invoke(
        app, ["import", url, "--centre", "ctr_import", "--data-dir", str(tmp_path)]
    )
    second = runner.invoke(
        app, ["import", url, "--centre", "ctr_import", "--data-dir", str(tmp_path)]
    )

    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[-1] == "created 2, updated 0, skipped 0"
    assert second.stdout.splitlines()[-1] == "created 0, updated 0, skipped 2 (unchanged: 2)"


def test_the_command_refuses_an_unknown_centre(tmp_path: Path) -> None:
    make_instance(tmp_path)
    url = write_feed(tmp_path, FEED[:1])

    result = CliRunner().invoke(
        app, ["import", url, "--centre", "ctr_nope", "--data-dir", str(tmp_path)]
    )

    assert result.exit_code == 2
    assert "No centre has the id 'ctr_nope'." in result.output


async def test_a_conference_url_that_is_not_a_plain_https_address_is_skipped(
    make_centre: MakeCentre,
) -> None:
    centre = await make_centre()
    base = {"name": "Online Serenity", "day": 6, "time": "20:30", "types": ["ONL"]}
    feed = [
        {**base, "slug": "crlf", "conference_url": "https://m.example.org/x\r\nBEGIN:VEVENT"},
        {**base, "slug": "nul", "conference_url": "https://m.example.org/x\x00"},
        {**base, "slug": "long", "conference_url": "https://m.example.org/" + "x" * 400},
        {**base, "slug": "object", "conference_url": {"href": "https://m.example.org/x"}},
        {**base, "slug": "fine", "conference_url": "https://m.example.org/x"},
    ]

    report = await import_tsml(feed, centre.id)

    assert report.created == 1
    assert sorted(report.details) == [
        "skipped crlf: onlineJoinUrl must not contain spaces or control characters",
        "skipped long: onlineJoinUrl must be at most 300 characters",
        "skipped nul: onlineJoinUrl must not contain spaces or control characters",
        "skipped object: onlineJoinUrl (conference_url) must be a string",
    ]
    stored = await repository.groups_by_source(centre.id, ["fine", "crlf"])
    assert list(stored) == ["fine"]
