"""The deploy files stay true to the code: they parse, name only the project's image (built by
the Dockerfile they name) and the few outside images listed here, run only commands the CLI
accepts, set only environment variables the code reads (and every one a process needs), hand
each host exactly the secret files it needs, probe /ready and /health, let only the gateway
and the trusted peers reach a subgraph; and the Kubernetes manifests pass a schema validator."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer._click.exceptions import UsageError  # typer carries its own click

from network.cli import app
from network.secrets import HOSTS, host_files, secret_name, write_secrets
from saathi.runtime import CALLERS
from saathi.settings import COMPONENTS, DEFAULT_PORTS, load_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
IMAGE = f"saathi:{VERSION}"
# Images from outside the project, with the environment variables their own docs define.
OUTSIDE_IMAGES = {"postgres:15-alpine": {"POSTGRES_USER", "POSTGRES_PASSWORD_FILE"}}
# Who fetches consent's public keys (JWKS) besides the callers its service trust names.
JWKS_READERS = {"gateway", "directory", "sessions"}


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text()))


def _manifests() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                yield path, document


def _containers() -> Iterator[tuple[str, dict[str, Any]]]:
    """(workload name, container) of every Deployment and Job."""
    for _, document in _manifests():
        if document["kind"] in ("Deployment", "Job"):
            for container in document["spec"]["template"]["spec"]["containers"]:
                yield document["metadata"]["name"], container


def _saathi_services() -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in _compose()["services"].items()
        if service.get("image") == IMAGE
    }


class _Recording(dict[str, str]):
    """An environment that records every name the settings loader asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)


def variables_the_code_reads() -> set[str]:
    """Every SAATHI_* name: those the settings loader asks for (including the ones it builds
    per component), the literal names elsewhere in the code, and the entrypoint's."""
    recording = _Recording()
    load_settings(recording)
    names = set(recording.asked)
    for package in ("saathi", "network", "services", "gateway"):
        for path in (ROOT / package).rglob("*.py"):
            names |= set(re.findall(r'"(SAATHI_[A-Z_]+)"', path.read_text()))
    names |= set(re.findall(r"\$\{?(SAATHI_[A-Z_]+)", (DEPLOY / "entrypoint.sh").read_text()))
    return names


def test_every_deploy_file_parses() -> None:
    assert _compose()["services"]
    assert len(list(_manifests())) >= 10
    assert yaml.safe_load((DEPLOY / "router.yaml").read_text())["supergraph"]


def test_every_image_is_the_projects_own_built_by_its_dockerfile_or_a_listed_outside_one() -> None:
    images = {service["image"] for service in _compose()["services"].values()}
    images |= {container["image"] for _, container in _containers()}
    assert images <= {IMAGE, *OUTSIDE_IMAGES}
    for service in _saathi_services().values():
        context = (DEPLOY / service["build"]["context"]).resolve()
        assert context == ROOT
        assert (context / service["build"]["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
    # the Dockerfile copies only what exists (its entrypoint included)
    text = (DEPLOY / "Dockerfile").read_text()
    copies = re.findall(r"^COPY (.+)$", text, flags=re.MULTILINE)
    assert copies
    for line in copies:
        for source in line.split()[:-1]:
            assert (ROOT / source).exists(), source


def _saathi_commands() -> Iterator[list[str]]:
    for service in _saathi_services().values():
        yield list(service["command"])
    for _, container in _containers():
        yield list(container["args"])
    for line in (DEPLOY / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split(":", 1)[1].split()


def _parse(command: list[str]) -> None:
    """Let the CLI parse ``command`` as it would run it (unknown commands, options or a
    missing argument raise), without running it."""
    assert command[0] == "saathi", command
    group: Any = typer.main.get_command(app)
    context = group.make_context("saathi", command[1:], resilient_parsing=False)
    name, sub, rest = group.resolve_command(
        context, [*getattr(context, "_protected_args", []), *context.args]
    )
    assert sub is not None, name
    if hasattr(sub, "resolve_command"):  # a command group (keys, migrate's siblings)
        inner = sub.make_context(name, rest, parent=context)
        name, sub, rest = sub.resolve_command(
            inner, [*getattr(inner, "_protected_args", []), *inner.args]
        )
        context = inner
    sub.make_context(name or "", rest, parent=context)


def test_every_command_they_run_is_one_the_cli_accepts() -> None:
    commands = list(_saathi_commands())
    assert len(commands) >= 10
    for command in commands:
        _parse(command)
    for wrong in (
        ["saathi", "serve", "directory", "--no-such-option"],
        ["saathi", "no-such-command"],
        ["saathi", "keys", "no-such-command"],
        ["saathi", "backup"],
    ):
        with pytest.raises(UsageError):
            _parse(wrong)


def test_the_files_the_commands_name_are_in_the_image() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    for command in _saathi_commands():
        if "--supergraph" in command:
            path = command[command.index("--supergraph") + 1]
            relative = path.removeprefix("/app/")
            assert path == relative or "COPY schema ./schema" in text
            assert (ROOT / relative).is_file(), path


def _env_of(environment: Mapping[str, Any] | list[dict[str, Any]]) -> set[str]:
    if isinstance(environment, list):
        return {entry["name"] for entry in environment}
    return set(environment)


def _set_variables() -> dict[str, set[str]]:
    """Process name -> the variables its deploy files set."""
    found: dict[str, set[str]] = {}
    for name, service in _saathi_services().items():
        found[f"compose:{name}"] = _env_of(service["environment"])
    for name, container in _containers():
        found[f"kubernetes:{name}"] = _env_of(container.get("env", []))
    return found


def test_every_variable_they_set_is_one_the_code_reads() -> None:
    read = variables_the_code_reads()
    for process, names in _set_variables().items():
        assert names <= read, (process, names - read)
    for service in _compose()["services"].values():
        if service["image"] in OUTSIDE_IMAGES:
            assert _env_of(service.get("environment", {})) <= OUTSIDE_IMAGES[service["image"]]


def _needed(process: str) -> set[str]:
    """What a process cannot do without, whatever it defaults to on a laptop."""
    name = process.split(":", 1)[1]
    urls = {f"SAATHI_{c.upper()}_URL" for c in COMPONENTS}
    if name in ("migrate",) or name.startswith("saathi-migrate"):
        return {"SAATHI_DATA_DIR"} | {f"SAATHI_{c.upper()}_DATABASE_URL" for c in COMPONENTS}
    if name == "gateway":
        return {"SAATHI_DATA_DIR", "SAATHI_ENV", "SAATHI_PUBLIC_URL"} | urls
    return {"SAATHI_DATA_DIR", "SAATHI_ENV", f"SAATHI_{name.upper()}_DATABASE_URL"} | urls


def test_every_process_gets_every_variable_it_needs() -> None:
    processes = _set_variables()
    assert {p.split(":", 1)[1] for p in processes} >= {"gateway", *COMPONENTS, "migrate"}
    for process, names in processes.items():
        assert _needed(process) <= names, (process, _needed(process) - names)


def test_each_host_gets_exactly_its_secret_files_and_they_are_what_init_secrets_makes(
    tmp_path: Path,
) -> None:
    made = write_secrets(tmp_path / "secrets")
    compose = _compose()
    files = {name: spec["file"] for name, spec in compose["secrets"].items()}
    for name, path in files.items():
        if not name.startswith("db_password"):
            relative = Path(path).relative_to("secrets")
            assert (tmp_path / "secrets" / relative).is_file(), path
    for host in HOSTS:
        targets = {entry["target"] for entry in compose["services"][host].get("secrets", [])}
        assert targets == {secret_name(path) for path in host_files(host)}, host
        assert set(made[host]) == targets
        # in Kubernetes the host's Secret (made from its folder) is mounted where the
        # entrypoint looks
        deployment = next(
            d
            for _, d in _manifests()
            if d["kind"] == "Deployment" and d["metadata"]["name"] == host
        )
        spec = deployment["spec"]["template"]["spec"]
        volume = next(v for v in spec["volumes"] if v["name"] == "keys")
        assert volume["secret"]["secretName"] == f"saathi-{host}-keys"
        mounts = {m["name"]: m["mountPath"] for m in spec["containers"][0]["volumeMounts"]}
        assert mounts["keys"] == "/run/secrets"


def test_the_entrypoint_installs_secrets_once_with_private_modes(tmp_path: Path) -> None:
    write_secrets(tmp_path / "secrets")
    data = tmp_path / "data"
    env = {
        **os.environ,
        "SAATHI_SECRETS_DIR": str(tmp_path / "secrets" / "consent"),
        "SAATHI_DATA_DIR": str(data),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    run = subprocess.run(
        ["sh", str(DEPLOY / "entrypoint.sh"), "saathi", "keys", "list"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.endswith(" current\n")
    assert (data / "keys" / "consent.pem").stat().st_mode & 0o777 == 0o600
    assert (data / "signing-key.pem").read_bytes() == (
        tmp_path / "secrets" / "consent" / "signing-key.pem"
    ).read_bytes()
    # a key rotated in the data dir is not put back by the older secret at the next start
    subprocess.run(
        ["saathi", "keys", "rotate", "--data-dir", str(data)],
        env=env,
        check=True,
        capture_output=True,
    )
    rotated = (data / "signing-key.pem").read_bytes()
    subprocess.run(["sh", str(DEPLOY / "entrypoint.sh"), "true"], env=env, check=True)
    assert (data / "signing-key.pem").read_bytes() == rotated


def test_probes_ask_ready_and_health() -> None:
    for name, container in _containers():
        if name.startswith("saathi-migrate"):
            continue
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready", name
        assert container["livenessProbe"]["httpGet"]["path"] == "/health", name
    for name, service in _saathi_services().items():
        if name == "migrate":
            continue
        probe = service["healthcheck"]["test"]
        ast.parse(probe[probe.index("-c") + 1])  # the Python it runs compiles
        expected = "/health" if name == "gateway" else "/ready"
        assert probe[-1] == f"http://127.0.0.1:{DEFAULT_PORTS[name]}{expected}", name


def test_only_the_gateway_is_reachable_from_outside() -> None:
    compose = _compose()
    assert compose["networks"]["internal"]["internal"] is True
    for name, service in compose["services"].items():
        if name == "gateway":
            assert set(service["networks"]) == {"internal", "edge"}
            continue
        assert service["networks"] == ["internal"], name
        assert "ports" not in service, name
    policies = [d for _, d in _manifests() if d["kind"] == "NetworkPolicy"]
    deny = next(p for p in policies if p["metadata"]["name"] == "default-deny-ingress")
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    for component in COMPONENTS:
        (policy,) = [
            p
            for p in policies
            if p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name")
            == component
        ]
        peers = {
            source["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
            for rule in policy["spec"]["ingress"]
            for source in rule.get("from", [])
            if "podSelector" in source
        }
        wanted = set(CALLERS[component]) | (JWKS_READERS if component == "consent" else set())
        assert peers == wanted, component
    for kind in ("Service",):
        for _, document in _manifests():
            if document["kind"] == kind:
                assert document["spec"].get("type", "ClusterIP") == "ClusterIP"


def test_the_gateway_scales_on_a_horizontal_pod_autoscaler() -> None:
    (hpa,) = [d for _, d in _manifests() if d["kind"] == "HorizontalPodAutoscaler"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "gateway"
    assert hpa["spec"]["minReplicas"] >= 2


def test_the_kubernetes_manifests_pass_the_schema_validator() -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    checked = 0
    for _, document in _manifests():
        if document.get("kind") == "Kustomization":
            continue
        kubernetes_validate.validate(document, "1.30.0", strict=True)
        checked += 1
    assert checked >= 15
    broken = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {"replicas": "two"},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, "1.30.0", strict=True)


def test_the_router_config_routes_every_subgraph_of_the_supergraph() -> None:
    router = yaml.safe_load((DEPLOY / "router.yaml").read_text())
    supergraph = (ROOT / "schema" / "supergraph.graphql").read_text()
    graphs = set(re.findall(r'@join__graph\(name: "([^"]+)"', supergraph))
    assert set(router["override_subgraph_url"]) == graphs == set(COMPONENTS)
    for name, url in router["override_subgraph_url"].items():
        assert url.endswith(f":{DEFAULT_PORTS[name]}/graphql")
    assert "--supergraph schema/supergraph.graphql" in (DEPLOY / "router.yaml").read_text()


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed here")
def test_kustomize_renders_every_manifest_but_the_migration_job() -> None:
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(KUBERNETES)], check=True, capture_output=True, text=True
    ).stdout
    kinds = sorted(
        (document["kind"], document["metadata"]["name"])
        for document in yaml.safe_load_all(rendered)
    )
    expected = sorted(
        (document["kind"], document["metadata"]["name"])
        for path, document in _manifests()
        if document["kind"] != "Kustomization" and path.name != "migrate-job.yaml"
    )
    assert kinds == expected
