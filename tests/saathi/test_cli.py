"""The command line, run as users run it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import jwt
from typer.testing import CliRunner, Result

from network.cli import app
from network.demo import description as demo
from network.demo.practice import trainee_id
from saathi.keys import load_or_create_signing_key
from tests.conftest import operation
from tests.running import make_instance

runner = CliRunner()


def _lines(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_participant_add_prints_one_id_a_line_and_token_signs_for_it(tmp_path: Path) -> None:
    make_instance(tmp_path)
    ids = _lines(
        runner.invoke(app, ["participant", "add", "Asha", "Ravi", "--data-dir", str(tmp_path)])
    )
    tokens = _lines(runner.invoke(app, ["--data-dir", str(tmp_path), "token", *ids]))

    assert len(ids) == 2
    assert all(value.startswith("par_") for value in ids)
    key = load_or_create_signing_key(tmp_path)
    claims = [
        jwt.decode(t, key.public_key, algorithms=["EdDSA"], audience="saathi-network")
        for t in tokens
    ]
    assert [c["sub"] for c in claims] == ids
    assert {c["role"] for c in claims} == {"participant"}


def test_staff_tokens_carry_role_and_centre(tmp_path: Path) -> None:
    make_instance(tmp_path)
    centre = demo.CENTRES[0].id
    ids = _lines(
        runner.invoke(
            app,
            [
                "staff",
                "add",
                "--centre",
                centre,
                "--role",
                "centre_admin",
                "Meera",
                "--data-dir",
                str(tmp_path),
            ],
        )
    )
    (token,) = _lines(runner.invoke(app, ["token", ids[0], "--data-dir", str(tmp_path)]))

    claims = jwt.decode(token, options={"verify_signature": False})
    assert ids[0].startswith("stf_")
    assert (claims["role"], claims["centre"]) == ("centre_admin", centre)


def test_an_unknown_role_is_refused_with_a_message(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["staff", "add", "--centre", "ctr_x", "--role", "owner", "X", "--data-dir", str(tmp_path)],
    )

    assert result.exit_code == 2
    assert "unknown role 'owner'" in result.output


def test_a_token_for_an_unknown_id_fails_cleanly(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["token", "par_00000000000000000000000000", "--data-dir", str(tmp_path)]
    )

    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_compose_writes_every_subgraph_and_the_supergraph(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compose", "--out", str(tmp_path / "schema")])

    assert result.exit_code == 0, result.output
    files = sorted(path.name for path in (tmp_path / "schema").iterdir())
    assert files == [
        "consent.graphql",
        "directory.graphql",
        "sessions.graphql",
        "supergraph.graphql",
    ]
    supergraph = (tmp_path / "schema" / "supergraph.graphql").read_text()
    assert '@join__graph(name: "directory", url: "http://127.0.0.1:4001/graphql")' in supergraph


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_saathi_up_answers_nearby_groups_near_pune(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "SAATHI_DATA_DIR": str(tmp_path / "data")}
    log = tmp_path / "up.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from network.cli import main; main()",
                "up",
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "saathi up did not become healthy in 60 s"
            time.sleep(0.2)
        query = operation("mobile", "NearbyGroups")
        body = httpx.post(
            f"{url}/graphql",
            json={
                "query": query,
                "variables": {"near": {"lat": 18.52, "lng": 73.85}, "radiusKm": 10},
            },
        ).json()
        page = httpx.get(f"{url}/graphql", headers={"accept": "text/html"})
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)

    edges = body["data"]["nearbyGroups"]["edges"]
    assert "errors" not in body, json.dumps(body)[:500]
    assert edges
    assert all(edge["node"]["centre"]["city"] == "Pune" for edge in edges)
    assert all(edge["node"]["nextSession"] is not None for edge in edges)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "graphiql" in page.text
    assert (tmp_path / "data" / "signing-key.pem").stat().st_mode & 0o777 == 0o600


def test_service_key_prints_the_public_key_other_hosts_install(tmp_path: Path) -> None:
    from saathi.service_trust import ServiceKeys, ServiceTokens, ServiceTrust

    # given the gateway's public key, printed on the gateway's host
    make_instance(tmp_path)
    result = runner.invoke(app, ["service-key", "gateway", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip()
    elsewhere = tmp_path / "sessions-host" / "keys"
    elsewhere.mkdir(parents=True)
    (elsewhere / "gateway.jwk.json").write_text(printed)

    # when the gateway signs a call to sessions
    token = ServiceTokens("gateway", ServiceKeys(tmp_path / "keys").own("gateway"))("sessions")

    # then sessions' host verifies it with the installed public key alone
    assert ServiceTrust("sessions", ServiceKeys(elsewhere), {"gateway"}).caller(token) == "gateway"
    assert "d" not in json.loads(printed)
    assert sorted(path.name for path in elsewhere.iterdir()) == ["gateway.jwk.json"]


def test_a_staff_member_is_tied_to_their_peer_supporter_record_of_the_same_centre(
    seeded_dir: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_dir, data_dir)
    centre, other = demo.CENTRES[0].id, demo.CENTRES[1].id
    trainee = trainee_id(centre)

    def add(centre_id: str, supporter: str) -> Result:
        return runner.invoke(
            app,
            [
                "staff",
                "add",
                "--centre",
                centre_id,
                "--role",
                "facilitator",
                "--supporter",
                supporter,
                "Kiran",
                "--data-dir",
                str(data_dir),
            ],
        )

    elsewhere = add(other, trainee)
    (staff_id,) = _lines(add(centre, trainee))
    again = add(centre, trainee)
    (token,) = _lines(runner.invoke(app, ["token", staff_id, "--data-dir", str(data_dir)]))

    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["role"], claims["centre"], claims["supporter"]) == (
        "facilitator",
        centre,
        trainee,
    )
    assert elsewhere.exit_code != 0
    assert "has no peer supporter" in elsewhere.output
    assert again.exit_code != 0
    assert "already a staff member" in again.output


def test_an_existing_staff_member_is_linked_to_and_unlinked_from_their_supporter_record(
    seeded_dir: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_dir, data_dir)
    centre, other = demo.CENTRES[0].id, demo.CENTRES[1].id
    trainee, elsewhere = trainee_id(centre), trainee_id(other)
    mentor = next(s.id for s in demo.SUPPORTERS if s.centre_id == centre and s.id != trainee)

    def run(*args: str) -> Result:
        return runner.invoke(app, [*args, "--data-dir", str(data_dir)])

    def supporter_claim(staff: str) -> str | None:
        (token,) = _lines(run("token", staff))
        claim: str | None = jwt.decode(token, options={"verify_signature": False}).get("supporter")
        return claim

    # given a facilitator added without a supporter record, and a colleague
    (kiran,) = _lines(run("staff", "add", "--centre", centre, "--role", "facilitator", "Kiran"))
    (asha,) = _lines(run("staff", "add", "--centre", centre, "--role", "facilitator", "Asha"))

    # when they are linked, with the same checks as staff add --supporter
    of_another_centre = run("staff", "link", kiran, "--supporter", elsewhere)
    taken = run("staff", "link", kiran, "--supporter", mentor)  # the demo already ties it
    not_a_supporter = run("staff", "link", kiran, "--supporter", "grp_1")
    nobody = run("staff", "link", "stf_nobody", "--supporter", trainee)
    linked = run("staff", "link", kiran, "--supporter", trainee)
    again = run("staff", "link", kiran, "--supporter", trainee)
    colleague = run("staff", "link", asha, "--supporter", trainee)
    tied_claim = supporter_claim(kiran)

    # then only the supporter of their own centre that no one else holds is tied, once
    refusals = {
        "of_another_centre": (of_another_centre, f"The centre {centre} has no peer supporter"),
        "taken": (taken, "is already a staff member"),
        "not_a_supporter": (not_a_supporter, "is not a peer supporter id"),
        "nobody": (nobody, "No staff member has the id 'stf_nobody'"),
        "colleague": (colleague, "is already a staff member"),
    }
    for name, (result, message) in refusals.items():
        assert result.exit_code == 2, name
        assert message in result.output, (name, result.output)
        assert len(result.output.strip().splitlines()) == 1, (name, result.output)
    assert linked.exit_code == 0, linked.output
    assert again.exit_code == 0, again.output
    assert tied_claim == trainee
    moved = run("staff", "link", kiran, "--supporter", mentor)
    assert moved.exit_code == 2
    assert f"already tied to the peer supporter {trainee}; unlink them first" in moved.output

    # when they are unlinked, the supporter is free for the colleague
    unlinked = run("staff", "unlink", kiran)
    unlinked_again = run("staff", "unlink", kiran)
    unknown = run("staff", "unlink", "stf_nobody")
    taken_over = run("staff", "link", asha, "--supporter", trainee)

    assert unlinked.exit_code == 0, unlinked.output
    assert f"no longer the peer supporter {trainee}" in unlinked.output
    assert unlinked_again.exit_code == 0
    assert "was not tied" in unlinked_again.output
    assert unknown.exit_code == 2
    assert supporter_claim(kiran) is None
    assert taken_over.exit_code == 0, taken_over.output
    assert supporter_claim(asha) == trainee
