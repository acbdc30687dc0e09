"""host-gateway on a service that joins another's network namespace (`network_mode: service:X` / `container:X`).

Before: with `app` on `network_mode: service:db` dialing http://host.docker.internal:8080, doctor said `fix: add
extra_hosts ... to 'app'`, and `doctor fix --hosts` wrote that entry to compose.override.yaml: `docker compose config
-q` passed, but `up -d` failed with `conflicting options: custom host-to-IP mapping and the network mode`. The entry
belongs on db, whose /etc/hosts app shares; with it there doctor still warned and proposed the breaking fix.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from host_gateway_live import clean_env, run_doctor, skip_where_the_engine_answers_the_name

COMPOSE = """services:
  db:
    image: {image}
    command: [sleep, "3600"]
  app:
    image: {image}
    command: [sleep, "3600"]
    network_mode: {mode}
    environment:
      API_URL: http://host.docker.internal:8080
"""


def _findings(project: Path) -> list[dict[str, object]]:
    done = run_doctor(project, "preflight", "--select", "host-gateway", "--format", "json")
    assert done.returncode in (0, 1), done
    findings: list[dict[str, object]] = json.loads(done.stdout)["findings"]
    return findings


@pytest.mark.docker
def test_the_fix_goes_to_the_namespace_owner_and_the_stack_starts(tmp_path: Path, docker_engine: str,
                                                                  busybox_image: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=busybox_image, mode="service:db"))
    skip_where_the_engine_answers_the_name(docker_engine)
    before = _findings(tmp_path)
    assert [f["message"] for f in before] == [
        "'app' dials host.docker.internal (API_URL); this Linux engine does not resolve it"]
    fix = before[0]["fix"]
    assert isinstance(fix, dict) and "to 'db' ('app' joins its network)" in str(fix["title"]), fix
    fixed = run_doctor(tmp_path, "fix", "--hosts", "--yes")
    assert fixed.returncode == 0, fixed
    override = (tmp_path / "compose.override.yaml").read_text()
    assert override == 'services:\n  db:\n    extra_hosts:\n      - "host.docker.internal:host-gateway"\n', override
    name = f"doctor-h-fixc-{uuid.uuid4().hex[:8]}"
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d", "--pull", "never"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=180, env=clean_env())
        assert up.returncode == 0, up.stdout + up.stderr
        hosts = subprocess.run([docker_engine, "compose", "-p", name, "exec", "-T", "app", "cat", "/etc/hosts"],
                               cwd=tmp_path, capture_output=True, text=True, timeout=60, env=clean_env())
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "-t", "0"], cwd=tmp_path,
                       capture_output=True, timeout=120, env=clean_env())
    assert "host.docker.internal" in hosts.stdout, hosts
    assert _findings(tmp_path) == []  # the entry on db answers app's dial


@pytest.mark.docker
def test_a_container_named_by_its_service_counts_its_entry(tmp_path: Path, docker_engine: str,
                                                           busybox_image: str) -> None:
    compose = COMPOSE.format(image=busybox_image, mode="container:the-db").replace(
        "  db:\n", "  db:\n    container_name: the-db\n")
    (tmp_path / "compose.yaml").write_text(compose)
    skip_where_the_engine_answers_the_name(docker_engine)
    before = _findings(tmp_path)
    fix = before[0]["fix"]
    assert isinstance(fix, dict) and "to 'db' ('app' joins its network)" in str(fix["title"]), fix
    (tmp_path / "compose.yaml").write_text(compose.replace(
        "  db:\n", '  db:\n    extra_hosts: ["host.docker.internal:host-gateway"]\n'))
    assert _findings(tmp_path) == []


@pytest.mark.docker
def test_a_container_outside_the_project_gets_advice_only(tmp_path: Path, docker_engine: str,
                                                          busybox_image: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=busybox_image, mode="container:elsewhere"))
    skip_where_the_engine_answers_the_name(docker_engine)
    before = _findings(tmp_path)
    fix = before[0]["fix"]
    assert isinstance(fix, dict) and fix["safety"] == "advice", fix
    assert "where container 'elsewhere' is created" in str(fix["title"]), fix
    assert run_doctor(tmp_path, "fix", "--hosts", "--yes").returncode in (0, 1)
    assert not (tmp_path / "compose.override.yaml").exists()


PROFILED = """services:
  vpn:
    image: {image}
    profiles: [vpn]
    command: [sleep, "3600"]
  app:
    image: {image}
    command: [sleep, "3600"]
    network_mode: service:vpn
    environment:
      API_URL: http://host.docker.internal:8080/
"""


@pytest.mark.docker
def test_an_owner_in_a_profile_that_is_off_is_advised_and_no_fix_lands_on_the_dialer(
        tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    # before: the fix wrote extra_hosts onto 'app', which compose refuses beside network_mode (and without vpn)
    (tmp_path / "compose.yaml").write_text(PROFILED.format(image=busybox_image))
    skip_where_the_engine_answers_the_name(docker_engine)
    refused = subprocess.run([docker_engine, "compose", "config", "-q"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60, env=clean_env())
    assert 'depends on undefined service "vpn"' in refused.stderr, refused
    before = _findings(tmp_path)
    assert [f["message"] for f in before] == [
        "'app' dials host.docker.internal (API_URL); this Linux engine does not resolve it"]
    fix = before[0]["fix"]
    assert isinstance(fix, dict) and fix["safety"] == "advice", fix
    assert fix["title"] == ("add extra_hosts \"host.docker.internal:host-gateway\" to 'vpn' ('app' joins its "
                            "network), in a profile that is off: run with --profile vpn"), fix
    assert run_doctor(tmp_path, "fix", "--hosts", "--yes").returncode in (0, 1)
    assert not (tmp_path / "compose.override.yaml").exists()
    # as advised: with the profile on, the entry goes to vpn and app resolves the name
    assert run_doctor(tmp_path, "fix", "--hosts", "--yes", "--profile", "vpn").returncode == 0
    assert (tmp_path / "compose.override.yaml").read_text() == (
        'services:\n  vpn:\n    extra_hosts:\n      - "host.docker.internal:host-gateway"\n')
    name = f"doctor-h-fixm2-{uuid.uuid4().hex[:8]}"
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "--profile", "vpn", "up", "-d", "--pull", "never"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=180, env=clean_env())
        assert up.returncode == 0, up.stdout + up.stderr
        hosts = subprocess.run([docker_engine, "compose", "-p", name, "--profile", "vpn", "exec", "-T", "app", "cat",
                                "/etc/hosts"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                               env=clean_env())
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "--profile", "vpn", "down", "-v", "-t", "0"],
                       cwd=tmp_path, capture_output=True, timeout=120, env=clean_env())
    assert "host.docker.internal" in hosts.stdout, hosts
    assert _findings(tmp_path) == []  # vpn's entry counts for app, its profile off or on
