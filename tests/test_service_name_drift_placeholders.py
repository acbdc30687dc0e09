"""mitxonline: `DOCKER_HOST: ${DOCKER_HOST:-missing}` was a note, `DOCKER_HOST=missing names no service on the
network; fix: point DOCKER_HOST at a service: 'db', ...`. A daemon address is a URL or a `host:port`, and a
placeholder a compose default fills in is no host name to drift from."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions


def run(root: Path, environment: str) -> list[Finding]:
    (root / "compose.yaml").write_text(
        f"services:\n  web: {{image: busybox, environment: {environment}}}\n  db: {{image: busybox}}\n"
        "  dockerd: {image: 'docker:27-dind'}\n")
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(ServiceNameDrift().run(project, Host(env={})))


@pytest.mark.parametrize("environment", [
    '{DOCKER_HOST: "${DOCKER_HOST:-missing}"}',  # mitxonline
    "{DOCKER_HOST: dockerr}",  # a bare word is no daemon address
    "{BUILDKIT_HOST: builder}",
    "{DOCKER_HOST: 'unix:///var/run/docker.sock'}",
    '{DB_HOST: "${DB_HOST:-missing}"}',  # a placeholder default under any host key
    "{REDIS_HOST: changeme}",
    "{CACHE_HOST: placeholder}",
])
def test_a_placeholder_or_a_bare_daemon_word_is_no_drift(tmp_path: Path, environment: str) -> None:
    assert run(tmp_path, environment) == []


@pytest.mark.parametrize("environment", ["{DOCKER_HOST: 'tcp://dockerr:2375'}", "{DOCKER_HOST: 'dockerr:2375'}",
                                         "{DB_HOST: dbb}"])
def test_a_daemon_address_or_a_real_host_still_drifts(tmp_path: Path, environment: str) -> None:
    [finding] = run(tmp_path, environment)
    assert "names no service" in finding.message
