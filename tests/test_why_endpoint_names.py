"""`docker compose up ... 2>&1 | doctor why` when the engine's bind error names the endpoint by a `container_name:`
(openedx/devstack trial: `container_name: "edx.${COMPOSE_PROJECT_NAME:-devstack}.mysql80"`).

Before: `driver failed programming external connectivity on endpoint edx.trialj3-r.mysql80 (...): Error starting
userland proxy: listen tcp4 0.0.0.0:3406: bind: address already in use` went to "(all services)": the engine's
`on endpoint NAME` was not read as a container name, and the host port only mysql80 publishes was not used.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from doctor.project.types import PortMapping, Service
from doctor.why.diagnose import ALL_SERVICES
from doctor.why.piped import service_of, sole_publishers, text_symptoms
from doctor.why.signatures import BUILTIN


def _bind_error(endpoint: str, port: int) -> str:
    return (f"Error response from daemon: driver failed programming external connectivity on endpoint {endpoint} "
            "(3d92ee4c5f91eb42c7acad5c7b5ebb80b4d1709d337d0586f4ca9a8be9a73f92): Error starting userland proxy: "
            f"listen tcp4 0.0.0.0:{port}: bind: address already in use")


def _service(name: str, *published: str) -> Service:
    return Service(name=name, location=None, ports=tuple(PortMapping(target=80, published=p) for p in published))


def test_the_endpoint_of_a_bind_error_is_a_container_name() -> None:
    services, names = {"mysql80", "lms"}, {"edx.trialj3-r.mysql80": "mysql80"}
    line = _bind_error("edx.trialj3-r.mysql80", 3406)
    assert service_of(line, services, names) == ("mysql80", "edx.trialj3-r.mysql80")
    assert service_of(line, services) == ("", "")  # no container_name: the dotted name is no compose name
    assert service_of(_bind_error("trialj3-r-mysql80-1", 3406), services) == ("mysql80", "trialj3-r-mysql80-1")


def test_sole_publishers_leave_out_a_port_two_services_publish() -> None:
    services = [_service("mysql80", "3406", "8000-8001"), _service("lms", "18000", "8001"), _service("worker"),
                _service("web", "", "abc")]
    assert sole_publishers(services) == {3406: "mysql80", 8000: "mysql80", 18000: "lms"}


def test_a_bind_error_naming_no_service_is_of_the_one_publishing_its_port() -> None:
    services = {"mysql80", "lms"}
    publishers = {3406: "mysql80", 18000: "lms"}
    unknown = _bind_error("edx.somewhere.mysql80", 3406) + "\n"
    found = text_symptoms(unknown, BUILTIN, services, ALL_SERVICES, 3, {}, publishers)
    assert list(found) == ["mysql80"] and found["mysql80"][0].signature is not None
    assert found["mysql80"][0].signature.id == "port-allocated"
    allocated = "Error response from daemon: Bind for 0.0.0.0:18000 failed: port is already allocated\n"
    assert list(text_symptoms(allocated, BUILTIN, services, ALL_SERVICES, 3, {}, publishers)) == ["lms"]
    # a port no service alone publishes, or no publishers given: all of them, as before
    assert list(text_symptoms(_bind_error("x", 3407), BUILTIN, services, ALL_SERVICES, 3, {}, publishers)) == \
        [ALL_SERVICES]
    assert list(text_symptoms(unknown, BUILTIN, services, ALL_SERVICES, 3)) == [ALL_SERVICES]
    # a port another signature reads (the server a client dials) is no host port the project publishes
    dial = 'connection to server at "db" (172.18.0.2), port 3406 failed: Connection refused\n'
    found = text_symptoms(dial, BUILTIN, services, ALL_SERVICES, 3, {}, publishers)
    assert list(found) == [ALL_SERVICES], found


def _why(root: Path, text: str, project: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COMPOSE_PROJECT_NAME"}
    return subprocess.run([sys.executable, "-m", "doctor", "why", "-p", project, "."], cwd=root,
                          capture_output=True, text=True, timeout=120, input=text, env=env)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_why_names_the_service_of_a_piped_bind_error_on_its_container_name(tmp_path: Path) -> None:
    port = _free_port()
    (tmp_path / "compose.yaml").write_text(
        "services:\n  mysql80:\n    image: busybox\n"
        "    container_name: \"edx.${COMPOSE_PROJECT_NAME:-devstack}.mysql80\"\n"
        f"    ports:\n      - \"{port}:3306\"\n  lms:\n    image: busybox\n")
    for endpoint in ("edx.trialj3-r.mysql80", "edx.renamed.mysql80"):  # its container_name; a name doctor can't read
        done = _why(tmp_path, f" Container {endpoint}  Starting\n{_bind_error(endpoint, port)}\n", "trialj3-r")
        assert done.returncode == 1, done
        assert "✗ mysql80  failed, in the piped output" in done.stdout and ALL_SERVICES not in done.stdout, done.stdout
    with socket.socket() as holder:  # the port held now: port-collision's finding is the cause
        holder.bind(("0.0.0.0", port))
        holder.listen()
        held = _why(tmp_path, _bind_error("edx.trialj3-r.mysql80", port) + "\n", "trialj3-r").stdout
    assert "✗ mysql80  failed, in the piped output" in held, held
    assert "cause    port-collision  compose.yaml:6" in held, held
