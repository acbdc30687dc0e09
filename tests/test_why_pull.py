"""`doctor why` on a failed pull, and the order of a symptom's causes (python/pythondotorg and
internetarchive/openlibrary trials, D1 and D8).

D1: `docker compose up -d 2>&1 | doctor why` on an engine that cannot reach the registry read
`Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io ...: no such host` as the
app's host name not resolving, under "(all services)", with no cause. It is a failed pull: of the
services compose's progress lines name, explained by image-availability's note that their image is not on
the engine, with the advice of what to do. D8: for a name that does not resolve, service-name-drift's
finding (the host) came after leaked-host-port's (the port).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from doctor.model import Finding, Location, Safety, Severity
from doctor.why.diagnose import ALL_SERVICES
from doctor.why.explains import explaining
from doctor.why.piped import service_of, text_symptoms
from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import line_symptom, readings

REGISTRY_DNS = ('Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: '
                "no such host")
PULL_LINES = [
    (f" db Error {REGISTRY_DNS}", {"registry": "registry-1.docker.io"}),
    (f"Error response from daemon: {REGISTRY_DNS}", {"registry": "registry-1.docker.io"}),
    ('Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: TLS handshake timeout', {}),
    ('Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp 44.208.254.194:443: i/o timeout',
     {}),
    ('Error response from daemon: Get "https://registry-1.docker.io/v2/": proxyconnect tcp: dial tcp 10.0.0.1:3128: '
     "connect: connection refused", {}),
    ("Error response from daemon: pull access denied for acme/api, repository does not exist or may require "
     "'docker login': denied: requested access to the resource is denied", {"image": "acme/api"}),
    ("Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit "
     "by authenticating and upgrading: https://www.docker.com/increase-rate-limit", {}),
    ("Error response from daemon: manifest for postgres:99 not found: manifest unknown: manifest unknown",
     {"image": "postgres:99"}),
    ('Error response from daemon: Head "https://ghcr.io/v2/acme/api/manifests/latest": unauthorized',
     {"registry": "ghcr.io"}),
    ("Error response from daemon: unauthorized: authentication required", {}),
    ('failed to resolve reference "docker.io/library/postgres:16-alpine": failed to do request: Head '
     '"https://registry-1.docker.io/v2/library/postgres/manifests/16-alpine": dial tcp: lookup registry-1.docker.io: '
     "no such host", {"image": "docker.io/library/postgres:16-alpine"}),
    ("Error response from daemon: no matching manifest for linux/arm64/v8 in the manifest list entries", {}),
]
WHERE = Location(Path("/p/compose.yaml"), 3)


@pytest.mark.parametrize(("line", "captured"), PULL_LINES)
def test_a_failed_pull_reads_as_a_pull_not_as_the_apps_host_or_port(line: str, captured: dict[str, str]) -> None:
    matching = readings(line, BUILTIN)
    assert [s.id for s in matching] == ["image-pull"], line  # not unknown-host, connection-refused
    symptom = line_symptom("db", "", "in the piped output", 0, line, matching)
    assert symptom.checks == ("image-availability",)
    assert captured.items() <= symptom.captured.items(), symptom.captured


def test_an_apps_own_lookups_are_still_its_host_names() -> None:
    for line in ('Get "https://api.example.com/v2/users": dial tcp: lookup api.example.com: no such host',
                 "dial tcp: lookup redis on 127.0.0.11:53: no such host"):
        assert [s.id for s in readings(line, BUILTIN)] == ["unknown-host"], line


def _note(service: str, image: str, line: int = 3) -> Finding:
    return Finding("image-availability", Severity.INFO, f"'{service}' image '{image}' is not on the engine: compose "
                   "pulls it on up (needs the registry)", Location(Path("/p/compose.yaml"), line), f"{service}:{image}")


def test_a_failed_pull_is_explained_by_the_note_on_the_services_image_with_advice() -> None:
    db, worker = _note("db", "postgres:16-alpine"), _note("worker", "redis:7-alpine", 5)
    line = f" db Error {REGISTRY_DNS}"
    symptom = line_symptom("db", "", "in the piped output", 0, line, readings(line, BUILTIN))
    (cause,) = explaining(symptom, [worker, db], ("db", "worker"))
    assert cause.subject == "db:postgres:16-alpine" and cause.is_cause
    assert cause.fix is not None and cause.fix.safety is Safety.ADVICE
    assert "docker login" in cause.fix.title and "--pull never" in cause.fix.title, cause.fix.title
    # the engine's line names no service: every image compose pulls is in question
    everyone = line_symptom(ALL_SERVICES, "", "in the piped output", 0, f"Error response from daemon: {REGISTRY_DNS}",
                            readings(f"Error response from daemon: {REGISTRY_DNS}", BUILTIN))
    assert [e.subject for e in explaining(everyone, [worker, db], ("db", "worker"))] == [
        "worker:redis:7-alpine", "db:postgres:16-alpine"]
    # a denied pull names its image: that image's note, whichever service's line it is under
    denied = "Error response from daemon: pull access denied for postgres, repository does not exist"
    named = line_symptom(ALL_SERVICES, "", "in the piped output", 0, denied, readings(denied, BUILTIN))
    assert [e.subject for e in explaining(named, [worker, db], ("db", "worker"))] == ["db:postgres:16-alpine"]
    full = 'failed to resolve reference "docker.io/library/redis:7-alpine": not found'
    ref = line_symptom(ALL_SERVICES, "", "in the piped output", 0, full, readings(full, BUILTIN))
    assert [e.subject for e in explaining(ref, [worker, db], ("db", "worker"))] == ["worker:redis:7-alpine"]


def test_other_signatures_notes_still_explain_nothing_but_the_host_they_name() -> None:
    line = "dial tcp: lookup cache on 127.0.0.11:53: no such host"
    symptom = line_symptom("web", "", "exited (1)", 1, line, readings(line, BUILTIN))
    note = Finding("service-name-drift", Severity.INFO, "SMTP_HOST=mail names no service on the network", WHERE,
                   "web:SMTP_HOST")
    assert explaining(symptom, [note], ("web",)) == ()


def test_compose_progress_lines_name_their_service_and_the_engines_repeat_is_dropped() -> None:
    services = {"db", "worker"}
    assert service_of(f" db Error {REGISTRY_DNS}", services) == ("db", "")
    assert service_of(f" ✘ worker Error {REGISTRY_DNS} 0.0s", services) == ("worker", "")
    assert service_of(f" web Error {REGISTRY_DNS}", services) == ("", "")  # no such service
    text = "\n".join([" worker Pulling", " db Pulling", f" worker Error {REGISTRY_DNS}", " db  Interrupted",
                      f"Error response from daemon: {REGISTRY_DNS}"])
    found = text_symptoms(text, BUILTIN, services, ALL_SERVICES, 3)
    assert list(found) == ["worker"], found
    assert found["worker"][0].signature is not None and found["worker"][0].signature.id == "image-pull"
    # an engine line that repeats no service's line stays everyone's
    other = text_symptoms(f" worker Error {REGISTRY_DNS}\nError response from daemon: toomanyrequests: rate limit",
                          BUILTIN, services, ALL_SERVICES, 3)
    assert sorted(other) == [ALL_SERVICES, "worker"], other


def test_a_name_that_does_not_resolve_is_the_hosts_finding_first() -> None:
    """openlibrary trial: SQL_HOST=database (no such service) and SQL_PORT=5433 (the host port): the port's
    finding was listed first for `could not translate host name "database"`."""
    line = ('web-1  | django.db.utils.OperationalError: could not translate host name "database" to address: '
            "Name or service not known")
    symptom = line_symptom("web", "web-1", "in the piped output", 0, line, readings(line, BUILTIN))
    assert symptom.signature is not None and symptom.signature.id == "unknown-host"
    assert "leaked-host-port" in symptom.checks  # database-connect's reading of the same line: secondary
    port = Finding("leaked-host-port", Severity.WARNING, "SQL_PORT dials database:5433, the host port of 'db', which "
                   "listens on 5432 inside the network ('web' sets SQL_PORT in its environment)", WHERE, "web:SQL_PORT")
    host = Finding("service-name-drift", Severity.WARNING, "SQL_HOST=database names no service on the network (did "
                   "you mean 'db'?)", WHERE, "web:SQL_HOST")
    assert [e.check for e in explaining(symptom, [port, host], ("web", "db"))] == ["service-name-drift",
                                                                                   "leaked-host-port"]


def test_a_line_naming_no_service_is_explained_by_the_finding_naming_its_host() -> None:
    """`could not translate host name "database"` piped without compose's prefix: SQL_HOST=database of 'web'
    names that very host, but was skipped as another service's fault."""
    line = 'could not translate host name "database" to address: Name or service not known'
    symptom = line_symptom(ALL_SERVICES, "", "in the piped output", 0, line, readings(line, BUILTIN))
    host = Finding("service-name-drift", Severity.WARNING, "SQL_HOST=database names no service on the network", WHERE,
                   "web:SQL_HOST")
    other = Finding("service-name-drift", Severity.WARNING, "REDIS_HOST=cache names no service on the network",
                    WHERE, "worker:REDIS_HOST")
    assert [e.subject for e in explaining(symptom, [other, host], ("web", "worker"))] == ["web:SQL_HOST"]


UP_OUTPUT = [f" db Error {REGISTRY_DNS}", f"Error response from daemon: {REGISTRY_DNS}"]


def _project(root: Path, image: str) -> None:
    root.mkdir(exist_ok=True)
    (root / "compose.yaml").write_text(f"services:\n  db:\n    image: {image}\n  web:\n    image: {image}-web\n")


@pytest.mark.docker
def test_why_reads_piped_pull_failure_as_the_services_pull(tmp_path: Path, docker_engine: str) -> None:
    """The D1 repro, piped: `db` failed its pull (not every service), its image's note is the cause."""
    image = f"doctor-test/why-absent-{uuid.uuid4().hex[:8]}:16"
    _project(tmp_path, image)
    done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", "x"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, input="\n".join(UP_OUTPUT) + "\n", env=dict(os.environ))
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ db   failed, in the piped output" in out, out
    assert ALL_SERVICES not in out and "host name the app dials" not in out, out
    assert "the engine could not pull the image from its registry" in out, out
    assert f"cause    image-availability  compose.yaml:3\n             'db' image '{image}' is not on the engine" in out
    assert "fix      pull the images when the registry answers" in out and "--pull never" in out, out
    assert "'web'" not in out, out  # its pull never failed in this output


@pytest.mark.docker
def test_why_explains_a_real_failed_pull(tmp_path: Path, docker_engine: str) -> None:
    """A real `up` of an image no registry has: offline the registry's name does not resolve, online the pull
    is denied; either way a pull of that service, explained by its image's note."""
    run = uuid.uuid4().hex[:8]
    name, image = f"doctor-test-whypull-{run}", f"doctor-test/why-absent-{run}:16"
    root = tmp_path / "stack"
    _project(root, image)
    (root / "compose.yaml").write_text(f"services:\n  db:\n    image: {image}\n")
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d"], cwd=root, capture_output=True,
                            text=True, timeout=180)
        assert up.returncode != 0, up
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name], cwd=root, capture_output=True,
                              text=True, timeout=120, input=up.stdout + up.stderr)
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down"], cwd=root, capture_output=True, timeout=120)
    assert done.returncode == 1, (up.stderr, done)
    assert "the engine could not pull the image from its registry" in done.stdout, (up.stderr, done.stdout)
    assert f"'db' image '{image}' is not on the engine" in done.stdout, (up.stderr, done.stdout)
    assert "host name the app dials" not in done.stdout, done.stdout
