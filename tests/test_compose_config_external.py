"""compose-config: an `external: true` volume or network the services use that the engine lacks.

vintasoftware/django-react-boilerplate declares `dbdata: {name: myproj_dbdata, external: true}` and
creates it in `make docker_setup`; without it `docker compose up -d` stops with `external volume
"myproj_dbdata" not found` before creating a container, and preflight reported 0 errors.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig
from fake_docker_engine import FakeEngine

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

DRB = """\
services:
  db:
    image: postgres:alpine
    volumes:
      - dbdata:/var/lib/postgresql/data:delegated
  worker:
    image: redis
    networks: [shared]
  off:
    image: redis
    profiles: [later]
    volumes: [other:/x]

volumes:
  dbdata:
    name: ${PROJECT:-myproj}_dbdata
    external: true
  other:
    external: true
networks:
  shared:
    name: shared_net
    external: true
"""


def _findings(root: Path, engine_url: str) -> list:  # type: ignore[type-arg]
    env = {"DOCKER_HOST": engine_url, "PATH": "/usr/bin:/bin", "HOME": str(root)}
    project = Project(ProjectOptions(path=root, env=env))
    return list(ComposeConfig().run(project, Host(env=env, timeout=2.0)))


def test_a_missing_external_volume_and_network_are_errors_with_the_create_command(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(DRB)
    (tmp_path / "Makefile").write_text("docker_setup:\n\tdocker volume create myproj_dbdata\n\tdocker compose build\n")
    engine = FakeEngine(tmp_path / "docker.sock", {"/volumes/other": {"Name": "other"}})
    try:
        found = _findings(tmp_path, engine.url)
    finally:
        engine.close()
    by_subject = {f.subject: f for f in found}
    volume = by_subject["db:external-volume:myproj_dbdata"]
    assert volume.severity is Severity.ERROR and volume.location is not None and volume.location.line == 15
    assert volume.message == "'db' uses external volume 'myproj_dbdata', which the engine does not have: up fails"
    assert volume.fix is not None and volume.fix.command == ("docker", "volume", "create", "myproj_dbdata")
    assert "make docker_setup, Makefile:2" in volume.fix.title
    network = by_subject["worker:external-network:shared_net"]
    assert network.fix is not None and network.fix.command == ("docker", "network", "create", "shared_net")
    assert network.location is not None and network.location.line == 21
    # `other` is used only by a service of a profile that is off: compose does not ask for it, nor does doctor
    assert not any("other" in f.subject for f in found)
    assert "/volumes/other" not in engine.requests


def test_an_external_volume_the_engine_has_is_no_finding(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(DRB)
    engine = FakeEngine(tmp_path / "docker.sock", {"/volumes/myproj_dbdata": {"Name": "myproj_dbdata"},
                                                   "/networks/shared_net": {"Name": "shared_net"}})
    try:
        assert _findings(tmp_path, engine.url) == []
    finally:
        engine.close()


def test_an_engine_it_cannot_ask_is_one_note_not_a_pass_or_an_error(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(DRB)
    (found,) = _findings(tmp_path, f"unix://{tmp_path / 'none.sock'}")
    assert found.severity is Severity.INFO and found.subject == "external:unknown"
    assert "could not look whether the engine has external network 'shared_net', external volume " \
           "'myproj_dbdata'" in found.message
    # the check could look at only part of what it judges: partial, never a clean pass
    from doctor.engine import Report
    from doctor.model import CheckResult, Status
    from doctor.report import partial_reason

    result = CheckResult("compose-config", "", Status.PASSED, (found,))
    assert partial_reason(result, Report(tmp_path, (result,))).startswith("could not look whether the engine has")


def test_no_external_resource_asks_nothing(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: x\n    volumes: [data:/d]\n"
                                           "volumes:\n  data:\n")
    engine = FakeEngine(tmp_path / "docker.sock", {})
    try:
        assert _findings(tmp_path, engine.url) == []
    finally:
        engine.close()
    assert [r for r in engine.requests if r.startswith(("/volumes", "/networks"))] == []


@pytest.mark.docker
def test_compose_up_stops_where_doctor_says(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    """The real engine and compose: `up` fails on the volume doctor names, and passes once it exists."""
    run = uuid.uuid4().hex[:8]
    volume, name = f"doctor-test-ext-{run}", f"doctor-test-{run}"
    (tmp_path / "compose.yaml").write_text(f"services:\n  db:\n    image: {busybox_image}\n"
                                           "    command: [\"sleep\", \"1000\"]\n    volumes: [dbdata:/data]\n"
                                           f"volumes:\n  dbdata:\n    name: {volume}\n    external: true\n")
    compose = [docker_engine, "compose", "-p", name]
    try:
        up = subprocess.run([*compose, "up", "-d"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert up.returncode != 0 and f'external volume "{volume}" not found' in up.stderr, up.stderr
        project = Project(ProjectOptions(path=tmp_path, project_name=name))
        (found,) = ComposeConfig().run(project, Host())
        assert found.severity is Severity.ERROR and volume in found.message
        assert found.fix is not None
        subprocess.run([docker_engine, *found.fix.command[1:]], check=True, capture_output=True)
        assert list(ComposeConfig().run(Project(ProjectOptions(path=tmp_path, project_name=name)), Host())) == []
        up = subprocess.run([*compose, "up", "-d"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert up.returncode == 0, up.stderr
    finally:
        subprocess.run([*compose, "down", "-t", "0"], cwd=tmp_path, capture_output=True, timeout=120)
        subprocess.run([docker_engine, "volume", "rm", "-f", volume], capture_output=True)


def test_an_external_name_a_variable_left_empty_says_to_set_it(tmp_path: Path) -> None:
    """zammad-docker-compose's scenarios/add-external-network-to-elasticsearch.yml joins a reverse
    proxy's network by `name: ${ZAMMAD_ELASTICSEARCH_EXTERNAL_NETWORK}` (.env.dist comments it out):
    unset, compose takes the key, and the fix said only `docker network create` of the key."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  es:\n    image: redis\n    networks: [default, proxy]\n"
        "networks:\n  proxy:\n    external: true\n    name: ${PROXY_NETWORK}\n")
    engine = FakeEngine(tmp_path / "docker.sock", {})
    try:
        [found] = _findings(tmp_path, engine.url)
    finally:
        engine.close()
    assert found.subject == "es:external-network:proxy"
    assert found.message == ("'es' uses external network 'proxy', which the engine does not have: up fails (its "
                             "name, ${PROXY_NETWORK}, is empty: compose took the key)")
    assert found.fix is not None and found.fix.command == ("docker", "network", "create", "proxy")
    assert found.fix.title == "set PROXY_NETWORK to the network to use (in .env), or create the network first"
