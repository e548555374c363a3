"""Every command, given bad input: one line on stderr, a non-zero exit, never a traceback.

The console script's own entry point (``network.cli.main``) runs in process, as the installed
``saathi`` runs it, with its real argument parsing and error handling.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

from network import cli
from network.demo import description as demo
from tests.running import free_port, make_instance


def saathi(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``saathi *args``."""
    monkeypatch.setattr(sys, "argv", ["saathi", *args])
    monkeypatch.setattr(cli, "_global_data_dir", [])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    out, err = capsys.readouterr()
    code = exited.value.code
    return code if isinstance(code, int) else 1, out, err


def one_line_error(code: int, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code != 0
    assert "Traceback" not in err
    assert len(lines) == 1, err
    assert lines[0].startswith(("error: ", "invalid: ")), err
    return lines[0]


BAD_INPUT = {
    "unknown command": (["nope"], "No such command 'nope'"),
    "up: a port out of range": (["up", "--port", "99999"], "--port"),
    "serve: an unknown component": (["serve", "nope"], "unknown component 'nope'"),
    "serve: a missing supergraph": (
        ["serve", "gateway", "--port", "{port}", "--supergraph", "{dir}/none.graphql"],
        "no supergraph at",
    ),
    "service-key: an unknown component": (["service-key", "nope"], "unknown component 'nope'"),
    "compose: --out is a file": (["compose", "--out", "{dir}/file"], "{dir}/file"),
    "participant add: no names": (["participant", "add"], "Missing argument"),
    "staff add: an unknown centre": (
        ["staff", "add", "--centre", "ctr_NOPE", "--role", "centre_admin", "Meera"],
        "ctr_NOPE",
    ),
    "staff add: an unknown role": (
        ["staff", "add", "--centre", "ctr_x", "--role", "chef", "Meera"],
        "unknown role 'chef'",
    ),
    "token: an unknown id": (["token", "par_NOPE"], "par_NOPE"),
    "seed: nothing to seed": (["seed"], "--synthetic"),
    "seed: a negative count": (["seed", "--synthetic", "--groups", "-1"], "--groups"),
    "import: no such feed": (
        ["import", "file://{dir}/missing.json", "--centre", "ctr_x"],
        "missing.json",
    ),
    "partner add: no key file": (
        ["partner", "add", "--centre", "ctr_x", "--public-key", "{dir}/none.pem"],
        "no public key file",
    ),
    "partner add: not a key": (
        ["partner", "add", "--centre", demo.CENTRES[0].id, "--public-key", "{dir}/file"],
        "not a PEM public key",
    ),
    "audit verify: a head that is not one": (
        ["audit", "verify", "--head", "garbage"],
        "audit key",
    ),
    "audit key: none made yet": (["audit", "key"], "no audit key"),
    "consent verify: not a receipt": (["consent", "verify", "garbage"], "invalid"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_one_line_and_a_non_zero_exit(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir = make_instance(tmp_path / "data")
    (tmp_path / "file").write_text("not a key, not a folder")
    monkeypatch.setenv("SAATHI_DATA_DIR", str(data_dir))
    args, expected = BAD_INPUT[case]
    filled = [a.format(dir=tmp_path, port=free_port()) for a in args]

    code, _, err = saathi(filled, monkeypatch, capsys)

    line = one_line_error(code, err)
    assert expected.format(dir=tmp_path) in line


def test_an_unexpected_failure_is_one_line_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("the disk said\nno")

    monkeypatch.setenv("SAATHI_DATA_DIR", str(make_instance(tmp_path / "data")))
    monkeypatch.setattr(cli, "_with_consent_db", broken)

    code, _, err = saathi(["participant", "add", "Asha"], monkeypatch, capsys)

    assert code == 1
    assert one_line_error(code, err) == (
        "error: unexpected RuntimeError: the disk said no (SAATHI_DEBUG=1 shows where)"
    )


# --- a mistyped --data-dir ----------------------------------------------------------------------

NEEDS_AN_INSTANCE = {
    "participant add": ["participant", "add", "Asha"],
    "staff add": ["staff", "add", "--centre", "ctr_x", "--role", "facilitator", "Meera"],
    "token": ["token", "par_x"],
    "service-key": ["service-key", "gateway"],
    "import": ["import", "file:///nowhere.json", "--centre", "ctr_x"],
    "partner add": ["partner", "add", "--centre", "ctr_x", "--public-key", "/nowhere.pem"],
    "audit verify": ["audit", "verify"],
    "audit key": ["audit", "key"],
    "consent verify": ["consent", "verify", "x.y.z"],
}


@pytest.mark.parametrize("command", list(NEEDS_AN_INSTANCE))
@pytest.mark.parametrize("exists", [False, True], ids=["missing", "empty"])
def test_a_directory_without_an_instance_is_refused_by_name_and_left_alone(
    command: str,
    exists: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    typo = tmp_path / "typo"
    if exists:
        typo.mkdir()
    monkeypatch.delenv("SAATHI_DATA_DIR", raising=False)

    code, out, err = saathi(
        [*NEEDS_AN_INSTANCE[command], "--data-dir", str(typo)], monkeypatch, capsys
    )

    assert code == 2
    assert one_line_error(code, err) == (
        f"error: {typo} holds no Saathi instance (no keys, no databases): check --data-dir or "
        "SAATHI_DATA_DIR; only saathi up, seed, serve and restore make a new one"
    )
    assert out == ""
    assert typo.exists() is exists
    assert not exists or list(typo.iterdir()) == []


def test_an_instance_made_by_a_first_start_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = make_instance(tmp_path / "data")

    code, out, _ = saathi(
        ["participant", "add", "Asha", "--data-dir", str(data_dir)], monkeypatch, capsys
    )

    assert code == 0
    assert out.startswith("par_")


# --- a busy port --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["up"], ["serve", "consent"]])
def test_a_busy_port_is_refused_before_anything_is_made_naming_its_holder(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fresh = tmp_path / "fresh"
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]

        code, out, err = saathi(
            [*command, "--port", str(port), "--data-dir", str(fresh)], monkeypatch, capsys
        )

    line = one_line_error(code, err)
    assert code == 2
    assert line.startswith(f"error: port {port} on 127.0.0.1 is already in use by ")
    assert f"(pid {os.getpid()})" in line
    assert line.endswith("; stop it or choose another port with --port")
    assert "Saathi is up" not in err + out
    assert not fresh.exists()


# --- help ---------------------------------------------------------------------------------------

COMMANDS = [
    [],
    ["up"],
    ["serve"],
    ["service-key"],
    ["compose"],
    ["participant", "add"],
    ["staff", "add"],
    ["token"],
    ["seed"],
    ["import"],
    ["partner", "add"],
    ["audit", "verify"],
    ["audit", "key"],
    ["consent", "verify"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "saathi")
def test_help_shows_no_restructuredtext_markup(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = saathi([*command, "--help"], monkeypatch, capsys)

    assert code == 0
    assert "Usage: saathi" in out
    assert "``" not in out
    assert ":func:" not in out
    assert ":class:" not in out
