"""compose-config: the rest of compose-go's consistency checks on a service's values, which compose
(v2.40.3) stops on and doctor passed in silence: a healthcheck test's first word, `scale` beside
`deploy.replicas`, a count below 0, `cpus`/`mem_limit`/`mem_reservation`/`pids_limit` beside a
`deploy.resources` block that says otherwise (a limit the block leaves out is 0 to compose), a
`container_name` on a service run twice, a `platform` outside `build.platforms`, a path mounted
twice (tmpfs and volume), a long-syntax `host_ip` that is no IP, an external volume with a driver.
Each case runs through the real compose binary and doctor; what compose accepts (equal values
written differently) is clean in both."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions


def _errors(root: Path) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "DOCTOR_NO_CACHE": "1"}
    project = Project(ProjectOptions(path=root, env=env))
    return [f"{f.location.line if f.location else None}: {f.message}"
            for f in ComposeConfig().run(project, Host(env=env, timeout=1.0)) if f.severity is Severity.ERROR]


def _compose_says(compose_bin: str, root: Path) -> str:
    done = subprocess.run([compose_bin, "config", "-q"], cwd=root, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(root.parent)})
    return done.stderr if done.returncode else ""


def _project(root: Path, service: str, tail: str = "") -> Path:
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text(f"services:\n  app:\n    image: busybox\n{service}{tail}")
    (root / "Dockerfile").write_text("FROM busybox\n")
    return root


_ACCEPTED = [
    "    cpus: 0.5\n    deploy:\n      resources:\n        limits:\n          cpus: '0.50'\n",
    "    mem_limit: 1024m\n    deploy:\n      resources:\n        limits:\n          memory: 1g\n",
    "    mem_limit: 1g\n    deploy:\n      resources:\n        reservations:\n          memory: 1g\n",
    "    scale: 1\n    container_name: abc\n    deploy:\n      replicas: 1\n",
    "    healthcheck:\n      test: curl -f http://localhost\n",
    "    healthcheck:\n      test: [CMD-SHELL, curl -f http://localhost]\n",
    "    platform: linux/amd64\n    build:\n      context: .\n      platforms: [linux/amd64, linux/arm64]\n",
    "    tmpfs: [/run]\n    volumes: [/data]\n",
    "    ports:\n      - {target: 80, published: '8080', host_ip: '127.0.0.1'}\n",
    "    volumes: [v:/x]\n",
]


@pytest.mark.parametrize("service", _ACCEPTED)
def test_what_compose_accepts_is_clean(tmp_path: Path, compose_bin: str, service: str) -> None:
    root = _project(tmp_path / "p", service, "volumes:\n  v:\n    external: true\n    name: shared\n"
                    if "v:/x" in service else "")
    assert _compose_says(compose_bin, root) == ""
    assert _errors(root) == []


_REFUSED = [
    ("    healthcheck:\n      test: [curl, -f, http://localhost]\n",
     'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"',
     "5: 'app' healthcheck test starts with 'curl': compose needs CMD, CMD-SHELL or NONE first"),
    ("    scale: 2\n    deploy:\n      replicas: 3\n", "can't set distinct values on 'scale' and 'deploy.replicas'",
     "4: 'app' sets scale 2 and deploy.replicas 3: compose refuses distinct values"),
    ("    deploy:\n      replicas: -1\n", "services.app.deploy.replicas: must be greater than or equal to 0",
     "4: 'app' deploy.replicas is -1: compose needs 0 or more"),
    ("    cpus: 0.5\n    deploy:\n      resources:\n        limits:\n          memory: 1g\n",
     "can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus'",
     "4: 'app' cpus 0.5 differs from deploy.resources.limits.cpus (unset): compose refuses distinct values"),
    ("    mem_limit: 512m\n    deploy:\n      resources:\n        limits:\n          memory: 1g\n",
     "can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory'",
     "4: 'app' mem_limit 512m differs from deploy.resources.limits.memory (1g): compose refuses distinct values"),
    ("    mem_reservation: 10m\n    deploy:\n      resources:\n        reservations:\n          cpus: '1'\n",
     "can't set distinct values on 'mem_reservation' and 'deploy.resources.reservations.memory'",
     "4: 'app' mem_reservation 10m differs from deploy.resources.reservations.memory (unset): compose refuses "
     "distinct values"),
    ("    pids_limit: 10\n    deploy:\n      resources:\n        limits:\n          pids: 20\n",
     "can't set distinct values on 'pids_limit' and 'deploy.resources.limits.pids'",
     "4: 'app' pids_limit 10 differs from deploy.resources.limits.pids (20): compose refuses distinct values"),
    ("    container_name: myapp\n    deploy:\n      replicas: 2\n", "as container name must be unique",
     "4: 'app' sets container_name 'myapp' and deploy.replicas 2: compose refuses it, as a container name must be "
     "unique"),
    ("    platform: linux/arm64\n    build:\n      context: .\n      platforms: [linux/amd64]\n",
     'service.build.platforms MUST include service.platform "linux/arm64"',
     "4: 'app' platform 'linux/arm64' is not among its build.platforms (linux/amd64): compose refuses it"),
    ("    tmpfs: [/data]\n    volumes: [/data]\n",
     "services.app.volumes[0]: target /data already mounted as services.app.tmpfs[0]",
     "5: 'app' volumes[0] mounts /data, already mounted by tmpfs[0]: compose refuses it"),
    ("    ports:\n      - {target: 80, published: '8080', host_ip: localhost}\n",
     "services.app.ports.[]: invalid ip address: localhost",
     "5: 'app' publishes port 80 on host_ip 'localhost', which is no IP address: compose refuses it"),
    ("    volumes: [v:/x]\nvolumes:\n  v:\n    external: true\n    driver: local\n",
     'volumes.v: conflicting parameters "external" and "driver" specified',
     "8: volume 'v' is external and sets driver: compose refuses any key but name beside external"),
]


@pytest.mark.parametrize(("service", "compose_says", "doctor_says"), _REFUSED)
def test_what_compose_refuses_is_an_error_at_its_line(tmp_path: Path, compose_bin: str, service: str,
                                                      compose_says: str, doctor_says: str) -> None:
    root = _project(tmp_path / "p", service)
    assert compose_says in _compose_says(compose_bin, root)
    assert _errors(root) == [doctor_says]


def test_a_profile_off_service_is_not_checked(tmp_path: Path, compose_bin: str) -> None:
    """checkConsistency runs on the enabled services alone."""
    root = _project(tmp_path / "p", "  off:\n    image: busybox\n    profiles: [x]\n    scale: 2\n"
                    "    container_name: abc\n")
    assert _compose_says(compose_bin, root) == "" and _errors(root) == []
