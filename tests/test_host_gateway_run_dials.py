"""host-gateway on a dial in what the container runs besides `command:`: its entrypoint and its healthcheck.

Before: `entrypoint: ["sh", "-c", "wget ... http://host.docker.internal:PORT/ ..."]` and a healthcheck test running
`wget http://host.docker.internal:PORT/health`, with no extra_hosts, were no finding (only environment and command
were read); `up` of the entrypoint's service logged `wget: bad address 'host.docker.internal:PORT'`.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from host_gateway_live import clean_env, run_doctor, skip_where_the_engine_answers_the_name

COMPOSE = """services:
  ep:
    image: {image}
    entrypoint: ["sh", "-c", "wget -q -O- http://host.docker.internal:{port}/ ; sleep 3600"]
  hc:
    image: {image}
    command: [sleep, "3600"]
    healthcheck:
      test: ["CMD", "wget", "-q", "http://host.docker.internal:{port}/health"]
  fine:
    image: {image}
    entrypoint: ["sh", "-c", "wget -q -O- http://host.docker.internal:{port}/ ; sleep 3600"]
    extra_hosts: ["host.docker.internal:host-gateway"]
"""


@pytest.mark.docker
def test_entrypoint_and_healthcheck_dials_are_found_and_fixed(tmp_path: Path, docker_engine: str,
                                                              busybox_image: str, held_port: int) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=busybox_image, port=held_port))
    skip_where_the_engine_answers_the_name(docker_engine)
    done = run_doctor(tmp_path, "preflight", "--select", "host-gateway", "--format", "json")
    findings = json.loads(done.stdout)["findings"]
    assert [f["message"] for f in findings] == [
        "'ep' dials host.docker.internal (entrypoint); this Linux engine does not resolve it",
        "'hc' dials host.docker.internal (healthcheck); this Linux engine does not resolve it",
    ]
    assert run_doctor(tmp_path, "fix", "--hosts", "--yes").returncode == 0
    name = f"doctor-h-fixc-{uuid.uuid4().hex[:8]}"
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d", "--pull", "never", "ep"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=180, env=clean_env())
        assert up.returncode == 0, up.stdout + up.stderr
        hosts = subprocess.run([docker_engine, "compose", "-p", name, "exec", "-T", "ep", "cat", "/etc/hosts"],
                               cwd=tmp_path, capture_output=True, text=True, timeout=60, env=clean_env())
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-t", "0"], cwd=tmp_path, capture_output=True,
                       timeout=120, env=clean_env())
    assert "host.docker.internal" in hosts.stdout, hosts
    again = json.loads(run_doctor(tmp_path, "preflight", "--select", "host-gateway", "--format", "json").stdout)
    assert [f["message"] for f in again["findings"] if "does not resolve" in f["message"]] == []


WRITES_ITS_ENTRY = """services:
  cmd:
    image: {image}
    command: sh -c 'echo "$$(busybox ip route | busybox awk "/default/ {{print \\$$3}}") host.docker.internal" >> /etc/hosts; exec sleep 3600'
  ep:
    image: {image}
    entrypoint: ["sh", "-c", "busybox ip route | busybox awk '/default/ {{printf \\"%s host.docker.internal\\\\n\\", $$3}}' | busybox tee -a /etc/hosts && exec sleep 3600"]
  dials:
    image: {image}
    command: sh -c 'echo "172.17.0.1 host.docker.internal" >> /etc/hosts; wget -q http://host.docker.internal:{port}/ ; sleep 3600'
"""  # noqa: E501


@pytest.mark.docker
def test_a_start_that_writes_the_name_into_etc_hosts_dials_nothing(tmp_path: Path, docker_engine: str,
                                                                   busybox_image: str, held_port: int) -> None:
    # before: 'cmd' and 'ep' were told they dial host.docker.internal; each gives its container the entry itself
    (tmp_path / "compose.yaml").write_text(WRITES_ITS_ENTRY.format(image=busybox_image, port=held_port))
    skip_where_the_engine_answers_the_name(docker_engine)
    done = run_doctor(tmp_path, "preflight", "--select", "host-gateway", "--format", "json")
    assert [f["message"] for f in json.loads(done.stdout)["findings"]] == [
        "'dials' dials host.docker.internal (command); this Linux engine does not resolve it"]
    name = f"doctor-h-fixm2-{uuid.uuid4().hex[:8]}"
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d", "--pull", "never", "cmd", "ep"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=180, env=clean_env())
        assert up.returncode == 0, up.stdout + up.stderr
        pings = [subprocess.run([docker_engine, "compose", "-p", name, "exec", "-T", service, "busybox", "ping",
                                 "-c", "1", "-W", "1", "host.docker.internal"], cwd=tmp_path, capture_output=True,
                                text=True, timeout=60, env=clean_env()) for service in ("cmd", "ep")]
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-t", "0"], cwd=tmp_path, capture_output=True,
                       timeout=120, env=clean_env())
    for ping in pings:  # the name resolves inside: ping says its address (whether or not the host answers)
        assert "PING host.docker.internal (" in ping.stdout, ping
